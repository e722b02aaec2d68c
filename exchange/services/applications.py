"""Applications: drafted and submitted by the applicant, endorsed by their line manager,
accepted or declined by the host's programme manager, withdrawn by the applicant."""

from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.utils import timezone

from accounts.clock import today_for
from accounts.models import Institute, User
from audit import services as audit
from audit.models import AuditEvent
from notifications.services import notify
from portal import bounds, events
from portal.uploads import CV_TYPES, inspect_upload
from programmes import access as programmes_access
from programmes.models import Programme

from .. import access, quotas
from ..models import Application, Opportunity, Secondment
from ..selectors import direction_between
from .dates import validate_period
from .fields import only_fields
from .notices import tell_withdrawal
from .secondments import secondment_create_from
from .transitions import (
    locked_application,
    record_event,
    require_reason,
    set_secondment_status,
)

S = Application.Status


APPLICATION_FIELDS = (
    "proposed_start",
    "proposed_end",
    "skills_to_gain",
    "benefit_to_home_team",
    "offer_to_host",
    "line_manager",
    "has_conflict_of_interest",
    "conflict_of_interest_details",
    "declaration_confirmed",
)


def _store_cv(application: Application, cv: UploadedFile | None) -> None:
    if cv is None:
        return
    facts = inspect_upload(cv, allowed=CV_TYPES, what="CV")
    old = application.cv.name if application.cv else ""
    application.cv.save(facts.original_name, cv, save=False)
    application.cv_name = facts.original_name
    application.cv_content_type = facts.media_type
    application.cv_size = facts.size
    if old:
        # Removed only after the new record commits, so a failure keeps the old CV.
        storage = application.cv.storage
        transaction.on_commit(lambda: storage.delete(old))


def _validate_line_manager(application: Application) -> None:
    manager = application.line_manager
    if manager is None:
        return
    if manager.pk == application.applicant_id:
        raise ValidationError({"line_manager": "Your line manager must be someone else."})
    if manager.institute_id != application.home_institute_id:
        raise ValidationError(
            {"line_manager": "Your line manager must work at your own institute."}
        )


@transaction.atomic
def application_create(
    *,
    applicant: User,
    opportunity: Opportunity | None = None,
    host_institute: Institute | None = None,
    cv: UploadedFile | None = None,
    **fields: Any,
) -> Application:
    """Start a draft: for an advertised opportunity, or an open application to a partner."""
    if not applicant.institute_id:
        raise PermissionDenied("Only staff of a partner institute can apply.")
    if opportunity is not None:
        if not access.opportunities_open_to(applicant).filter(pk=opportunity.pk).exists():
            raise ValidationError("This opportunity is not open for applications.")
        if (
            Application.objects.filter(applicant=applicant, opportunity=opportunity)
            .exclude(status__in=Application.FINAL)
            .exists()
        ):
            raise ValidationError(
                "You have already applied for this opportunity: open your application from "
                "your list of applications."
            )
        host_institute = opportunity.host_institute
        programme = opportunity.programme
    else:
        if host_institute is None:
            raise ValidationError({"host_institute": "Choose the institute you want to join."})
        if not access.partner_institutes_of(applicant).filter(pk=host_institute.pk).exists():
            raise ValidationError({"host_institute": "You can apply only to a partner institute."})
        programme = None
    application = Application(
        applicant=applicant,
        opportunity=opportunity,
        programme=programme,
        home_institute=applicant.institute,
        host_institute=host_institute,
        direction=direction_between(home=applicant.institute, host=host_institute),
        **only_fields(fields, APPLICATION_FIELDS, service="application_create"),
    )
    _validate_line_manager(application)
    validate_period(
        start=application.proposed_start, end=application.proposed_end, opportunity=opportunity
    )
    _store_cv(application, cv)
    application.save()
    record_event(application, actor=applicant, to=S.DRAFT, reason="Application started.")
    application.save(update_fields=["status", "status_changed_at"])
    return application


