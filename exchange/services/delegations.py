"""Acting delegates: a manager names someone to take their decisions for a while, and
ends it early; an admin moves a waiting line-manager decision to another person."""

import datetime

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from accounts.clock import today_for
from accounts.models import User
from audit import services as audit_services
from audit.models import AuditEvent
from notifications.services import notify
from portal import bounds

from .. import access
from ..models import MAX_DELEGATION_DAYS, Application, DecisionReassignment, Delegation
from .transitions import locked_application

REASON_MAX_LENGTH = 200


def _overlapping(*, person: User, kind: str, start, end, as_field: str = "delegator"):
    return Delegation.objects.filter(
        **{as_field: person},
        kind=kind,
        revoked_at__isnull=True,
        start__lte=end,
        end__gte=start,
    )


def _period_errors(start, end, today) -> dict[str, str]:
    errors = bounds.date_errors(start=start, end=end)
    if errors:
        return errors
    if start < today:
        errors["start"] = "The first day must be today or later."
    elif end < start:
        errors["end"] = "The last day must be the same as or after the first day."
    elif (end - start).days + 1 > MAX_DELEGATION_DAYS:
        errors["end"] = (
            f"A delegation can last at most {MAX_DELEGATION_DAYS} days: name a delegate "
            "again when it ends."
        )
    return errors


@transaction.atomic
def delegation_create(
    *,
    delegator: User,
    delegate: User,
    kind: str,
    start: datetime.date,
    end: datetime.date,
    reason: str = "",
    actor: User | None = None,
) -> Delegation:
    """Name ``delegate`` to take ``delegator``'s decisions of ``kind`` from ``start`` to
    ``end`` (both included). Refused: naming oneself, someone not eligible (see
    ``access.eligible_delegates``), a range in the past, longer than a year or overlapping
    another of the delegator's of the same kind, and a delegate who is away themselves
    (their own delegation of that kind overlaps: a chain). Decisions the delegator takes
    as someone else's delegate never pass on (``access`` acts on own rights only)."""
    actor = actor or delegator
    if actor.pk != delegator.pk:
        raise PermissionDenied("You can only name an acting delegate for yourself.")
    # One delegator at a time: two overlapping requests cannot both pass the checks.
    User.objects.select_for_update().filter(pk=delegator.pk).first()
    if kind not in access.delegation_kinds_for(delegator):
        raise ValidationError(
            {"kind": "You do not take these decisions, so you cannot delegate them."}
        )
    if delegate is None:
        raise ValidationError({"delegate": "Choose your acting delegate."})
    if delegate.pk == delegator.pk:
        raise ValidationError({"delegate": "Choose someone other than yourself."})
    eligible = access.eligible_delegates(delegator=delegator, kind=kind)
    if not eligible.filter(pk=delegate.pk).exists():
        raise ValidationError(
            {
                "delegate": "Choose an active colleague at your institute who "
                + (
                    "is a programme manager."
                    if kind == access.HOST
                    else "manages people here (a line manager or programme manager)."
                )
            }
        )
    reason = (reason or "").strip()
    if len(reason) > REASON_MAX_LENGTH:
        raise ValidationError(
            {"reason": f"Enter the reason in {REASON_MAX_LENGTH} characters or fewer."}
        )
    errors = _period_errors(start, end, today_for(delegator))
    if errors:
        raise ValidationError(errors)
    clash = (
        _overlapping(person=delegator, kind=kind, start=start, end=end, as_field="delegator")
        .select_related("delegate")
        .order_by("start")
        .first()
    )
    if clash is not None:
        raise ValidationError(
            {
                "start": f"You already have {clash.delegate} acting for you from "
                f"{clash.start:%-d %B %Y} to {clash.end:%-d %B %Y}: choose dates that do not "
                "overlap, or end that delegation first."
            }
        )
    if _overlapping(person=delegate, kind=kind, start=start, end=end).exists():
        raise ValidationError(
            {
                "delegate": f"{delegate} has named their own acting delegate for some of these "
                "dates: choose someone else. A delegate cannot pass decisions on."
            }
        )
    delegation = Delegation.objects.create(
        delegator=delegator,
        delegate=delegate,
        kind=kind,
        start=start,
        end=end,
        reason=reason,
        created_by=actor,
    )
    notify(
        recipient=delegate,
        kind="delegation_named",
        subject=f"{delegator} named you as their acting delegate "
        f"({delegation.get_kind_display().lower()}) from {start:%-d %B %Y} to {end:%-d %B %Y}",
        body=reason,
        url=reverse("exchange:delegation_list"),
        about=delegation,
    )
    return delegation


