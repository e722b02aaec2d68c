"""Application pages: apply, save a draft, submit; endorse, return, decline, accept;
withdraw; the applicant's and line manager's lists and the programme managers' queue."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_POST

from accounts.decorators import manager_required, mfa_enforced
from portal.actions import posted, posted_files, run_form
from portal.downloads import attachment_response
from portal.pagination import paginate
from programmes import access as programmes_access

from .. import access, selectors, services
from ..filters import ApplicationQueueFilter
from ..forms import AcceptForm, ApplicationForm, OpenApplicationForm, ReasonForm
from ..models import Application, Secondment

SUBMITTED = "Your application was submitted. Your line manager has been asked to endorse it."
SAVED = "Your draft was saved. You can come back to it at any time."


def _save_application(request, form, *, application=None, opportunity=None):
    """Create or update through the services; submit too when the person chose to."""
    submit = "submit" in request.POST

    @transaction.atomic
    def save(data):
        cv = data.pop("cv", None)
        if application is None:
            saved = services.application_create(
                applicant=request.user,
                opportunity=opportunity,
                host_institute=data.pop("host_institute", None),
                cv=cv,
                **data,
            )
        else:
            saved = services.application_update(
                application=application, actor=request.user, cv=cv, **data
            )
        if submit:
            services.application_submit(application=saved, actor=request.user)
        return saved

    return run_form(
        request, form, save, success=SUBMITTED if submit else SAVED, aliases={"cv": "cv_upload"}
    )


@mfa_enforced
def application_create(request, pk: int):
    opportunity = get_object_or_404(access.opportunities_open_to(request.user), pk=pk)
    form = ApplicationForm(posted(request), posted_files(request), applicant=request.user)
    done = _save_application(request, form, opportunity=opportunity)
    return done or render(
        request, "exchange/application_form.html", {"form": form, "opportunity": opportunity}
    )


@mfa_enforced
def application_create_open(request):
    form = OpenApplicationForm(posted(request), posted_files(request), applicant=request.user)
    if not form.fields["host_institute"].queryset.exists():
        raise Http404
    done = _save_application(request, form)
    return done or render(request, "exchange/application_form.html", {"form": form, "open": True})


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
        posted(request), posted_files(request), instance=application, applicant=request.user
    )
    done = _save_application(request, form, application=application)
    return done or render(
        request,
        "exchange/application_form.html",
        {
            "form": form,
            "application": application,
            "opportunity": application.opportunity,
            "return_event": selectors.application_return_event(application),
        },
    )


@mfa_enforced
def application_list(request):
    return render(
        request,
        "exchange/application_list.html",
        {
            "mine": paginate(request, selectors.application_list_mine(request.user), param="mine"),
            "to_endorse": paginate(
                request, selectors.application_list_to_endorse(request.user), param="queue"
            ),
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
    return render(
        request,
        "exchange/application_queue.html",
        {"filter": filterset, "page_obj": paginate(request, queryset)},
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
    """The submit button on the application's page. A refusal lists what is missing."""
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
        messages.error(request, str(exc))
    else:
        messages.success(request, SUBMITTED)
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
    form = ReasonForm(posted(request), label=label, required=required)
    done = run_form(
        request,
        form,
        lambda data: service(application=application, actor=request.user, **data),
        success=success,
        then=application,
    )
    return done or render(
        request,
        "exchange/application_action.html",
        {
            "application": application,
            "form": form,
            "heading": heading,
            "action": action,
            "allowed": action
            in selectors.application_actions_for(user=request.user, application=application),
        },
    )


@mfa_enforced
def application_accept(request, pk: int):
    application = get_object_or_404(selectors.application_detail_queryset(request.user), pk=pk)
    allowed = "accept" in selectors.application_actions_for(
        user=request.user, application=application
    )
    form = AcceptForm(posted(request), application=application, manager=request.user)
    done = allowed and run_form(
        request,
        form,
        lambda data: services.application_accept(
            application=application, actor=request.user, **data
        ),
        success="The application was accepted and its secondment set up with a checklist.",
    )
    if done:
        return done
    programme = application.programme
    if programme is None and form.is_bound and form.is_valid():
        programme = form.cleaned_data.get("programme")
    excesses = (
        selectors.quota_excesses_for(application=application, programme=programme)
        if allowed
        else []
    )
    return render(
        request,
        "exchange/application_accept.html",
        {
            "application": application,
            "form": form,
            "allowed": allowed,
            "excesses": excesses,
            "ask_override": bool(excesses) or bool(form.errors.get("override_reason")),
        },
    )


@mfa_enforced
def application_cv(request, pk: int):
    application = get_object_or_404(selectors.application_detail_queryset(request.user), pk=pk)
    if not application.cv:
        raise Http404
    return attachment_response(
        application.cv,
        filename=application.cv_name,
        content_type=application.cv_content_type,
        request=request,
        about=application,
        institute=application.home_institute,
    )
