"""Milestones: planned by managers, moved along by their owners, with dependencies that
never form a cycle, due-date changes that keep the baseline, and the handover gate."""

import datetime

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction

from accounts.clock import today_for
from accounts.models import User
from portal import bounds, events

from .. import access
from ..gates import gate_satisfied
from ..models import Milestone, MilestoneDueDateChange, MilestoneStatus, Project
from .common import GATE_MESSAGE, record_history, require_manager

KEEP = object()  # a keyword left out: keep the current value


def _dependency_errors(
    *, project: Project, milestone: Milestone | None, dependencies: list[Milestone]
) -> str | None:
    if any(dep.project_id != project.pk for dep in dependencies):
        return "A milestone can only depend on milestones of the same project."
    if milestone is None or not dependencies:
        return None
    if any(dep.pk == milestone.pk for dep in dependencies):
        return "A milestone cannot depend on itself."
    # Walk the project's dependency graph (one query) from the proposed dependencies: if
    # we reach this milestone, the new edges would close a cycle.
    edges: dict[int, list[int]] = {}
    through = Milestone.dependencies.through.objects.filter(from_milestone__project=project)
    for source, target in through.values_list("from_milestone_id", "to_milestone_id"):
        edges.setdefault(source, []).append(target)
    edges[milestone.pk] = [dep.pk for dep in dependencies]
    seen: set[int] = set()
    stack = [dep.pk for dep in dependencies]
    while stack:
        current = stack.pop()
        if current == milestone.pk:
            return (
                "These dependencies would form a cycle: a milestone would end up depending "
                "on itself. Remove one of them."
            )
        if current in seen:
            continue
        seen.add(current)
        stack.extend(edges.get(current, []))
    return None


def _milestone_checks(
    *,
    project: Project,
    milestone: Milestone | None,
    owner: User,
    due_date: datetime.date | None,
    dependencies: list[Milestone],
    start_date: datetime.date | None = None,
) -> dict[str, str]:
    errors: dict[str, str] = bounds.date_errors(due_date=due_date)
    if due_date and not errors and not (project.start_date <= due_date <= project.end_date):
        errors["due_date"] = (
            "The due date must be within the project’s dates "
            f"({project.start_date:%-d %B %Y} to {project.end_date:%-d %B %Y})."
        )
    if start_date is not None:
        start_errors = bounds.date_errors(start_date=start_date)
        effective_due = due_date or (milestone.due_date if milestone else None)
        if start_errors:
            errors.update(start_errors)
        elif not (project.start_date <= start_date <= project.end_date):
            errors["start_date"] = (
                "The start date must be within the project’s dates "
                f"({project.start_date:%-d %B %Y} to {project.end_date:%-d %B %Y})."
            )
        elif effective_due and start_date > effective_due:
            errors["start_date"] = (
                f"The start date must be on or before the due date ({effective_due:%-d %B %Y})."
            )
    if owner is not None and not project.memberships.filter(user=owner).exists():
        errors["owner"] = "The owner must be a member of the project."
    dependency_error = _dependency_errors(
        project=project, milestone=milestone, dependencies=dependencies
    )
    if dependency_error:
        errors["dependencies"] = dependency_error
    return errors


@transaction.atomic
def milestone_create(
    *,
    actor: User,
    project: Project,
    title: str,
    description: str,
    owner: User,
    due_date: datetime.date,
    dependencies: list[Milestone] | None = None,
    requires_partner_handover: bool = False,
    start_date: datetime.date | None = None,
) -> Milestone:
    """Add a milestone. Its first due date is its baseline."""
    require_manager(actor, project.programme)
    dependencies = list(dependencies or [])
    errors = _milestone_checks(
        project=project,
        milestone=None,
        owner=owner,
        due_date=due_date,
        dependencies=dependencies,
        start_date=start_date,
    )
    if errors:
        raise ValidationError(errors)
    milestone = Milestone(
        project=project,
        title=title,
        description=description,
        owner=owner,
        start_date=start_date,
        due_date=due_date,
        baseline_due_date=due_date,
        requires_partner_handover=requires_partner_handover,
    )
    record_history(milestone, actor=actor, reason="Milestone added")
    milestone.save()
    milestone.dependencies.set(dependencies)
    events.emit(events.EventType.MILESTONE_CHANGED, milestone, change="created")
    return milestone


@transaction.atomic
def milestone_update(
    *,
    actor: User,
    milestone: Milestone,
    title: str,
    description: str,
    owner: User,
    dependencies: list[Milestone],
    requires_partner_handover: bool,
    start_date: datetime.date | None | object = KEEP,
) -> Milestone:
    """Edit a milestone's details. Its due date changes only by ``milestone_change_due_date``.
    ``start_date`` left out keeps the current one; ``None`` clears it."""
    milestone = Milestone.objects.select_for_update().get(pk=milestone.pk)
    project = milestone.project
    require_manager(actor, project.programme)
    if start_date is KEEP:
        start_date = milestone.start_date
    errors = _milestone_checks(
        project=project,
        milestone=milestone,
        owner=owner,
        due_date=None,
        dependencies=dependencies,
        start_date=start_date,
    )
    if errors:
        raise ValidationError(errors)
    milestone.title = title
    milestone.description = description
    milestone.owner = owner
    milestone.start_date = start_date
    milestone.requires_partner_handover = requires_partner_handover
    record_history(milestone, actor=actor, reason="Milestone details updated")
    milestone.save()
    milestone.dependencies.set(dependencies)
    events.emit(events.EventType.MILESTONE_CHANGED, milestone, change="updated")
    return milestone


