import csv
import io
import json

from django.http import Http404
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from accounts.clock import today_for
from accounts.decorators import mfa_enforced
from portal.actions import posted, posted_files, run_action, run_form
from portal.downloads import csv_safe, export_response, safe_filename
from portal.pagination import paginate
from programmes import access as programmes_access

from . import access, markings, selectors, services
from .downloads import file_removed_response, version_attachment
from .filters import DocumentFilter
from .forms import (
    AccessEndForm,
    DeliverableDocumentForm,
    DocumentUploadForm,
    HandoverForm,
    QueryForm,
    RevokeAccessForm,
    VersionForm,
    WithdrawForm,
)
from .models import AccessAction, DeliverableDocument, HandoverStatus


def _marking_context(marking) -> dict:
    if marking is None:
        return {}
    return {
        "marking": markings.banner_text(marking),
        "marking_class": markings.banner_class(marking),
    }


# --- documents ------------------------------------------------------------------------


@mfa_enforced
def document_list(request):
    filterset = DocumentFilter(
        request.GET or None,
        queryset=selectors.document_list_for_page(request.user),
        request=request,
    )
    documents = filterset.qs if filterset.is_bound and filterset.is_valid() else filterset.queryset
    page = paginate(request, documents)
    return render(
        request,
        "handover/document_list.html",
        {
            "page_obj": page,
            "filter": filterset,
            "filtered": any(request.GET.get(f) for f in filterset.filters),
            **_marking_context(selectors.page_marking(page.object_list)),
        },
    )


@mfa_enforced
def document_upload(request):
    form = DocumentUploadForm(posted(request), posted_files(request), user=request.user)
    done = run_form(
        request,
        form,
        lambda data: services.document_upload(user=request.user, **data),
        success=lambda document: f"{document.title} has been uploaded.",
    )
    if done:
        return done
    return render(request, "handover/document_upload.html", {"form": form})


@mfa_enforced
def document_detail(request, pk: int):
    document = get_object_or_404(
        access.documents_visible_to(request.user).select_related("owner_institute", "created_by"),
        pk=pk,
    )
    versions = list(selectors.document_versions_for(user=request.user, document=document))
    is_owner = access.is_document_owner(user=request.user, document=document)
    if versions:
        services.access_record(user=request.user, version=versions[0], action=AccessAction.VIEW)
    context = {
        "document": document,
        "versions": versions,
        "is_owner": is_owner,
        "version_form": VersionForm() if is_owner else None,
        **_marking_context(document.marking),
    }
    if is_owner:
        context["access_page"] = paginate(request, selectors.document_access_log(document=document))
        context["history"] = list(
            document.history.select_related("history_user").order_by("-history_date")[:20]
        )
    return render(request, "handover/document_detail.html", context)


@mfa_enforced
def version_add(request, pk: int):
    document = get_object_or_404(
        access.documents_visible_to(request.user).filter(
            owner_institute_id=request.user.institute_id
        ),
        pk=pk,
    )
    form = VersionForm(posted(request), posted_files(request))
    done = run_form(
        request,
        form,
        lambda data: services.document_version_add(user=request.user, document=document, **data),
        success=lambda version: f"Version {version.number} of {document.title} was added.",
        then=document,
    )
    if done:
        return done
    return render(
        request,
        "handover/version_add.html",
        {"form": form, "document": document, **_marking_context(document.marking)},
    )


@mfa_enforced
def version_download(request, pk: int, number: int):
    version = get_object_or_404(
        access.versions_visible_to(request.user).select_related("document"),
        document_id=pk,
        number=number,
    )
    if version.file_removed_at:
        return file_removed_response(request, version)
    services.version_download(version=version, user=request.user)
    return version_attachment(request, version, prefix=f"DOC-{version.document_id}")


# --- handovers ------------------------------------------------------------------------


@mfa_enforced
def handover_list(request):
    received = paginate(request, selectors.handover_list_received(request.user), param="received")
    sent = paginate(request, selectors.handover_list_sent(request.user), param="sent")
    shown = [*received.object_list, *sent.object_list]
    marking = markings.highest(
        m for m in (selectors.handover_marking(h) for h in shown) if m is not None
    )
    return render(
        request,
        "handover/handover_list.html",
        {"received": received, "sent": sent, **_marking_context(marking)},
    )


