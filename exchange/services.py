"""Every write of the exchange. Each checks who may act, records who, when and why,
and refuses with a message a person can act on."""

import calendar
import datetime
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.utils import timezone
from simple_history.utils import bulk_create_with_history, bulk_update_with_history

from accounts.models import Institute, User
from notifications.services import notify
from portal.uploads import CV_TYPES, EVIDENCE_TYPES, inspect_upload
from programmes import access as programmes_access
from programmes.models import Programme

from . import access
from .models import (
    Application,
    ApplicationEvent,
    ChecklistEvidence,
    ChecklistItem,
    ChecklistTemplate,
    ClearanceLevel,
    Direction,
    DueAnchor,
    ItemKind,
    MidpointReview,
    Opportunity,
    Party,
    ReturnReport,
    Secondment,
    SecondmentDateChange,
    SigningMethod,
    VisaRoute,
)
from .selectors import checklist_blockers, direction_between, secondment_overlapping

S = Application.Status

# --- dates -----------------------------------------------------------------------------


def add_months(day: datetime.date, months: int) -> datetime.date:
    """The same day ``months`` later (or earlier), clamped to the end of a shorter month."""
    month_index = day.month - 1 + months
    year, month = day.year + month_index // 12, month_index % 12 + 1
    return datetime.date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def validate_period(
    *,
    start: datetime.date | None,
    end: datetime.date | None,
    opportunity: Opportunity | None = None,
) -> None:
    """End after start and, for an advertised opportunity, within its duration range and
    no earlier than its earliest start. Errors name the field they belong to."""
    if start is None or end is None:
        return
    if end <= start:
        raise ValidationError({"proposed_end": "The end date must be after the start date."})
    if opportunity is None:
        return
    if start < opportunity.earliest_start:
        raise ValidationError(
            {
                "proposed_start": "The start date must be on or after "
                f"{opportunity.earliest_start:%-d %B %Y}, the earliest start for this "
                "opportunity."
            }
        )
    shortest = add_months(start, opportunity.min_duration_months)
    longest = add_months(start, opportunity.max_duration_months)
    if not shortest <= end <= longest:
        raise ValidationError(
            {
                "proposed_end": f"This opportunity lasts {opportunity.duration_text}: "
                f"with that start the end date must be between {shortest:%-d %B %Y} and "
                f"{longest:%-d %B %Y}."
            }
        )


# --- opportunities ---------------------------------------------------------------------

OPPORTUNITY_FIELDS = (
    "team",
    "title",
    "description",
    "location",
    "min_duration_months",
    "max_duration_months",
    "earliest_start",
    "closing_date",
    "places",
    "required_clearance",
)


def _require_manager(actor: User, programme: Programme, what: str) -> None:
    if not programmes_access.user_manages_programme(user=actor, programme=programme):
        raise PermissionDenied(f"Only a manager of {programme} can {what}.")


def _validate_opportunity(opportunity: Opportunity) -> None:
    errors: dict[str, str] = {}
    if (
        opportunity.host_institute_id
        and not opportunity.programme.institutes.filter(pk=opportunity.host_institute_id).exists()
    ):
        errors["host_institute"] = "The host must be one of the programme's institutes."
    if opportunity.max_duration_months < opportunity.min_duration_months:
        errors["max_duration_months"] = (
            "The longest duration must be the same as or longer than the shortest."
        )
    if opportunity.required_clearance and opportunity.host_institute_id:
        scheme = opportunity.host_institute.classification_scheme
        if not opportunity.required_clearance.startswith(scheme + "_"):
            errors["required_clearance"] = (
                f"Choose a level from the host's scheme ({scheme} levels)."
            )
    if errors:
        raise ValidationError(errors)


@transaction.atomic
def opportunity_create(
    *, actor: User, programme: Programme, host_institute: Institute, **fields: Any
) -> Opportunity:
    _require_manager(actor, programme, "advertise opportunities in it")
    opportunity = Opportunity(
        programme=programme,
        host_institute=host_institute,
        created_by=actor,
        **{k: v for k, v in fields.items() if k in OPPORTUNITY_FIELDS},
    )
    _validate_opportunity(opportunity)
    opportunity.full_clean()
    opportunity.save()
    return opportunity