@transaction.atomic
def milestone_change_due_date(
    *, actor: User, milestone: Milestone, due_date: datetime.date, reason: str
) -> MilestoneDueDateChange:
    """Move a milestone's due date, keeping the baseline and who, when and why."""
    milestone = (
        Milestone.objects.select_for_update()
        .select_related("project__programme")
        .get(pk=milestone.pk)
    )
    require_manager(actor, milestone.project.programme)
    reason = (reason or "").strip()
    errors: dict[str, str] = {}
    if not reason:
        errors["reason"] = "Enter why the due date is changing."
    if due_date == milestone.due_date:
        errors["due_date"] = "Enter a date different from the current due date."
    project = milestone.project
    if due_date and not (project.start_date <= due_date <= project.end_date):
        errors["due_date"] = (
            "The due date must be within the project’s dates "
            f"({project.start_date:%-d %B %Y} to {project.end_date:%-d %B %Y})."
        )
    errors.update(bounds.date_errors(due_date=due_date))
    if due_date and milestone.start_date and due_date < milestone.start_date:
        errors.setdefault(
            "due_date",
            f"The due date cannot be before the milestone’s start date "
            f"({milestone.start_date:%-d %B %Y}). Change the start date first.",
        )
    if errors:
        raise ValidationError(errors)
    change = MilestoneDueDateChange.objects.create(
        milestone=milestone,
        old_due_date=milestone.due_date,
        new_due_date=due_date,
        changed_by=actor,
        reason=reason,
    )
    milestone.due_date = due_date
    record_history(milestone, actor=actor, reason=f"Due date moved to {due_date:%-d %b %Y}")
    milestone.save()
    events.emit(events.EventType.MILESTONE_CHANGED, milestone, change="due_date_changed")
    return change


TRANSITIONS: dict[str, set[str]] = {
    MilestoneStatus.PLANNED: {
        MilestoneStatus.IN_PROGRESS,
        MilestoneStatus.DONE,
        MilestoneStatus.MISSED,
        MilestoneStatus.CANCELLED,
    },
    MilestoneStatus.IN_PROGRESS: {
        MilestoneStatus.PLANNED,
        MilestoneStatus.DONE,
        MilestoneStatus.MISSED,
        MilestoneStatus.CANCELLED,
    },
    MilestoneStatus.DONE: {MilestoneStatus.IN_PROGRESS},
    MilestoneStatus.MISSED: {MilestoneStatus.IN_PROGRESS, MilestoneStatus.DONE},
    MilestoneStatus.CANCELLED: {MilestoneStatus.PLANNED},
}

OWNER_MOVES: dict[str, set[str]] = {
    MilestoneStatus.PLANNED: {MilestoneStatus.IN_PROGRESS, MilestoneStatus.DONE},
    MilestoneStatus.IN_PROGRESS: {MilestoneStatus.PLANNED, MilestoneStatus.DONE},
    MilestoneStatus.MISSED: {MilestoneStatus.DONE},
}


def milestone_allowed_statuses(*, user: User, milestone: Milestone, manages: bool) -> list[str]:
    """The statuses ``user`` may move ``milestone`` to (for the form's choices)."""
    allowed = set()
    if manages:
        allowed |= TRANSITIONS.get(milestone.status, set())
    if milestone.owner_id == user.pk:
        allowed |= OWNER_MOVES.get(milestone.status, set())
    return [value for value in MilestoneStatus.values if value in allowed]


@transaction.atomic
def milestone_set_status(
    *, actor: User, milestone: Milestone, status: str, completed_on: datetime.date | None = None
) -> Milestone:
    """Move a milestone to ``status``. Done needs the gate satisfied when it has one."""
    milestone = (
        Milestone.objects.select_for_update()
        .select_related("project__programme")
        .get(pk=milestone.pk)
    )
    manages = access.user_manages_programme(user=actor, programme=milestone.project.programme)
    if not (manages or access.is_milestone_owner(user=actor, milestone=milestone)):
        raise PermissionDenied("Only the milestone’s owner or a programme manager can do that.")
    if status not in MilestoneStatus.values:
        raise ValidationError({"status": "Choose a status."})
    if status == milestone.status:
        raise ValidationError({"status": "The milestone already has this status."})
    if status not in milestone_allowed_statuses(user=actor, milestone=milestone, manages=manages):
        if status in TRANSITIONS.get(milestone.status, set()):
            raise PermissionDenied("Only a programme manager can make this change.")
        raise ValidationError(
            {
                "status": f"A {milestone.get_status_display().lower()} milestone cannot be "
                f"marked {MilestoneStatus(status).label.lower()}."
            }
        )
    if status == MilestoneStatus.DONE and not gate_satisfied(milestone=milestone):
        raise ValidationError({"status": GATE_MESSAGE})
    old_label = milestone.get_status_display()
    milestone.status = status
    if status == MilestoneStatus.DONE:
        completed_on = completed_on or today_for(actor)
        bounds.check_entered_dates(completed_on=completed_on)
        if completed_on > today_for(actor) + datetime.timedelta(days=1):
            raise ValidationError({"completed_on": "The completion date cannot be in the future."})
        milestone.completed_on = completed_on
    else:
        milestone.completed_on = None
    record_history(
        milestone,
        actor=actor,
        reason=f"Status changed from {old_label} to {milestone.get_status_display()}",
    )
    milestone.save()
    events.emit(events.EventType.MILESTONE_CHANGED, milestone, change="status_changed")
    return milestone


def milestone_complete(
    *, actor: User, milestone: Milestone, completed_on: datetime.date | None = None
) -> Milestone:
    """Mark a milestone done (refused for a gated milestone without its handover)."""
    return milestone_set_status(
        actor=actor, milestone=milestone, status=MilestoneStatus.DONE, completed_on=completed_on
    )