@transaction.atomic
def application_update(
    *, application: Application, actor: User, cv: UploadedFile | None = None, **fields: Any
) -> Application:
    application = locked_application(application)
    if actor.pk != application.applicant_id:
        raise PermissionDenied("Only the applicant can change this application.")
    if application.status not in Application.EDITABLE:
        raise ValidationError(
            f"This application is {application.get_status_display().lower()} and can no "
            "longer be changed."
        )
    for key, value in only_fields(fields, APPLICATION_FIELDS, service="application_update").items():
        setattr(application, key, value)
    _validate_line_manager(application)
    validate_period(
        start=application.proposed_start,
        end=application.proposed_end,
        opportunity=application.opportunity,
    )
    _store_cv(application, cv)
    application.save()
    return application


def _submission_errors(application: Application) -> dict[str, str]:
    errors: dict[str, str] = {}
    if not application.proposed_start:
        errors["proposed_start"] = "Enter the date you propose to start."
    if not application.proposed_end:
        errors["proposed_end"] = "Enter the date you propose to finish."
    if not application.skills_to_gain.strip():
        errors["skills_to_gain"] = "Enter the skills you will gain."
    if not application.benefit_to_home_team.strip():
        errors["benefit_to_home_team"] = "Enter how your home team will benefit."
    if not application.offer_to_host.strip():
        errors["offer_to_host"] = "Enter what you offer the host."
    if not application.line_manager_id:
        errors["line_manager"] = "Choose your line manager."
    if not application.cv:
        errors["cv"] = "Upload your CV."
    if application.has_conflict_of_interest is None:
        errors["has_conflict_of_interest"] = "Say whether you have a conflict of interest."
    elif application.has_conflict_of_interest and not (
        application.conflict_of_interest_details.strip()
    ):
        errors["conflict_of_interest_details"] = "Describe the conflict of interest."
    if not application.declaration_confirmed:
        errors["declaration_confirmed"] = "Confirm that the information you gave is correct."
    return errors


@transaction.atomic
def application_submit(*, application: Application, actor: User) -> Application:
    application = locked_application(application)
    if actor.pk != application.applicant_id:
        raise PermissionDenied("Only the applicant can submit this application.")
    if application.status not in Application.EDITABLE:
        raise ValidationError(
            f"This application is {application.get_status_display().lower()}: only a draft "
            "or a returned application can be submitted."
        )
    errors = _submission_errors(application)
    if errors:
        raise ValidationError(errors)
    _validate_line_manager(application)
    validate_period(
        start=application.proposed_start,
        end=application.proposed_end,
        opportunity=application.opportunity,
    )
    opportunity = application.opportunity
    if opportunity is not None and (
        opportunity.status != Opportunity.Status.OPEN or opportunity.closing_date < today_for(actor)
    ):
        raise ValidationError("This opportunity has closed: it no longer takes applications.")
    resubmitted = application.status == S.RETURNED
    record_event(application, actor=actor, to=S.SUBMITTED)
    application.submitted_at = timezone.now()
    application.save(update_fields=["status", "status_changed_at", "submitted_at", "updated_at"])
    notify(
        recipient=application.line_manager,
        kind="application_submitted",
        subject=f"{application.applicant} {'resubmitted' if resubmitted else 'submitted'} "
        f"an exchange application for your endorsement ({application.reference})",
        url=application.get_absolute_url(),
        about=application,
    )
    return application


def _require_line_manager(application: Application, actor: User, what: str) -> None:
    if not access.is_line_manager(user=actor, application=application):
        raise PermissionDenied(f"Only the named line manager can {what} this application.")


@transaction.atomic
def application_endorse(*, application: Application, actor: User, reason: str = "") -> Application:
    application = locked_application(application)
    _require_line_manager(application, actor, "endorse")
    if application.status != S.SUBMITTED:
        raise ValidationError("Only a submitted application can be endorsed.")
    record_event(application, actor=actor, to=S.ENDORSED, reason=(reason or "").strip())
    application.save(update_fields=["status", "status_changed_at", "updated_at"])
    url = application.get_absolute_url()
    notify(
        recipient=application.applicant,
        kind="application_endorsed",
        subject=f"Your line manager endorsed your exchange application ({application.reference})",
        url=url,
        about=application,
    )
    for manager in access.application_managers(application):
        if manager.pk == application.applicant_id:
            continue
        notify(
            recipient=manager,
            kind="application_endorsed",
            subject=f"An endorsed exchange application waits for a decision "
            f"({application.reference})",
            url=url,
            about=application,
        )
    return application