@transaction.atomic
def opportunity_update(*, opportunity: Opportunity, actor: User, **fields: Any) -> Opportunity:
    _require_manager(actor, opportunity.programme, "change its opportunities")
    for key, value in fields.items():
        if key in OPPORTUNITY_FIELDS or key == "host_institute":
            setattr(opportunity, key, value)
    _validate_opportunity(opportunity)
    opportunity.full_clean()
    opportunity.save()
    return opportunity


@transaction.atomic
def opportunity_publish(*, opportunity: Opportunity, actor: User) -> Opportunity:
    opportunity = Opportunity.objects.select_for_update().get(pk=opportunity.pk)
    _require_manager(actor, opportunity.programme, "publish its opportunities")
    if opportunity.status == Opportunity.Status.OPEN:
        raise ValidationError("This opportunity is already open.")
    if opportunity.closing_date < timezone.localdate():
        raise ValidationError("The closing date has passed: set a later one before publishing.")
    opportunity.status = Opportunity.Status.OPEN
    opportunity.published_at = timezone.now()
    opportunity.closed_at = None
    opportunity.save(update_fields=["status", "published_at", "closed_at", "updated_at"])
    return opportunity


@transaction.atomic
def opportunity_close(*, opportunity: Opportunity, actor: User) -> Opportunity:
    opportunity = Opportunity.objects.select_for_update().get(pk=opportunity.pk)
    _require_manager(actor, opportunity.programme, "close its opportunities")
    if opportunity.status != Opportunity.Status.OPEN:
        raise ValidationError("Only an open opportunity can be closed.")
    opportunity.status = Opportunity.Status.CLOSED
    opportunity.closed_at = timezone.now()
    opportunity.save(update_fields=["status", "closed_at", "updated_at"])
    return opportunity


# --- applications ----------------------------------------------------------------------

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


def _record(
    application: Application, *, actor: User, to: str, reason: str = ""
) -> ApplicationEvent:
    now = timezone.now()
    event = ApplicationEvent.objects.create(
        application=application,
        actor=actor,
        at=now,
        from_status=application.status if application.pk and application.status != to else "",
        to_status=to,
        reason=reason,
    )
    application.status = to
    application.status_changed_at = now
    return event


def _locked(application: Application) -> Application:
    return (
        Application.objects.select_for_update(of=("self",))
        .select_related("opportunity", "programme", "applicant", "line_manager", "host_institute")
        .get(pk=application.pk)
    )


def _require_reason(reason: str, what: str) -> str:
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": f"Enter the reason {what}."})
    return reason


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
        **{k: v for k, v in fields.items() if k in APPLICATION_FIELDS},
    )
    _validate_line_manager(application)
    validate_period(
        start=application.proposed_start, end=application.proposed_end, opportunity=opportunity
    )
    _store_cv(application, cv)
    application.save()
    _record(application, actor=applicant, to=S.DRAFT, reason="Application started.")
    application.save(update_fields=["status", "status_changed_at"])
    return application


