"""Secondments: set up from an accepted application, then planned, made ready, started and
completed (or cancelled, or ended early) by the people who manage them."""

import datetime

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from simple_history.utils import bulk_update_with_history

from accounts.clock import today_for
from accounts.models import User
from portal import bounds, events
from programmes import access as programmes_access

from .. import access
from ..models import Application, ChecklistItem, Party, Secondment, SecondmentDateChange
from ..selectors import checklist_blockers, secondment_overlapping
from .checklists import checklist_generate, due_date_for
from .dates import validate_period
from .notices import tell_secondment
from .transitions import locked_secondment, require_reason, set_secondment_status


def check_no_overlap(
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


def secondment_create_from(
    *,
    application: Application,
    host_supervisor: User | None,
    title: str,
    location: str,
    arrangement: str,
) -> Secondment:
    start, end = application.proposed_start, application.proposed_end
    validate_period(start=start, end=end)
    check_no_overlap(application.applicant, start, end)
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
    events.emit(events.EventType.SECONDMENT_CHANGED, secondment, change="created")
    return secondment


def _require_secondment_manager(secondment: Secondment, actor: User, what: str) -> None:
    if not access.can_manage_secondment(user=actor, secondment=secondment):
        raise PermissionDenied(
            f"Only the home manager, host supervisor or a programme manager can {what}."
        )


@transaction.atomic
def secondment_mark_ready(*, secondment: Secondment, actor: User) -> Secondment:
    secondment = locked_secondment(secondment)
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
    set_secondment_status(secondment, Secondment.Status.READY, actor=actor)
    return secondment


@transaction.atomic
def secondment_start(*, secondment: Secondment, actor: User) -> Secondment:
    secondment = locked_secondment(secondment)
    _require_secondment_manager(secondment, actor, "start this secondment")
    if secondment.status != Secondment.Status.READY:
        raise ValidationError("Only a ready secondment can start.")
    if today_for(actor) < secondment.start_date:
        raise ValidationError(
            f"The secondment cannot start before {secondment.start_date:%-d %B %Y}."
        )
    set_secondment_status(secondment, Secondment.Status.ACTIVE, actor=actor)
    return secondment


@transaction.atomic
def secondment_complete(*, secondment: Secondment, actor: User) -> Secondment:
    secondment = locked_secondment(secondment)
    _require_secondment_manager(secondment, actor, "complete this secondment")
    if secondment.status != Secondment.Status.ACTIVE:
        raise ValidationError("Only an active secondment can be completed.")
    if today_for(actor) < secondment.end_date:
        raise ValidationError(
            f"The secondment runs until {secondment.end_date:%-d %B %Y}: to finish sooner, "
            "end it early with a reason."
        )
    set_secondment_status(secondment, Secondment.Status.COMPLETED)
    return secondment


@transaction.atomic
def secondment_cancel(*, secondment: Secondment, actor: User, reason: str) -> Secondment:
    secondment = locked_secondment(secondment)
    _require_secondment_manager(secondment, actor, "cancel this secondment")
    if secondment.status not in (Secondment.Status.PLANNING, Secondment.Status.READY):
        raise ValidationError(
            "Only a secondment that has not started can be cancelled; end an active one early."
        )
    reason = require_reason(reason, "for cancelling")
    set_secondment_status(secondment, Secondment.Status.CANCELLED, reason, actor=actor)
    return secondment


@transaction.atomic
def secondment_end_early(
    *, secondment: Secondment, actor: User, end_date: datetime.date, reason: str
) -> Secondment:
    secondment = locked_secondment(secondment)
    _require_secondment_manager(secondment, actor, "end this secondment early")
    if secondment.status != Secondment.Status.ACTIVE:
        raise ValidationError("Only an active secondment can end early.")
    reason = require_reason(reason, "for ending early")
    bounds.check_entered_dates(end_date=end_date)
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
    set_secondment_status(secondment, Secondment.Status.ENDED_EARLY, reason, actor=actor)
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
    secondment = locked_secondment(secondment)
    _require_secondment_manager(secondment, actor, "change this secondment's dates")
    if secondment.status not in Secondment.LIVE:
        raise ValidationError("The dates of a finished or cancelled secondment cannot change.")
    reason = require_reason(reason, "for the change")
    bounds.check_entered_dates(start_date=start_date, end_date=end_date)
    if end_date <= start_date:
        raise ValidationError({"end_date": "The end date must be after the start date."})
    if secondment.status == Secondment.Status.ACTIVE and start_date != secondment.start_date:
        raise ValidationError({"start_date": "The secondment has started: its start is fixed."})
    if (start_date, end_date) == (secondment.start_date, secondment.end_date):
        raise ValidationError("The new dates are the same as the current ones.")
    check_no_overlap(secondment.secondee, start_date, end_date, exclude_pk=secondment.pk)
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
        item.due_date = due_date_for(item.due_anchor, item.due_offset_days, start_date, end_date)
    bulk_update_with_history(open_items, ChecklistItem, ["due_date"], default_user=actor)
    events.emit(events.EventType.SECONDMENT_CHANGED, secondment, change="dates_changed")
    tell_secondment(
        secondment,
        actor=actor,
        kind="secondment_dates_changed",
        subject=f"The secondment {secondment.reference} now runs from "
        f"{start_date:%-d %B %Y} to {end_date:%-d %B %Y}",
        body=reason,
    )
    return change


@transaction.atomic
def secondment_set_host_supervisor(
    *, secondment: Secondment, actor: User, host_supervisor: User
) -> Secondment:
    secondment = locked_secondment(secondment)
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
    tell_secondment(
        secondment,
        actor=actor,
        kind="secondment_supervisor_named",
        subject=f"{host_supervisor} is the host supervisor of the secondment "
        f"{secondment.reference}",
    )
    return secondment