@transaction.atomic
def delegation_end(*, delegation: Delegation, actor: User) -> Delegation:
    """End a delegation now (one not started yet is cancelled). The delegator, or an admin
    of their institute through the admin."""
    delegation = Delegation.objects.select_for_update().get(pk=delegation.pk)
    if not (
        access.can_end_delegation(user=actor, delegation=delegation)
        or access.can_manage_delegation_in_admin(user=actor, delegation=delegation)
    ):
        raise PermissionDenied("Only the person who named the delegate can end it.")
    if delegation.revoked_at is not None:
        raise ValidationError("This delegation has already ended.")
    if delegation.end < today_for(delegation.delegator):
        raise ValidationError("This delegation is already over.")
    delegation.revoked_at = timezone.now()
    delegation.revoked_by = actor
    delegation.save(update_fields=["revoked_at", "revoked_by"])
    notify(
        recipient=delegation.delegate,
        kind="delegation_named",
        subject=f"You are no longer acting for {delegation.delegator} "
        f"({delegation.get_kind_display().lower()})",
        url=reverse("exchange:delegation_list"),
        about=delegation,
    )
    return delegation


def decision_reassign_check(
    *, application: Application, to_person: User | None, reason: str, actor: User
) -> str:
    """Refuse a reassignment that may not be made (``PermissionDenied``, or a
    ``ValidationError`` naming the field); the cleaned reason otherwise. The admin's form
    asks this first so that a refusal shows next to the field."""
    if not access.can_reassign_decision(user=actor, application=application):
        raise PermissionDenied(
            "Only an admin of the applicant's institute can reassign this decision."
        )
    if application.status != Application.Status.SUBMITTED:
        raise ValidationError(
            {
                "application": "Only an application waiting for its line manager's endorsement "
                "can be reassigned."
            }
        )
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": "Enter the reason for reassigning the decision."})
    if len(reason) > bounds.REASON_MAX_LENGTH:
        raise ValidationError(
            {"reason": f"Enter the reason in {bounds.REASON_MAX_LENGTH} characters or fewer."}
        )
    if to_person is None or not to_person.is_active:
        raise ValidationError({"to_person": "Choose an active person."})
    if to_person.pk == application.applicant_id:
        raise ValidationError({"to_person": "The applicant cannot endorse their own application."})
    if to_person.pk == application.line_manager_id:
        raise ValidationError({"to_person": "This person is already the line manager."})
    if to_person.institute_id != application.home_institute_id:
        raise ValidationError({"to_person": "Choose someone at the applicant's institute."})
    return reason


@transaction.atomic
def decision_reassign(
    *, application: Application, to_person: User, reason: str, actor: User
) -> DecisionReassignment:
    """An admin of the applicant's institute moves a submitted application's endorsement
    to another line manager at that institute, with a reason; told to the new one and
    recorded on the application's timeline and in the audit log."""
    application = locked_application(application)
    reason = decision_reassign_check(
        application=application, to_person=to_person, reason=reason, actor=actor
    )
    previous = application.line_manager
    reassignment = DecisionReassignment.objects.create(
        application=application,
        from_person=previous,
        to_person=to_person,
        reason=reason,
        reassigned_by=actor,
    )
    application.line_manager = to_person
    application.save(update_fields=["line_manager", "updated_at"])
    # On the timeline: the status stays, the decision moves.
    application.events.create(
        actor=actor,
        at=reassignment.at,
        from_status=application.status,
        to_status=application.status,
        reason=f"Decision reassigned from {previous or 'no one'} to {to_person}: {reason}",
    )
    audit_services.record(
        event=AuditEvent.ADMIN_ACTION,
        actor=actor,
        obj=application,
        object_institute=application.home_institute,
        old={"line_manager": previous.pk if previous else None},
        new={"line_manager": to_person.pk},
        summary=f"Reassigned the line manager's decision to {to_person}: {reason}",
    )
    notify(
        recipient=to_person,
        kind="application_submitted",
        subject=f"An exchange application from {application.applicant} now waits for your "
        f"endorsement ({application.reference})",
        body=reason,
        url=application.get_absolute_url(),
        about=application,
    )
    return reassignment