def _decider(application: Application, actor: User, what: str) -> str:
    """Who may return or decline now: the line manager while it waits for endorsement,
    the host's programme manager once endorsed."""
    if application.status == S.SUBMITTED:
        _require_line_manager(application, actor, what)
        return "line manager"
    if application.status == S.ENDORSED:
        _require_host_manager(application, actor, what)
        return "programme manager"
    raise ValidationError(
        f"This application is {application.get_status_display().lower()}: it cannot be "
        f"{'returned' if what == 'return' else 'declined'} now."
    )


def _require_host_manager(application: Application, actor: User, what: str) -> None:
    if not access.user_manages_application(user=actor, application=application):
        raise PermissionDenied(f"Only a programme manager can {what} this application.")
    if not access.can_decide_as_host(user=actor, application=application):
        raise PermissionDenied(
            f"Only a programme manager at the host institute can {what} this application."
        )


@transaction.atomic
def application_return(*, application: Application, actor: User, reason: str) -> Application:
    application = locked_application(application)
    _decider(application, actor, "return")
    reason = require_reason(reason, "and the changes you need")
    record_event(application, actor=actor, to=S.RETURNED, reason=reason)
    application.save(update_fields=["status", "status_changed_at", "updated_at"])
    notify(
        recipient=application.applicant,
        kind="application_returned",
        subject=f"Your exchange application was returned for changes ({application.reference})",
        body=reason,
        url=application.get_absolute_url(),
        about=application,
    )
    return application


@transaction.atomic
def application_decline(*, application: Application, actor: User, reason: str) -> Application:
    application = locked_application(application)
    _decider(application, actor, "decline")
    reason = require_reason(reason, "for declining")
    record_event(application, actor=actor, to=S.DECLINED, reason=reason)
    application.save(update_fields=["status", "status_changed_at", "updated_at"])
    events.emit(events.EventType.APPLICATION_DECIDED, application, change="declined")
    notify(
        recipient=application.applicant,
        kind="application_declined",
        subject=f"Your exchange application was declined ({application.reference})",
        body=reason,
        url=application.get_absolute_url(),
        about=application,
    )
    return application


@transaction.atomic
def application_accept(
    *,
    application: Application,
    actor: User,
    reason: str = "",
    programme: Programme | None = None,
    host_supervisor: User | None = None,
    title: str = "",
    location: str = "",
    arrangement: str = Secondment.Arrangement.SECONDMENT,
    override_reason: str = "",
) -> Secondment:
    """Accept an endorsed application and set up its secondment with the checklist.

    When accepting would take an agreed exchange quota over (``quotas``), it is refused
    unless ``override_reason`` says why to go ahead; the reason is kept on the acceptance
    event and in the audit log."""
    application = locked_application(application)
    _require_host_manager(application, actor, "accept")
    if application.status != S.ENDORSED:
        raise ValidationError("Only an endorsed application can be accepted.")
    if application.programme_id is None:
        if programme is None:
            raise ValidationError({"programme": "Choose the programme this exchange runs under."})
        if not programmes_access.user_manages_programme(user=actor, programme=programme) or not (
            programme.institutes.filter(pk=application.host_institute_id).exists()
            and programme.institutes.filter(pk=application.home_institute_id).exists()
        ):
            raise ValidationError(
                {"programme": "Choose a programme you manage that includes both institutes."}
            )
        application.programme = programme
    opportunity = application.opportunity
    if opportunity is not None:
        # Locked so that two acceptances cannot both take the last place.
        Opportunity.objects.select_for_update().filter(pk=opportunity.pk).first()
        taken = opportunity.applications.filter(status=S.ACCEPTED).count()
        if taken >= opportunity.places:
            raise ValidationError(
                f"All {opportunity.places} place(s) on this opportunity are filled."
            )
    if host_supervisor is not None and host_supervisor.institute_id != (
        application.host_institute_id
    ):
        raise ValidationError(
            {"host_supervisor": "The host supervisor must work at the host institute."}
        )
    excesses = _quota_excesses_allowed(application, override_reason)
    secondment = secondment_create_from(
        application=application,
        host_supervisor=host_supervisor,
        title=title.strip() or (opportunity.title if opportunity else "Open exchange"),
        location=location.strip() or (opportunity.location if opportunity else ""),
        arrangement=arrangement,
    )
    event = record_event(application, actor=actor, to=S.ACCEPTED, reason=(reason or "").strip())
    application.save(update_fields=["status", "status_changed_at", "programme", "updated_at"])
    if excesses:
        _record_quota_override(application, event, actor, excesses, override_reason.strip())
    events.emit(events.EventType.APPLICATION_DECIDED, application, change="accepted")
    notify(
        recipient=application.applicant,
        kind="application_accepted",
        subject=f"Your exchange application was accepted ({application.reference})",
        url=secondment.get_absolute_url(),
        about=application,
    )
    return secondment