@transaction.atomic
def application_update(
    *, application: Application, actor: User, cv: UploadedFile | None = None, **fields: Any
) -> Application:
    application = _locked(application)
    if actor.pk != application.applicant_id:
        raise PermissionDenied("Only the applicant can change this application.")
    if application.status not in Application.EDITABLE:
        raise ValidationError(
            f"This application is {application.get_status_display().lower()} and can no "
            "longer be changed."
        )
    for key, value in fields.items():
        if key in APPLICATION_FIELDS:
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
    application = _locked(application)
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
        opportunity.status != Opportunity.Status.OPEN
        or opportunity.closing_date < timezone.localdate()
    ):
        raise ValidationError("This opportunity has closed: it no longer takes applications.")
    resubmitted = application.status == S.RETURNED
    _record(application, actor=actor, to=S.SUBMITTED)
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
    application = _locked(application)
    _require_line_manager(application, actor, "endorse")
    if application.status != S.SUBMITTED:
        raise ValidationError("Only a submitted application can be endorsed.")
    _record(application, actor=actor, to=S.ENDORSED, reason=(reason or "").strip())
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
    application = _locked(application)
    _decider(application, actor, "return")
    reason = _require_reason(reason, "and the changes you need")
    _record(application, actor=actor, to=S.RETURNED, reason=reason)
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
    application = _locked(application)
    _decider(application, actor, "decline")
    reason = _require_reason(reason, "for declining")
    _record(application, actor=actor, to=S.DECLINED, reason=reason)
    application.save(update_fields=["status", "status_changed_at", "updated_at"])
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
) -> Secondment:
    """Accept an endorsed application and set up its secondment with the checklist."""
    application = _locked(application)
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
    secondment = _secondment_create(
        application=application,
        host_supervisor=host_supervisor,
        title=title.strip() or (opportunity.title if opportunity else "Open exchange"),
        location=location.strip() or (opportunity.location if opportunity else ""),
        arrangement=arrangement,
    )
    _record(application, actor=actor, to=S.ACCEPTED, reason=(reason or "").strip())
    application.save(update_fields=["status", "status_changed_at", "programme", "updated_at"])
    notify(
        recipient=application.applicant,
        kind="application_accepted",
        subject=f"Your exchange application was accepted ({application.reference})",
        url=secondment.get_absolute_url(),
        about=application,
    )
    return secondment


@transaction.atomic
def application_withdraw(*, application: Application, actor: User, reason: str = "") -> Application:
    """The applicant may withdraw at any time before the secondment starts."""
    application = _locked(application)
    if actor.pk != application.applicant_id:
        raise PermissionDenied("Only the applicant can withdraw this application.")
    if application.status in Application.FINAL:
        raise ValidationError(
            f"This application is already {application.get_status_display().lower()}."
        )
    reason = (reason or "").strip()
    if application.status == S.ACCEPTED:
        secondment = Secondment.objects.select_for_update().filter(application=application).first()
        if secondment is not None:
            if secondment.status not in (Secondment.Status.PLANNING, Secondment.Status.READY):
                raise ValidationError(
                    "The secondment has started: ask your home manager to end it early instead."
                )
            _secondment_set_status(
                secondment,
                Secondment.Status.CANCELLED,
                reason or "The secondee withdrew their application.",
            )
    _record(application, actor=actor, to=S.WITHDRAWN, reason=reason)
    application.save(update_fields=["status", "status_changed_at", "updated_at"])
    return application


# --- secondments -----------------------------------------------------------------------


def _check_no_overlap(
    secondee: User, start: datetime.date, end: datetime.date, exclude_pk: int | None = None
) -> None:
    # Lock the person so that two acceptances for them cannot both pass the check.
    User.objects.select_for_update().filter(pk=secondee.pk).first()
    clash = secondment_overlapping(
        secondee=secondee, start=start, end=end, exclude_pk=exclude_pk
    ).first()
    if clash is not None:
        raise ValidationError(
            f"{secondee} already has a {clash.get_status_display().lower()} secondment from "
            f"{clash.start_date:%-d %B %Y} to {clash.end_date:%-d %B %Y} ({clash.reference}); "
            "secondments for one person cannot overlap."
        )


def _due_date(anchor: str, offset: int, start: datetime.date, end: datetime.date):
    if anchor == DueAnchor.END:
        base = end
    elif anchor == DueAnchor.MIDPOINT:
        base = start + (end - start) / 2
    else:
        base = start
    return base + datetime.timedelta(days=offset)


def _party_person(secondment: Secondment, party: str) -> User | None:
    return {
        Party.SECONDEE: secondment.secondee,
        Party.HOME: secondment.home_manager,
        Party.HOST: secondment.host_supervisor,
    }.get(party)


