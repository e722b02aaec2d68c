"""Deliverables: the things a milestone delivers, each with an owner, a due date and a
status. Its programme's managers and the milestone's owner add, change and remove them
(``access.may_manage_deliverables``); every change is in the deliverable's history."""

import datetime

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction

from accounts.models import User
from portal import bounds

from .. import access
from ..models import Deliverable, DeliverableStatus, Milestone
from .common import record_history

NOT_ALLOWED = "Only the milestone’s owner or a programme manager can change its deliverables."


def _require(actor: User, milestone: Milestone) -> None:
    if not access.may_manage_deliverables(user=actor, milestone=milestone):
        raise PermissionDenied(NOT_ALLOWED)


def _checks(
    *, milestone: Milestone, title: str, owner: User | None, due_date, status: str
) -> dict[str, str]:
    project = milestone.project
    errors: dict[str, str] = {}
    if not (title or "").strip():
        errors["title"] = "Enter a title."
    if owner is not None and not project.memberships.filter(user=owner).exists():
        errors["owner"] = "The owner must be a member of the project."
    errors.update(bounds.date_errors(due_date=due_date))
    if "due_date" not in errors and not (project.start_date <= due_date <= project.end_date):
        errors["due_date"] = (
            "The due date must be within the project’s dates "
            f"({project.start_date:%-d %B %Y} to {project.end_date:%-d %B %Y})."
        )
    if status not in DeliverableStatus.values:
        errors["status"] = "Choose a status."
    return errors


def _locked_milestone(milestone: Milestone) -> Milestone:
    return (
        Milestone.objects.select_for_update()
        .select_related("project__programme")
        .get(pk=milestone.pk)
    )


@transaction.atomic
def deliverable_add(
    *,
    actor: User,
    milestone: Milestone,
    title: str,
    owner: User,
    due_date: datetime.date,
    status: str = DeliverableStatus.PLANNED,
    description: str = "",
) -> Deliverable:
    milestone = _locked_milestone(milestone)
    _require(actor, milestone)
    errors = _checks(
        milestone=milestone, title=title, owner=owner, due_date=due_date, status=status
    )
    if errors:
        raise ValidationError(errors)
    deliverable = Deliverable(
        milestone=milestone,
        title=title.strip(),
        description=description,
        owner=owner,
        due_date=due_date,
        status=status,
    )
    record_history(deliverable, actor=actor, reason="Deliverable added")
    deliverable.save()
    return deliverable


@transaction.atomic
def deliverable_update(
    *,
    actor: User,
    deliverable: Deliverable,
    title: str,
    owner: User,
    due_date: datetime.date,
    status: str,
    description: str = "",
) -> Deliverable:
    deliverable = Deliverable.objects.select_for_update().get(pk=deliverable.pk)
    milestone = _locked_milestone(deliverable.milestone)
    _require(actor, milestone)
    errors = _checks(
        milestone=milestone, title=title, owner=owner, due_date=due_date, status=status
    )
    if errors:
        raise ValidationError(errors)
    old_status = deliverable.get_status_display()
    deliverable.title = title.strip()
    deliverable.description = description
    deliverable.owner = owner
    deliverable.due_date = due_date
    deliverable.status = status
    reason = "Deliverable updated"
    if deliverable.get_status_display() != old_status:
        reason = f"Deliverable {old_status.lower()} → {deliverable.get_status_display().lower()}"
    record_history(deliverable, actor=actor, reason=reason)
    deliverable.save()
    return deliverable


@transaction.atomic
def deliverable_remove(*, actor: User, deliverable: Deliverable) -> Milestone:
    deliverable = Deliverable.objects.select_for_update().get(pk=deliverable.pk)
    milestone = _locked_milestone(deliverable.milestone)
    _require(actor, milestone)
    record_history(deliverable, actor=actor, reason="Deliverable removed")
    deliverable.delete()
    return milestone