@mfa_enforced
def handover_prepare(request):
    if not request.user.institute_id:
        raise Http404
    versions = selectors.versions_for_handover_form(request.user)
    form = HandoverForm(posted(request), user=request.user, versions=versions)
    done = run_form(
        request,
        form,
        lambda data: services.handover_prepare(sender=request.user, **data),
        success=lambda handover: f"{handover.reference} is ready. Check it, then send it.",
    )
    if done:
        return done
    return render(
        request,
        "handover/handover_prepare.html",
        {"form": form, "has_documents": versions.exists()},
    )


def _visible_handover(request, reference: str):
    return get_object_or_404(selectors.handover_detail_queryset(request.user), reference=reference)


@mfa_enforced
def handover_detail(request, reference: str):
    handover = _visible_handover(request, reference)
    actions = access.handover_actions_for(user=request.user, handover=handover)
    items = [
        {"item": item, "may_open": access.can_open_document(request.user, item.version.document)}
        for item in handover.items.all()
    ]
    context = {
        "handover": handover,
        "items": items,
        "custody": list(selectors.handover_custody(handover=handover)),
        "is_sender": access.is_handover_sender(user=request.user, handover=handover),
        "is_recipient": access.is_handover_recipient(user=request.user, handover=handover),
        "can_send": "send" in actions,
        "can_withdraw": "withdraw" in actions,
        "can_respond": "respond" in actions,
        "can_query": "query" in actions,
        "can_download": "download" in actions,
        "can_set_access_end": "set_access_end" in actions,
        "can_revoke_access": "revoke_access" in actions,
        "access_ended": access.recipient_access_ended(handover),
        "overdue": handover.status == HandoverStatus.SENT
        and handover.acknowledge_by < today_for(request.user),
        "history": list(
            handover.history.select_related("history_user").order_by("-history_date")[:20]
        ),
        **_marking_context(selectors.handover_marking(handover)),
    }
    return render(request, "handover/handover_detail.html", context)


@require_POST
@mfa_enforced
def handover_send(request, reference: str):
    handover = _visible_handover(request, reference)
    if not access.is_handover_sender(user=request.user, handover=handover):
        raise Http404
    return run_action(
        request,
        lambda: services.handover_send(handover=handover, user=request.user),
        success=f"{handover.reference} has been sent.",
        then=handover,
    )


@require_POST
@mfa_enforced
def handover_acknowledge(request, reference: str):
    handover = _visible_handover(request, reference)
    if not access.is_handover_recipient(user=request.user, handover=handover):
        raise Http404
    return run_action(
        request,
        lambda: services.handover_acknowledge(handover=handover, user=request.user),
        success=f"You have acknowledged {handover.reference}. Every file matched its checksum.",
        then=handover,
    )


@mfa_enforced
def handover_query(request, reference: str):
    handover = _visible_handover(request, reference)
    if not access.is_handover_recipient(user=request.user, handover=handover):
        raise Http404
    form = QueryForm(posted(request))
    done = run_form(
        request,
        form,
        lambda data: services.handover_query(handover=handover, user=request.user, **data),
        success=f"Your query about {handover.reference} has been sent.",
        then=handover,
    )
    if done:
        return done
    return render(
        request,
        "handover/handover_query.html",
        {
            "form": form,
            "handover": handover,
            **_marking_context(selectors.handover_marking(handover)),
        },
    )


@mfa_enforced
def handover_withdraw(request, reference: str):
    handover = _visible_handover(request, reference)
    if not access.is_handover_sender(user=request.user, handover=handover):
        raise Http404
    form = WithdrawForm(posted(request))
    done = run_form(
        request,
        form,
        lambda data: services.handover_withdraw(handover=handover, user=request.user, **data),
        success=f"{handover.reference} has been withdrawn.",
        then=handover,
    )
    if done:
        return done
    return render(
        request,
        "handover/handover_withdraw.html",
        {
            "form": form,
            "handover": handover,
            **_marking_context(selectors.handover_marking(handover)),
        },
    )


def _sender_form(request, reference, form_class, run, *, success, template):
    handover = _visible_handover(request, reference)
    if not access.is_handover_sender(user=request.user, handover=handover):
        raise Http404
    form = form_class(posted(request))
    done = run_form(
        request,
        form,
        lambda data: run(handover=handover, user=request.user, **data),
        success=success.format(reference=handover.reference),
        then=handover,
    )
    if done:
        return done
    context = {"form": form, "handover": handover}
    return render(
        request, template, {**context, **_marking_context(selectors.handover_marking(handover))}
    )


@mfa_enforced
def handover_access_end(request, reference: str):
    return _sender_form(
        request,
        reference,
        AccessEndForm,
        services.handover_access_end_set,
        success="Recipients can download the files of {reference} until the date you set.",
        template="handover/handover_access_end.html",
    )