def _secondment_create(
    *,
    application: Application,
    host_supervisor: User | None,
    title: str,
    location: str,
    arrangement: str,
) -> Secondment:
    start, end = application.proposed_start, application.proposed_end
    validate_period(start=start, end=end)
    _check_no_overlap(application.applicant, start, end)
    secondment = Secondment.objects.create(
        application=application,
        secondee=application.applicant,
        programme=application.programme,
        home_institute=application.home_institute,
        host_institute=application.host_institute,
        direction=application.direction,
        home_manager=application.line_manager,
        host_supervisor=host_supervisor,
        title=title[:200],
        start_date=start,
        end_date=end,
        location=location[:200] or application.host_institute.name,
        arrangement=arrangement,
    )
    checklist_generate(secondment=secondment)
    return secondment


@transaction.atomic
def checklist_generate(*, secondment: Secondment) -> list[ChecklistItem]:
    """Copy the direction's template into the secondment, dated from its start and end."""
    template = ChecklistTemplate.objects.filter(direction=secondment.direction).first()
    if template is None:
        raise ValidationError(
            f"There is no checklist template for {secondment.get_direction_display()}: "
            "ask an admin to create one."
        )
    opportunity = secondment.application.opportunity if secondment.application_id else None
    items = []
    for t in template.items.all():
        item = ChecklistItem(
            secondment=secondment,
            template_item=t,
            key=t.key,
            title=t.title,
            guidance=t.guidance,
            kind=t.kind,
            owner_party=t.owner_party,
            owner=_party_person(secondment, t.owner_party),
            mandatory=t.mandatory,
            due_anchor=t.due_anchor,
            due_offset_days=t.due_offset_days,
            due_date=_due_date(
                t.due_anchor, t.due_offset_days, secondment.start_date, secondment.end_date
            ),
            order=t.order,
        )
        if t.kind == ItemKind.CLEARANCE and opportunity is not None:
            item.clearance_required = opportunity.required_clearance
        if t.kind == ItemKind.VISA and secondment.direction == Direction.UK_TO_AU:
            item.visa_route = VisaRoute.AU_403
        items.append(item)
    # With history, so each item's audit trail starts at its creation.
    return bulk_create_with_history(items, ChecklistItem)


def _secondment_set_status(secondment: Secondment, status: str, reason: str = "") -> None:
    secondment.status = status
    secondment.status_reason = reason
    secondment.status_changed_at = timezone.now()
    secondment.save(update_fields=["status", "status_reason", "status_changed_at"])


def _locked_secondment(secondment: Secondment) -> Secondment:
    return (
        Secondment.objects.select_for_update(of=("self",))
        .select_related("programme", "secondee", "home_manager", "host_supervisor")
        .get(pk=secondment.pk)
    )


def _require_secondment_manager(secondment: Secondment, actor: User, what: str) -> None:
    if not access.can_manage_secondment(user=actor, secondment=secondment):
        raise PermissionDenied(
            f"Only the home manager, host supervisor or a programme manager can {what}."
        )


@transaction.atomic
def secondment_mark_ready(*, secondment: Secondment, actor: User) -> Secondment:
    secondment = _locked_secondment(secondment)
    _require_secondment_manager(secondment, actor, "mark this secondment ready")
    if secondment.status != Secondment.Status.PLANNING:
        raise ValidationError("Only a secondment in planning can be marked ready.")
    blockers = list(checklist_blockers(secondment).values_list("title", flat=True))
    if blockers:
        raise ValidationError(
            "The secondment cannot be ready while these mandatory checklist items are open: "
            + "; ".join(blockers)
            + "."
        )
    _secondment_set_status(secondment, Secondment.Status.READY)
    return secondment