QUOTA_REASON_NEEDED = (
    "To accept anyway, enter the reason for going over the quota (for example what the "
    "partners agreed)."
)


def _quota_excesses_allowed(application: Application, override_reason: str) -> list:
    """The quotas accepting takes over (rows locked until the acceptance commits). Refused
    without a reason for going over; nothing is saved then."""
    excesses = quotas.quota_excesses(
        programme=application.programme,
        direction=application.direction,
        start=application.proposed_start,
        end=application.proposed_end,
        lock=True,
    )
    override_reason = (override_reason or "").strip()
    if len(override_reason) > bounds.REASON_MAX_LENGTH:
        raise ValidationError(
            {
                "override_reason": "Enter a reason of at most "
                f"{bounds.REASON_MAX_LENGTH:,} characters."
            }
        )
    if excesses and not override_reason:
        raise ValidationError(
            {"override_reason": " ".join([e.message for e in excesses] + [QUOTA_REASON_NEEDED])}
        )
    return excesses


def _record_quota_override(application, event, actor, excesses, override_reason: str) -> None:
    """Going over a quota: why, on the acceptance in the application's history, and the
    figures in the audit log."""
    event.quota_override_reason = override_reason
    event.save(update_fields=["quota_override_reason"])
    audit.record(
        event=AuditEvent.QUOTA_OVERRIDE,
        actor=actor,
        obj=application,
        object_institute=application.home_institute,
        new={
            "reason": override_reason,
            "quotas": [
                {
                    "quota": excess.usage.quota.pk,
                    "year": excess.usage.quota.year,
                    "direction": excess.usage.quota.direction,
                    "unit": excess.usage.quota.unit,
                    "agreed": excess.usage.agreed,
                    "used": excess.usage.used,
                    "planned": excess.usage.planned,
                    "this_application": excess.this,
                    "over_by": excess.over_by,
                }
                for excess in excesses
            ],
        },
        summary=f"{application.reference} accepted over the exchange quota: "
        + "; ".join(excess.message for excess in excesses),
    )


@transaction.atomic
def application_withdraw(*, application: Application, actor: User, reason: str = "") -> Application:
    """The applicant may withdraw at any time before the secondment starts."""
    application = locked_application(application)
    if actor.pk != application.applicant_id:
        raise PermissionDenied("Only the applicant can withdraw this application.")
    if application.status in Application.FINAL:
        raise ValidationError(
            f"This application is already {application.get_status_display().lower()}."
        )
    reason = (reason or "").strip()
    reached_host = application.status in (S.ENDORSED, S.ACCEPTED)
    told: set[int] = set()
    if application.status == S.ACCEPTED:
        secondment = Secondment.objects.select_for_update().filter(application=application).first()
        if secondment is not None:
            if secondment.status not in (Secondment.Status.PLANNING, Secondment.Status.READY):
                raise ValidationError(
                    "The secondment has started: ask your home manager to end it early instead."
                )
            told = set_secondment_status(
                secondment,
                Secondment.Status.CANCELLED,
                reason or "The secondee withdrew their application.",
                actor=actor,
            )
    record_event(application, actor=actor, to=S.WITHDRAWN, reason=reason)
    application.save(update_fields=["status", "status_changed_at", "updated_at"])
    # Those told the secondment was cancelled are not told twice.
    tell_withdrawal(
        application, actor=actor, reached_host=reached_host, reason=reason, exclude=told
    )
    return application
