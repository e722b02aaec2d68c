"""Thin views: read through selectors, write through services, 404 for what is not yours."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db import transaction
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_POST

from accounts.decorators import manager_required, mfa_enforced
from portal.downloads import attachment_response
from portal.forms import apply_service_errors
from programmes import access as programmes_access

from . import access, selectors, services
from .filters import ApplicationQueueFilter, OpportunityFilter
from .forms import (
    AcceptForm,
    ApplicationForm,
    ChecklistItemForm,
    DateChangeForm,
    EndEarlyForm,
    MidpointReviewForm,
    OpenApplicationForm,
    OpportunityForm,
    ReasonForm,
    ReturnReportForm,
    SupervisorForm,
)
from .models import Application, ChecklistItem, Secondment

PAGE_SIZE = 20


def _posted(request):
    """The submitted data, even when empty: an empty POST must still be validated."""
    return request.POST if request.method == "POST" else None


def _page(request, queryset, param: str = "page"):
    return Paginator(queryset, PAGE_SIZE).get_page(request.GET.get(param))


def _query_without(request, param: str) -> str:
    query = request.GET.copy()
    query.pop(param, None)
    return query.urlencode()


def _refused(request, error: Exception) -> None:
    text = " ".join(getattr(error, "messages", None) or [str(error)])
    messages.error(request, text)


# --- opportunities ---------------------------------------------------------------------


@mfa_enforced
def opportunity_list(request):
    filterset = OpportunityFilter(
        request.GET or None, queryset=access.opportunities_open_to(request.user)
    )
    queryset = filterset.qs if filterset.is_bound and filterset.is_valid() else filterset.queryset
    page = _page(request, queryset)
    return render(
        request,
        "exchange/opportunity_list.html",
        {
            "filter": filterset,
            "page": page,
            "query": _query_without(request, "page"),
        },
    )


@manager_required
def opportunity_manage(request):
    page = _page(request, selectors.opportunity_list_for_manager(request.user))
    return render(request, "exchange/opportunity_manage.html", {"page": page})


@mfa_enforced
def opportunity_detail(request, pk: int):
    opportunity = get_object_or_404(access.opportunities_visible_to(request.user), pk=pk)
    may_apply = access.opportunities_open_to(request.user).filter(pk=pk).exists()
    manages = programmes_access.user_manages_programme(
        user=request.user, programme=opportunity.programme
    )
    return render(
        request,
        "exchange/opportunity_detail.html",
        {"opportunity": opportunity, "may_apply": may_apply, "manages": manages},
    )


@manager_required
def opportunity_create(request):
    form = OpportunityForm(_posted(request), manager=request.user)
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        try:
            opportunity = services.opportunity_create(
                actor=request.user,
                programme=data.pop("programme"),
                host_institute=data.pop("host_institute"),
                **data,
            )
        except ValidationError as exc:
            apply_service_errors(form, exc)
        except PermissionDenied as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(request, "The opportunity was saved as a draft.")
            return redirect(opportunity)
    return render(request, "exchange/opportunity_form.html", {"form": form})


@manager_required
def opportunity_edit(request, pk: int):
    opportunity = get_object_or_404(access.opportunities_managed_by(request.user), pk=pk)
    form = OpportunityForm(_posted(request), instance=opportunity, manager=request.user)
    if request.method == "POST" and form.is_valid():
        try:
            with transaction.atomic():
                services.opportunity_update(
                    opportunity=opportunity, actor=request.user, **form.cleaned_data
                )
        except ValidationError as exc:
            apply_service_errors(form, exc)
            opportunity.refresh_from_db()
        else:
            messages.success(request, "The opportunity was updated.")
            return redirect(opportunity)
    return render(
        request, "exchange/opportunity_form.html", {"form": form, "opportunity": opportunity}
    )


@require_POST
@manager_required
def opportunity_status(request, pk: int, action: str):
    opportunity = get_object_or_404(access.opportunities_managed_by(request.user), pk=pk)
    service = {"publish": services.opportunity_publish, "close": services.opportunity_close}.get(
        action
    )
    if service is None:
        raise Http404
    try:
        service(opportunity=opportunity, actor=request.user)
    except (ValidationError, PermissionDenied) as exc:
        _refused(request, exc)
    else:
        messages.success(
            request,
            "The opportunity is open for applications."
            if action == "publish"
            else "The opportunity is closed.",
        )
    return redirect(opportunity)


# --- applications ----------------------------------------------------------------------


def _save_application(request, form, *, application=None, opportunity=None):
    """Create or update through the services; submit too when the person chose to."""
    data = form.service_fields()
    cv = form.cleaned_data.get("cv_upload")
    try:
        with transaction.atomic():
            if application is None:
                host = data.pop("host_institute", None)
                application = services.application_create(
                    applicant=request.user,
                    opportunity=opportunity,
                    host_institute=host,
                    cv=cv,
                    **data,
                )
            else:
                application = services.application_update(
                    application=application, actor=request.user, cv=cv, **data
                )
            if "submit" in request.POST:
                services.application_submit(application=application, actor=request.user)
    except ValidationError as exc:
        apply_service_errors(form, exc, aliases={"cv": "cv_upload"})
        return None
    except PermissionDenied as exc:
        form.add_error(None, str(exc))
        return None
    if "submit" in request.POST:
        messages.success(
            request,
            "Your application was submitted. Your line manager has been asked to endorse it.",
        )
    else:
        messages.success(request, "Your draft was saved. You can come back to it at any time.")
    return application


@mfa_enforced
def application_create(request, pk: int):
    opportunity = get_object_or_404(access.opportunities_open_to(request.user), pk=pk)
    form = ApplicationForm(_posted(request), request.FILES or None, applicant=request.user)
    if request.method == "POST" and form.is_valid():
        application = _save_application(request, form, opportunity=opportunity)
        if application is not None:
            return redirect(application)
    return render(
        request, "exchange/application_form.html", {"form": form, "opportunity": opportunity}
    )


@mfa_enforced
def application_create_open(request):
    form = OpenApplicationForm(_posted(request), request.FILES or None, applicant=request.user)
    if not form.fields["host_institute"].queryset.exists():
        raise Http404
    if request.method == "POST" and form.is_valid():
        application = _save_application(request, form)
        if application is not None:
            return redirect(application)
    return render(request, "exchange/application_form.html", {"form": form, "open": True})


@mfa_enforced
def application_edit(request, pk: int):
    application = get_object_or_404(selectors.application_list_mine(request.user), pk=pk)
    if not application.is_editable:
        messages.error(
            request,
            f"This application is {application.get_status_display().lower()} and can no "
            "longer be changed.",
        )
        return redirect(application)
    form = ApplicationForm(
        _posted(request), request.FILES or None, instance=application, applicant=request.user
    )
    if request.method == "POST" and form.is_valid():
        saved = _save_application(request, form, application=application)
        if saved is not None:
            return redirect(saved)
    return render(
        request,
        "exchange/application_form.html",
        {
            "form": form,
            "application": application,
            "opportunity": application.opportunity,
            "return_event": application.events.filter(to_status=Application.Status.RETURNED)
            .select_related("actor")
            .order_by("-at", "-pk")
            .first()
            if application.status == Application.Status.RETURNED
            else None,
        },
    )


@mfa_enforced
def application_list(request):
    mine = _page(request, selectors.application_list_mine(request.user), "mine")
    to_endorse = _page(request, selectors.application_list_to_endorse(request.user), "queue")
    return render(
        request,
        "exchange/application_list.html",
        {
            "mine": mine,
            "to_endorse": to_endorse,
            "is_manager": programmes_access.programmes_managed_by(request.user).exists(),
            "may_apply_open": access.partner_institutes_of(request.user).exists(),
        },
    )


@manager_required
def application_queue(request):
    filterset = ApplicationQueueFilter(
        request.GET or None,
        queryset=selectors.application_queue_for_manager(request.user).order_by(
            "status_changed_at", "pk"
        ),
    )
    queryset = filterset.qs if filterset.is_bound and filterset.is_valid() else filterset.queryset
    page = _page(request, queryset)
    return render(
        request,
        "exchange/application_queue.html",
        {"filter": filterset, "page": page, "query": _query_without(request, "page")},
    )


@mfa_enforced
def application_detail(request, pk: int):
    application = get_object_or_404(selectors.application_detail_queryset(request.user), pk=pk)
    secondment = (
        Secondment.objects.filter(application=application).first()
        if application.status == Application.Status.ACCEPTED
        else None
    )
    if (
        secondment is not None
        and not access.secondments_visible_to(request.user).filter(pk=secondment.pk).exists()
    ):
        secondment = None
    return render(
        request,
        "exchange/application_detail.html",
        {
            "application": application,
            "events": application.events.all(),
            "actions": selectors.application_actions_for(
                user=request.user, application=application
            ),
            "secondment": secondment,
        },
    )


@require_POST
@mfa_enforced
def application_submit(request, pk: int):
    application = get_object_or_404(selectors.application_list_mine(request.user), pk=pk)
    try:
        services.application_submit(application=application, actor=request.user)
    except ValidationError as exc:
        messages.error(
            request,
            "Your application is not ready to submit: "
            + " ".join(exc.messages)
            + " Change your application and try again.",
        )
    except PermissionDenied as exc:
        _refused(request, exc)
    else:
        messages.success(
            request,
            "Your application was submitted. Your line manager has been asked to endorse it.",
        )
    return redirect(application)


# action -> (service, page heading, reason label, reason required, success message)
APPLICATION_ACTIONS = {
    "endorse": (
        services.application_endorse,
        "Endorse this application",
        "Comments for the applicant and the programme managers (optional)",
        False,
        "You endorsed the application. The programme managers have been told.",
    ),
    "return": (
        services.application_return,
        "Return this application for changes",
        "What needs to change?",
        True,
        "The application was returned to the applicant with your comments.",
    ),
    "decline": (
        services.application_decline,
        "Decline this application",
        "Why is it declined?",
        True,
        "The application was declined. The applicant has been told why.",
    ),
    "withdraw": (
        services.application_withdraw,
        "Withdraw your application",
        "Why are you withdrawing? (optional)",
        False,
        "Your application was withdrawn.",
    ),
}


@mfa_enforced
def application_action(request, pk: int, action: str):
    if action not in APPLICATION_ACTIONS:
        raise Http404
    application = get_object_or_404(selectors.application_detail_queryset(request.user), pk=pk)
    service, heading, label, required, success = APPLICATION_ACTIONS[action]
    form = ReasonForm(_posted(request), label=label, required=required)
    allowed = action in selectors.application_actions_for(
        user=request.user, application=application
    )
    if request.method == "POST" and form.is_valid():
        try:
            service(application=application, actor=request.user, reason=form.cleaned_data["reason"])
        except ValidationError as exc:
            apply_service_errors(form, exc)
        except PermissionDenied as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(request, success)
            return redirect(application)
    return render(
        request,
        "exchange/application_action.html",
        {
            "application": application,
            "form": form,
            "heading": heading,
            "action": action,
            "allowed": allowed,
        },
    )


@mfa_enforced
def application_accept(request, pk: int):
    application = get_object_or_404(selectors.application_detail_queryset(request.user), pk=pk)
    allowed = "accept" in selectors.application_actions_for(
        user=request.user, application=application
    )
    form = AcceptForm(_posted(request), application=application, manager=request.user)
    if request.method == "POST" and allowed and form.is_valid():
        data = form.cleaned_data
        try:
            secondment = services.application_accept(
                application=application,
                actor=request.user,
                reason=data["reason"],
                programme=data.get("programme"),
                host_supervisor=data.get("host_supervisor"),
                title=data.get("title") or "",
                arrangement=data["arrangement"],
            )
        except ValidationError as exc:
            apply_service_errors(form, exc)
        except PermissionDenied as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(
                request, "The application was accepted and its secondment set up with a checklist."
            )
            return redirect(secondment)
    return render(
        request,
        "exchange/application_accept.html",
        {"application": application, "form": form, "allowed": allowed},
    )


@mfa_enforced
def application_cv(request, pk: int):
    application = get_object_or_404(selectors.application_detail_queryset(request.user), pk=pk)
    if not application.cv:
        raise Http404
    return attachment_response(
        application.cv, filename=application.cv_name, content_type=application.cv_content_type
    )


# --- secondments -----------------------------------------------------------------------


@mfa_enforced
def secondment_list(request):
    page = _page(request, selectors.secondment_list_for_page(request.user))
    return render(request, "exchange/secondment_list.html", {"page": page})


@mfa_enforced
def secondment_detail(request, pk: int):
    secondment = get_object_or_404(selectors.secondment_list_for_page(request.user), pk=pk)
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


@mfa_enforced
def checklist_item_update(request, pk: int, item_pk: int):
    secondment = get_object_or_404(selectors.secondment_list_for_page(request.user), pk=pk)
    item = get_object_or_404(
        ChecklistItem.objects.select_related("secondment", "owner"),
        secondment=secondment,
        pk=item_pk,
    )
    item.secondment = secondment
    form = ChecklistItemForm(_posted(request), request.FILES or None, instance=item)
    editable = secondment.status in Secondment.LIVE
    if request.method == "POST" and editable and form.is_valid():
        data = {k: v for k, v in form.cleaned_data.items() if k != "evidence_upload"}
        upload = form.cleaned_data.get("evidence_upload")
        try:
            with transaction.atomic():
                if upload:
                    services.checklist_evidence_add(item=item, actor=request.user, upload=upload)
                services.checklist_item_update(item=item, actor=request.user, **data)
        except ValidationError as exc:
            apply_service_errors(form, exc)
        except PermissionDenied as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(request, f"“{item.title}” was updated.")
            return redirect(secondment)
    return render(
        request,
        "exchange/checklist_item_form.html",
        {
            "secondment": secondment,
            "item": item,
            "form": form,
            "editable": editable,
            "evidence": item.evidence.select_related("uploaded_by"),
            "clearance_ok": services.clearance_meets_requirement(item),
            "history": selectors.change_history(item),
        },
    )


@mfa_enforced
def evidence_download(request, pk: int, evidence_pk: int):
    secondment = get_object_or_404(selectors.secondment_list_for_page(request.user), pk=pk)
    from .models import ChecklistEvidence

    evidence = get_object_or_404(ChecklistEvidence, item__secondment=secondment, pk=evidence_pk)
    return attachment_response(
        evidence.file, filename=evidence.original_name, content_type=evidence.content_type
    )


@mfa_enforced
def secondment_dates(request, pk: int):
    secondment = get_object_or_404(selectors.secondment_list_for_page(request.user), pk=pk)
    if "dates" not in selectors.secondment_actions_for(user=request.user, secondment=secondment):
        raise Http404
    form = DateChangeForm(
        _posted(request),
        initial={"start_date": secondment.start_date, "end_date": secondment.end_date},
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.secondment_change_dates(
                secondment=secondment, actor=request.user, **form.cleaned_data
            )
        except ValidationError as exc:
            apply_service_errors(form, exc)
        except PermissionDenied as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(request, "The dates were changed and the checklist re-dated.")
            return redirect(secondment)
    return render(
        request, "exchange/secondment_dates.html", {"secondment": secondment, "form": form}
    )


@mfa_enforced
def secondment_end_early(request, pk: int):
    secondment = get_object_or_404(selectors.secondment_list_for_page(request.user), pk=pk)
    if "end_early" not in selectors.secondment_actions_for(
        user=request.user, secondment=secondment
    ):
        raise Http404
    form = EndEarlyForm(_posted(request))
    if request.method == "POST" and form.is_valid():
        try:
            services.secondment_end_early(
                secondment=secondment, actor=request.user, **form.cleaned_data
            )
        except ValidationError as exc:
            apply_service_errors(form, exc)
        except PermissionDenied as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(request, "The secondment was ended early.")
            return redirect(secondment)
    return render(
        request, "exchange/secondment_end_early.html", {"secondment": secondment, "form": form}
    )


@mfa_enforced
def secondment_cancel(request, pk: int):
    secondment = get_object_or_404(selectors.secondment_list_for_page(request.user), pk=pk)
    if "cancel" not in selectors.secondment_actions_for(user=request.user, secondment=secondment):
        raise Http404
    form = ReasonForm(_posted(request), label="Why is the secondment cancelled?", required=True)
    if request.method == "POST" and form.is_valid():
        try:
            services.secondment_cancel(
                secondment=secondment, actor=request.user, reason=form.cleaned_data["reason"]
            )
        except ValidationError as exc:
            apply_service_errors(form, exc)
        except PermissionDenied as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(request, "The secondment was cancelled.")
            return redirect(secondment)
    return render(
        request, "exchange/secondment_cancel.html", {"secondment": secondment, "form": form}
    )


@mfa_enforced
def secondment_supervisor(request, pk: int):
    secondment = get_object_or_404(selectors.secondment_list_for_page(request.user), pk=pk)
    if "supervisor" not in selectors.secondment_actions_for(
        user=request.user, secondment=secondment
    ):
        raise Http404
    form = SupervisorForm(
        _posted(request),
        secondment=secondment,
        initial={"host_supervisor": secondment.host_supervisor_id},
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.secondment_set_host_supervisor(
                secondment=secondment, actor=request.user, **form.cleaned_data
            )
        except ValidationError as exc:
            apply_service_errors(form, exc)
        except PermissionDenied as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(request, "The host supervisor was named.")
            return redirect(secondment)
    return render(
        request, "exchange/secondment_supervisor.html", {"secondment": secondment, "form": form}
    )


SECONDMENT_STEPS = {
    "ready": (services.secondment_mark_ready, "The secondment is ready."),
    "start": (services.secondment_start, "The secondment has started."),
    "complete": (services.secondment_complete, "The secondment is complete."),
}


@require_POST
@mfa_enforced
def secondment_step(request, pk: int, action: str):
    secondment = get_object_or_404(selectors.secondment_list_for_page(request.user), pk=pk)
    if action not in SECONDMENT_STEPS:
        raise Http404
    service, success = SECONDMENT_STEPS[action]
    try:
        service(secondment=secondment, actor=request.user)
    except (ValidationError, PermissionDenied) as exc:
        _refused(request, exc)
    else:
        messages.success(request, success)
    return redirect(secondment)


def _report_view(request, pk, *, form_class, service, attr, template, success, may_submit):
    secondment = get_object_or_404(selectors.secondment_list_for_page(request.user), pk=pk)
    existing = getattr(secondment, attr, None)
    form = form_class(_posted(request))
    allowed = existing is None and may_submit(request.user, secondment)
    if request.method == "POST" and allowed and form.is_valid():
        try:
            service(secondment=secondment, actor=request.user, **form.cleaned_data)
        except ValidationError as exc:
            apply_service_errors(form, exc)
        except PermissionDenied as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(request, success)
            return redirect(secondment)
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


# --- reciprocity -----------------------------------------------------------------------


@manager_required
def reciprocity(request):
    return render(
        request,
        "exchange/reciprocity.html",
        {"report": selectors.reciprocity_for(request.user)},
    )