@transaction.atomic
def secondment_start(*, secondment: Secondment, actor: User) -> Secondment:
    secondment = _locked_secondment(secondment)
    _require_secondment_manager(secondment, actor, "start this secondment")
    if secondment.status != Secondment.Status.READY:
        raise ValidationError("Only a ready secondment can start.")
    if timezone.localdate() < secondment.start_date:
        raise ValidationError(
            f"The secondment cannot start before {secondment.start_date:%-d %B %Y}."
        )
    _secondment_set_status(secondment, Secondment.Status.ACTIVE)
    return secondment


@transaction.atomic
def secondment_complete(*, secondment: Secondment, actor: User) -> Secondment:
    secondment = _locked_secondment(secondment)
    _require_secondment_manager(secondment, actor, "complete this secondment")
    if secondment.status != Secondment.Status.ACTIVE:
        raise ValidationError("Only an active secondment can be completed.")
    if timezone.localdate() < secondment.end_date:
        raise ValidationError(
            f"The secondment runs until {secondment.end_date:%-d %B %Y}: to finish sooner, "
            "end it early with a reason."
        )
    _secondment_set_status(secondment, Secondment.Status.COMPLETED)
    return secondment


@transaction.atomic
def secondment_cancel(*, secondment: Secondment, actor: User, reason: str) -> Secondment:
    secondment = _locked_secondment(secondment)
    _require_secondment_manager(secondment, actor, "cancel this secondment")
    if secondment.status not in (Secondment.Status.PLANNING, Secondment.Status.READY):
        raise ValidationError(
            "Only a secondment that has not started can be cancelled; end an active one early."
        )
    reason = _require_reason(reason, "for cancelling")
    _secondment_set_status(secondment, Secondment.Status.CANCELLED, reason)
    return secondment


@transaction.atomic
def secondment_end_early(
    *, secondment: Secondment, actor: User, end_date: datetime.date, reason: str
) -> Secondment:
    secondment = _locked_secondment(secondment)
    _require_secondment_manager(secondment, actor, "end this secondment early")
    if secondment.status != Secondment.Status.ACTIVE:
        raise ValidationError("Only an active secondment can end early.")
    reason = _require_reason(reason, "for ending early")
    if not secondment.start_date < end_date < secondment.end_date:
        raise ValidationError(
            {"end_date": "The early end date must be after the start and before the planned end."}
        )
    SecondmentDateChange.objects.create(
        secondment=secondment,
        kind=SecondmentDateChange.Kind.EARLY_END,
        old_start=secondment.start_date,
        old_end=secondment.end_date,
        new_start=secondment.start_date,
        new_end=end_date,
        reason=reason,
        changed_by=actor,
    )
    secondment.end_date = end_date
    secondment.save(update_fields=["end_date"])
    _secondment_set_status(secondment, Secondment.Status.ENDED_EARLY, reason)
    return secondment


@transaction.atomic
def secondment_change_dates(
    *,
    secondment: Secondment,
    actor: User,
    start_date: datetime.date,
    end_date: datetime.date,
    reason: str,
) -> SecondmentDateChange:
    """Extend or reschedule a live secondment; open checklist items are re-dated."""
    secondment = _locked_secondment(secondment)
    _require_secondment_manager(secondment, actor, "change this secondment's dates")
    if secondment.status not in Secondment.LIVE:
        raise ValidationError("The dates of a finished or cancelled secondment cannot change.")
    reason = _require_reason(reason, "for the change")
    if end_date <= start_date:
        raise ValidationError({"end_date": "The end date must be after the start date."})
    if secondment.status == Secondment.Status.ACTIVE and start_date != secondment.start_date:
        raise ValidationError({"start_date": "The secondment has started: its start is fixed."})
    if (start_date, end_date) == (secondment.start_date, secondment.end_date):
        raise ValidationError("The new dates are the same as the current ones.")
    _check_no_overlap(secondment.secondee, start_date, end_date, exclude_pk=secondment.pk)
    if start_date == secondment.start_date and end_date > secondment.end_date:
        kind = SecondmentDateChange.Kind.EXTENSION
    elif start_date == secondment.start_date and end_date < secondment.end_date:
        kind = SecondmentDateChange.Kind.EARLY_END
    else:
        kind = SecondmentDateChange.Kind.RESCHEDULE
    change = SecondmentDateChange.objects.create(
        secondment=secondment,
        kind=kind,
        old_start=secondment.start_date,
        old_end=secondment.end_date,
        new_start=start_date,
        new_end=end_date,
        reason=reason,
        changed_by=actor,
    )
    secondment.start_date, secondment.end_date = start_date, end_date
    secondment.save(update_fields=["start_date", "end_date"])
    open_items = list(secondment.checklist_items.exclude(status__in=ChecklistItem.CLOSED))
    for item in open_items:
        item.due_date = _due_date(item.due_anchor, item.due_offset_days, start_date, end_date)
    bulk_update_with_history(open_items, ChecklistItem, ["due_date"], default_user=actor)
    return change


