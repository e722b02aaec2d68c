"""A secondment's checklist items: update one, with its evidence, and download evidence."""

from django.db import transaction
from django.shortcuts import get_object_or_404, render

from accounts.decorators import mfa_enforced
from portal.actions import posted, posted_files, run_form
from portal.downloads import attachment_response

from .. import access, selectors, services
from ..forms import ChecklistItemForm
from ..models import ChecklistEvidence, ChecklistItem, Secondment
from .secondments import visible_secondment


@mfa_enforced
def checklist_item_update(request, pk: int, item_pk: int):
    secondment = visible_secondment(request, pk)
    item = get_object_or_404(
        ChecklistItem.objects.select_related("secondment", "owner"),
        secondment=secondment,
        pk=item_pk,
    )
    item.secondment = secondment
    form = ChecklistItemForm(posted(request), posted_files(request), instance=item)
    live = secondment.status in Secondment.LIVE
    editable = live and access.can_change_checklist_item(user=request.user, item=item)

    @transaction.atomic
    def update(data):
        upload = data.pop("evidence_upload", None)
        if upload:
            services.checklist_evidence_add(item=item, actor=request.user, upload=upload)
        return services.checklist_item_update(item=item, actor=request.user, **data)

    done = editable and run_form(
        request, form, update, success=f"“{item.title}” was updated.", then=secondment
    )
    return done or render(
        request,
        "exchange/checklist_item_form.html",
        {
            "secondment": secondment,
            "item": item,
            "form": form,
            "editable": editable,
            "live": live,
            "evidence": item.evidence.select_related("uploaded_by"),
            "clearance_ok": services.clearance_meets_requirement(item),
            "history": selectors.change_history(item),
        },
    )


@mfa_enforced
def evidence_download(request, pk: int, evidence_pk: int):
    secondment = visible_secondment(request, pk)
    evidence = get_object_or_404(ChecklistEvidence, item__secondment=secondment, pk=evidence_pk)
    return attachment_response(
        evidence.file,
        filename=evidence.original_name,
        content_type=evidence.content_type,
        request=request,
        about=evidence,
        institute=secondment.host_institute,
    )