@mfa_enforced
def handover_access_revoke(request, reference: str):
    return _sender_form(
        request,
        reference,
        RevokeAccessForm,
        services.handover_access_revoke,
        success="Recipients can no longer download the files of {reference}.",
        template="handover/handover_access_revoke.html",
    )


@mfa_enforced
def handover_item_download(request, reference: str, item_id: str):
    handover = _visible_handover(request, reference)
    if not access.may_download_from_handover(user=request.user, handover=handover):
        raise Http404
    item = next((i for i in handover.items.all() if i.pk == int(item_id)), None)
    if item is None or not access.can_open_document(request.user, item.version.document):
        raise Http404
    if item.version.file_removed_at:
        return file_removed_response(request, item.version)
    services.handover_item_download(handover=handover, item=item, user=request.user)
    return version_attachment(request, item.version, prefix=handover.reference)


def _manifest_name(handover, marking_text: str, extension: str) -> str:
    return safe_filename(f"{handover.reference} {marking_text} manifest") + f".{extension}"


@mfa_enforced
def handover_manifest(request, reference: str, fmt: str):
    handover = _visible_handover(request, reference)
    marking = selectors.handover_marking(handover)
    marking_text = markings.banner_text(marking) if marking else ""
    rows = selectors.handover_manifest_rows(handover)
    if fmt == "json":
        body = json.dumps(
            {
                "reference": handover.reference,
                "marking": marking_text,
                "from": handover.sending_institute.code,
                "to": handover.receiving_institute.code,
                "status": handover.status,
                "sent_at": handover.sent_at.isoformat() if handover.sent_at else None,
                "items": rows,
            },
            indent=2,
        )
        content_type = "application/json"
    else:
        buffer = io.StringIO()
        fields = ["file_name", "document", "version", "size", "media_type", "sha256", "marking"]
        writer = csv.DictWriter(buffer, fieldnames=fields)
        writer.writeheader()
        writer.writerows({k: csv_safe(v) for k, v in row.items()} for row in rows)
        body = buffer.getvalue()
        content_type = "text/csv; charset=utf-8"
    return export_response(
        body,
        filename=_manifest_name(handover, marking_text, fmt),
        content_type=content_type,
    )


# --- documents linked to programme deliverables ---------------------------------------


def _linkable_deliverable(request, pk: int):
    """A deliverable the person may change (else not found, as on programmes' pages)."""
    deliverable = get_object_or_404(
        programmes_access.deliverables_visible_to(request.user).select_related(
            "milestone__project__programme"
        ),
        pk=pk,
    )
    if not programmes_access.may_manage_deliverables(
        user=request.user, milestone=deliverable.milestone
    ):
        raise Http404
    return deliverable


def _deliverable_back(deliverable) -> str:
    return reverse("programmes:milestone_detail", args=[deliverable.milestone_id]) + (
        f"#deliverable-{deliverable.pk}"
    )


@mfa_enforced
def deliverable_document_link(request, pk: int):
    deliverable = _linkable_deliverable(request, pk)
    form = DeliverableDocumentForm(posted(request), user=request.user, deliverable=deliverable)
    done = run_form(
        request,
        form,
        lambda data: services.deliverable_document_link(
            actor=request.user, deliverable=deliverable, **data
        ),
        success=lambda link: (
            f"{selectors.deliverable_document_label(link.version)} linked to {deliverable.title}."
        ),
        then=_deliverable_back(deliverable),
    )
    return done or render(
        request,
        "handover/deliverable_document_link.html",
        {
            "form": form,
            "deliverable": deliverable,
            "milestone": deliverable.milestone,
            "back_url": _deliverable_back(deliverable),
        },
    )


@require_POST
@mfa_enforced
def deliverable_document_unlink(request, pk: int, link_id: int):
    deliverable = _linkable_deliverable(request, pk)
    # A link to a version the person may not see is not found for them either.
    link = get_object_or_404(
        DeliverableDocument.objects.filter(
            version_id__in=access.versions_visible_to(request.user).values("pk")
        ).select_related("version__document", "deliverable__milestone__project__programme"),
        pk=link_id,
        deliverable=deliverable,
    )
    label = selectors.deliverable_document_label(link.version)
    return run_action(
        request,
        lambda: services.deliverable_document_unlink(actor=request.user, link=link),
        success=f"{label} unlinked from {deliverable.title}.",
        then=_deliverable_back(deliverable),
    )