@transaction.atomic
def secondment_set_host_supervisor(
    *, secondment: Secondment, actor: User, host_supervisor: User
) -> Secondment:
    secondment = _locked_secondment(secondment)
    if not programmes_access.user_manages_programme(user=actor, programme=secondment.programme):
        raise PermissionDenied("Only a programme manager can name the host supervisor.")
    if host_supervisor.institute_id != secondment.host_institute_id:
        raise ValidationError(
            {"host_supervisor": "The host supervisor must work at the host institute."}
        )
    secondment.host_supervisor = host_supervisor
    secondment.save(update_fields=["host_supervisor"])
    for item in secondment.checklist_items.filter(owner_party=Party.HOST).exclude(
        status__in=ChecklistItem.CLOSED
    ):
        item.owner = host_supervisor
        item.save(update_fields=["owner", "updated_at"])
    return secondment


# --- checklist -------------------------------------------------------------------------

ITEM_FIELDS = {
    ItemKind.AGREEMENT: ("signing_method",),
    ItemKind.CLEARANCE: (
        "clearance_required",
        "clearance_held",
        "clearance_recognition_requested_on",
        "clearance_recognition_received_on",
        "clearance_expires_on",
    ),
    ItemKind.VISA: (
        "visa_route",
        "visa_stream",
        "cos_assigned_on",
        "visa_applied_on",
        "letter_of_support_on",
        "visa_granted_on",
        "visa_expires_on",
    ),
}


def checklist_item_fields(item: ChecklistItem) -> tuple[str, ...]:
    return ("status", "notes") + ITEM_FIELDS.get(item.kind, ())


def _require_worker(secondment: Secondment, actor: User) -> None:
    if not access.can_work_on_checklist(user=actor, secondment=secondment):
        raise PermissionDenied(
            "Only the secondee, home manager, host supervisor or a programme manager can "
            "work on this checklist."
        )
    if secondment.status not in Secondment.LIVE:
        raise ValidationError(
            f"This secondment is {secondment.get_status_display().lower()}: its checklist is "
            "closed."
        )


def _validate_item(item: ChecklistItem, *, evidence_count: int) -> None:
    errors: dict[str, str] = {}
    done = item.status == ChecklistItem.Status.DONE
    scheme_in = "AU" if item.secondment.direction == Direction.UK_TO_AU else "UK"
    if item.kind == ItemKind.AGREEMENT and done:
        if not item.signing_method:
            errors["signing_method"] = "Say how the agreement was signed."
        elif item.signing_method == SigningMethod.WET_SIGNED and evidence_count == 0:
            errors["status"] = "Upload the signed agreement before marking this done."
    if item.kind == ItemKind.CLEARANCE:
        if item.clearance_required and not item.clearance_required.startswith(scheme_in + "_"):
            errors["clearance_required"] = (
                f"The required level is in the host's scheme: choose a {scheme_in} level."
            )
        requested = item.clearance_recognition_requested_on
        received = item.clearance_recognition_received_on
        if received and not requested:
            errors["clearance_recognition_requested_on"] = "Enter when recognition was requested."
        elif received and requested and received < requested:
            errors["clearance_recognition_received_on"] = (
                "Recognition cannot be received before it was requested."
            )
        if done:
            if not item.clearance_held:
                errors["clearance_held"] = "Enter the level the secondee holds."
            if not received:
                errors["clearance_recognition_received_on"] = (
                    "Enter when the host recognised the clearance before marking this done."
                )
            if not item.clearance_expires_on:
                errors["clearance_expires_on"] = "Enter when the clearance expires."
    if item.kind == ItemKind.VISA:
        _validate_visa(item, scheme_in, done, errors)
    if errors:
        raise ValidationError(errors)


