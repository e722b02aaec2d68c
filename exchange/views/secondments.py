"""Secondment pages: the list and one secondment with its checklist; dates, supervisor,
cancelling and ending early; the steps from planning to complete; the mid-point review
and return report; reciprocity for programme managers."""

from django.http import Http404
from django.shortcuts import get_object_or_404, render
from django.views.decorators.http import require_POST

from accounts.decorators import manager_required, mfa_enforced
from portal.actions import posted, run_action, run_form
from portal.pagination import paginate

from .. import access, selectors, services
from ..forms import (
    DateChangeForm,
    EndEarlyForm,
    MidpointReviewForm,
    ReasonForm,
    ReturnReportForm,
    SupervisorForm,
)
from ..models import Secondment


def visible_secondment(request, pk: int) -> Secondment:
    return get_object_or_404(selectors.secondment_list_for_page(request.user), pk=pk)


def _secondment_offering(request, pk: int, action: str) -> Secondment:
    """The secondment, if this page's action is offered to the person; 404 otherwise."""
    secondment = visible_secondment(request, pk)
    if action not in selectors.secondment_actions_for(user=request.user, secondment=secondment):
        raise Http404
    return secondment


@mfa_enforced
def secondment_list(request):
    page_obj = paginate(request, selectors.secondment_list_for_page(request.user))
    return render(request, "exchange/secondment_list.html", {"page_obj": page_obj})


@mfa_enforced
def secondment_detail(request, pk: int):
    secondment = visible_secondment(request, pk)
    items = selectors.checklist_for(secondment)
    blockers = [i for i in items if i.mandatory and i.is_open]
    return render(
        request,
        "exchange/secondment_detail.html",
        {
            "secondment": secondment,
            "items": items,
            "blockers": blockers,
            "done_count": sum(1 for i in items if not i.is_open),
            "actions": selectors.secondment_actions_for(user=request.user, secondment=secondment),
            "date_changes": secondment.date_changes.select_related("changed_by"),
            "midpoint_review": getattr(secondment, "midpoint_review", None),
            "return_report": getattr(secondment, "return_report", None),
            "is_party": access.is_secondment_party(user=request.user, secondment=secondment),
            "history": selectors.change_history(secondment),
        },
    )


def _secondment_form(request, secondment, form, service, *, success: str, template: str):
    done = run_form(
        request,
        form,
        lambda data: service(secondment=secondment, actor=request.user, **data),
        success=success,
        then=secondment,
    )
    return done or render(request, template, {"secondment": secondment, "form": form})


@mfa_enforced
def secondment_dates(request, pk: int):
    secondment = _secondment_offering(request, pk, "dates")
    form = DateChangeForm(
        posted(request),
        initial={"start_date": secondment.start_date, "end_date": secondment.end_date},
    )
    return _secondment_form(
        request,
        secondment,
        form,
        services.secondment_change_dates,
        success="The dates were changed and the checklist re-dated.",
        template="exchange/secondment_dates.html",
    )


@mfa_enforced
def secondment_end_early(request, pk: int):
    secondment = _secondment_offering(request, pk, "end_early")
    return _secondment_form(
        request,
        secondment,
        EndEarlyForm(posted(request)),
        services.secondment_end_early,
        success="The secondment was ended early.",
        template="exchange/secondment_end_early.html",
    )


@mfa_enforced
def secondment_cancel(request, pk: int):
    secondment = _secondment_offering(request, pk, "cancel")
    form = ReasonForm(posted(request), label="Why is the secondment cancelled?", required=True)
    return _secondment_form(
        request,
        secondment,
        form,
        services.secondment_cancel,
        success="The secondment was cancelled.",
        template="exchange/secondment_cancel.html",
    )


@mfa_enforced
def secondment_supervisor(request, pk: int):
    secondment = _secondment_offering(request, pk, "supervisor")
    form = SupervisorForm(
        posted(request),
        secondment=secondment,
        initial={"host_supervisor": secondment.host_supervisor_id},
    )
    return _secondment_form(
        request,
        secondment,
        form,
        services.secondment_set_host_supervisor,
        success="The host supervisor was named.",
        template="exchange/secondment_supervisor.html",
    )


SECONDMENT_STEPS = {
    "ready": (services.secondment_mark_ready, "The secondment is ready."),
    "start": (services.secondment_start, "The secondment has started."),
    "complete": (services.secondment_complete, "The secondment is complete."),
}


@require_POST
@mfa_enforced
def secondment_step(request, pk: int, action: str):
    secondment = visible_secondment(request, pk)
    if action not in SECONDMENT_STEPS:
        raise Http404
    service, success = SECONDMENT_STEPS[action]
    return run_action(
        request,
        lambda: service(secondment=secondment, actor=request.user),
        success=success,
        then=secondment,
    )


def _report_view(request, pk, *, form_class, service, attr, template, success, may_submit):
    secondment = visible_secondment(request, pk)
    existing = getattr(secondment, attr, None)
    form = form_class(posted(request))
    allowed = existing is None and may_submit(request.user, secondment)
    done = allowed and run_form(
        request,
        form,
        lambda data: service(secondment=secondment, actor=request.user, **data),
        success=success,
        then=secondment,
    )
    if done:
        return done
    rows = []
    if existing is not None:
        for name, field in form.fields.items():
            value = getattr(existing, name)
            if isinstance(value, bool):
                value = "Yes" if value else "No"
            elif hasattr(existing, f"get_{name}_display"):
                value = getattr(existing, f"get_{name}_display")()
            rows.append((field.label, value))
    return render(
        request,
        template,
        {
            "secondment": secondment,
            "form": form,
            "report": existing,
            "rows": rows,
            "allowed": allowed,
        },
    )


@mfa_enforced
def midpoint_review(request, pk: int):
    return _report_view(
        request,
        pk,
        form_class=MidpointReviewForm,
        service=services.midpoint_review_submit,
        attr="midpoint_review",
        template="exchange/midpoint_review.html",
        success="The mid-point review was recorded.",
        may_submit=lambda user, secondment: (
            secondment.status == Secondment.Status.ACTIVE
            and access.is_secondment_party(user=user, secondment=secondment)
        ),
    )


@mfa_enforced
def return_report(request, pk: int):
    return _report_view(
        request,
        pk,
        form_class=ReturnReportForm,
        service=services.return_report_submit,
        attr="return_report",
        template="exchange/return_report.html",
        success="Your return report was submitted.",
        may_submit=lambda user, secondment: (
            user.pk == secondment.secondee_id
            and secondment.status
            in (
                Secondment.Status.ACTIVE,
                Secondment.Status.COMPLETED,
                Secondment.Status.ENDED_EARLY,
            )
        ),
    )


@manager_required
def reciprocity(request):
    return render(
        request,
        "exchange/reciprocity.html",
        {"report": selectors.reciprocity_for(request.user)},
    )