def _validate_visa(item: ChecklistItem, scheme_in: str, done: bool, errors: dict) -> None:
    if item.visa_route and not item.visa_route.startswith(scheme_in + "_"):
        errors["visa_route"] = "Choose a visa for entry into " + (
            "Australia." if scheme_in == "AU" else "the UK."
        )
    if item.visa_route in (VisaRoute.UK_GAE, VisaRoute.UK_IA):
        cos, applied = item.cos_assigned_on, item.visa_applied_on
        if cos and applied:
            if applied < cos:
                errors["visa_applied_on"] = (
                    "The visa application must come after the Certificate of Sponsorship."
                )
            elif cos < add_months(applied, -3):
                errors["cos_assigned_on"] = (
                    "The Certificate of Sponsorship must be assigned no earlier than 3 months "
                    "before the visa application: it was assigned on "
                    f"{cos:%-d %B %Y}, more than 3 months before {applied:%-d %B %Y}."
                )
        if done and not cos:
            errors["cos_assigned_on"] = "Enter when the Certificate of Sponsorship was assigned."
    if item.visa_route == VisaRoute.AU_403 and done:
        if not item.visa_stream.strip():
            errors["visa_stream"] = "Enter the subclass 403 stream."
        if not item.letter_of_support_on:
            errors["letter_of_support_on"] = "Enter when the letter of support was issued."
    if (
        item.visa_granted_on
        and item.visa_applied_on
        and item.visa_granted_on < item.visa_applied_on
    ):
        errors["visa_granted_on"] = "The visa cannot be granted before it was applied for."
    if (
        item.visa_expires_on
        and item.visa_granted_on
        and (item.visa_expires_on <= item.visa_granted_on)
    ):
        errors["visa_expires_on"] = "The expiry date must be after the grant date."
    if done:
        if not item.visa_route:
            errors["visa_route"] = "Choose the visa."
        if not item.visa_granted_on:
            errors["visa_granted_on"] = "Enter when the visa was granted."
        if not item.visa_expires_on:
            errors["visa_expires_on"] = "Enter when the visa expires."


@transaction.atomic
def checklist_item_update(*, item: ChecklistItem, actor: User, **fields: Any) -> ChecklistItem:
    item = (
        ChecklistItem.objects.select_for_update(of=("self",))
        .select_related("secondment__programme")
        .get(pk=item.pk)
    )
    secondment = item.secondment
    _require_worker(secondment, actor)
    was_open = item.is_open
    for key in checklist_item_fields(item):
        if key in fields:
            value = fields[key]
            setattr(item, key, "" if value is None and key in _TEXT_FIELDS else value)
    _validate_item(item, evidence_count=item.evidence.count())
    if item.status in ChecklistItem.CLOSED and was_open:
        item.completed_at, item.completed_by = timezone.now(), actor
    elif item.status not in ChecklistItem.CLOSED:
        item.completed_at, item.completed_by = None, None
    item.save()
    if item.mandatory and item.is_open and secondment.status == Secondment.Status.READY:
        # A reopened mandatory item takes the secondment back to planning.
        _secondment_set_status(
            Secondment.objects.select_for_update().get(pk=secondment.pk),
            Secondment.Status.PLANNING,
            f"“{item.title}” was reopened by {actor}.",
        )
    return item


_TEXT_FIELDS = {
    "notes",
    "signing_method",
    "clearance_required",
    "clearance_held",
    "visa_route",
    "visa_stream",
}


@transaction.atomic
def checklist_evidence_add(
    *, item: ChecklistItem, actor: User, upload: UploadedFile
) -> ChecklistEvidence:
    item = ChecklistItem.objects.select_related("secondment__programme").get(pk=item.pk)
    _require_worker(item.secondment, actor)
    facts = inspect_upload(upload, allowed=EVIDENCE_TYPES, what="file")
    evidence = ChecklistEvidence(
        item=item,
        original_name=facts.original_name,
        content_type=facts.media_type,
        size=facts.size,
        uploaded_by=actor,
    )
    evidence.file.save(facts.original_name, upload, save=False)
    evidence.save()
    return evidence


def _close_report_item(secondment: Secondment, kind: str, actor: User) -> None:
    for item in secondment.checklist_items.filter(kind=kind).exclude(
        status__in=ChecklistItem.CLOSED
    ):
        item.status = ChecklistItem.Status.DONE
        item.completed_at, item.completed_by = timezone.now(), actor
        item.save(update_fields=["status", "completed_at", "completed_by", "updated_at"])


REVIEW_FIELDS = (
    "progress",
    "achievements",
    "concerns",
    "support_needed",
    "objectives_changed",
    "objectives_change_details",
)
REPORT_FIELDS = (
    "work_summary",
    "skills_gained",
    "knowledge_handed_over",
    "benefit_to_home",
    "recommendations",
    "would_recommend",
)


@transaction.atomic
def midpoint_review_submit(*, secondment: Secondment, actor: User, **fields: Any) -> MidpointReview:
    """Recorded once, by a party, while the secondment is running; closes its item."""
    secondment = _locked_secondment(secondment)
    if not access.is_secondment_party(user=actor, secondment=secondment):
        raise PermissionDenied(
            "Only the secondee, home manager or host supervisor can record the mid-point review."
        )
    if secondment.status != Secondment.Status.ACTIVE:
        raise ValidationError("The mid-point review is recorded while the secondment is active.")
    if MidpointReview.objects.filter(secondment=secondment).exists():
        raise ValidationError("The mid-point review has already been recorded.")
    if fields.get("objectives_changed") and not (
        (fields.get("objectives_change_details") or "").strip()
    ):
        raise ValidationError(
            {"objectives_change_details": "Describe how the objectives have changed."}
        )
    review = MidpointReview(
        secondment=secondment,
        submitted_by=actor,
        **{k: v for k, v in fields.items() if k in REVIEW_FIELDS},
    )
    review.full_clean()
    review.save()
    _close_report_item(secondment, ItemKind.MIDPOINT, actor)
    return review


@transaction.atomic
def return_report_submit(*, secondment: Secondment, actor: User, **fields: Any) -> ReturnReport:
    """The secondee's report, once, near or after the end; closes its item."""
    secondment = _locked_secondment(secondment)
    if actor.pk != secondment.secondee_id:
        raise PermissionDenied("Only the secondee can write the return report.")
    if secondment.status not in (
        Secondment.Status.ACTIVE,
        Secondment.Status.COMPLETED,
        Secondment.Status.ENDED_EARLY,
    ):
        raise ValidationError("The return report is written once the secondment has started.")
    if ReturnReport.objects.filter(secondment=secondment).exists():
        raise ValidationError("The return report has already been submitted.")
    report = ReturnReport(
        secondment=secondment,
        submitted_by=actor,
        **{k: v for k, v in fields.items() if k in REPORT_FIELDS},
    )
    report.full_clean()
    report.save()
    _close_report_item(secondment, ItemKind.RETURN_REPORT, actor)
    return report


def clearance_meets_requirement(item: ChecklistItem) -> bool | None:
    """Whether the held level is at least the required one, when both are in one scheme."""
    if not item.clearance_required or not item.clearance_held:
        return None
    if item.clearance_required.split("_")[0] != item.clearance_held.split("_")[0]:
        return None
    return ClearanceLevel.rank(item.clearance_held) >= ClearanceLevel.rank(item.clearance_required)
