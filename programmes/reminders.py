"""Reminder rules for milestones: due in 14, 7 and 1 days; overdue, then weekly until done.

Each rule is one query on ``milestone_status_due_idx`` (status, due_date); the owner is
the recipient.
"""

from django.db.models import F

from accounts.clock import today_for
from notifications.rules import Message, Rule, due_values
from notifications.windows import before, found_at, relative_day, weekly_after

from . import access
from .models import OPEN_MILESTONE_STATUSES, Milestone


def _open():
    return Milestone.objects.filter(status__in=OPEN_MILESTONE_STATUSES)


def milestone_due(now):
    q, window = before("due_date", now.date(), (14, 7, 1))
    return due_values(
        _open().filter(q),
        object_id=F("pk"),
        recipient_id=F("owner_id"),
        window=window,
        due_at=found_at(now),
    )


def milestone_overdue(now):
    q, window = weekly_after("due_date", now.date(), "overdue")
    return due_values(
        _open().filter(q),
        object_id=F("pk"),
        recipient_id=F("owner_id"),
        window=window,
        due_at=found_at(now),
    )


def _when(milestone: Milestone, reminder) -> str:
    """Relative to the recipient's today: a digest at 08:00 in Canberra is read on their
    date, not on the UTC one."""
    today = today_for(reminder.recipient)
    verb = "was due" if milestone.due_date < today else "is due"
    return f"{verb} {relative_day(milestone.due_date, today)}"


def describe_due(milestone: Milestone, reminder) -> Message:
    project = milestone.project
    return Message(
        subject=f"Milestone “{milestone.title}” {_when(milestone, reminder)} "
        f"({milestone.due_date:%-d %B %Y})",
        body=f"Project {project.code}: {project.title}.\n"
        f"You own this milestone. Mark it done, or change its due date with a reason, "
        f"if the plan has changed.",
        url=milestone.get_absolute_url(),
    )


def describe_overdue(milestone: Milestone, reminder) -> Message:
    project = milestone.project
    return Message(
        subject=f"Milestone “{milestone.title}” is overdue (due {milestone.due_date:%-d %B %Y})",
        body=f"Project {project.code}: {project.title}.\n"
        f"You own this milestone. Mark it done, or agree a new due date and record why. "
        f"You will be reminded weekly until it is done.",
        url=milestone.get_absolute_url(),
    )


def _with_project():
    return Milestone.objects.select_related("project")


RULES = [
    Rule(
        name="programmes.milestone_due",
        kind="milestone_due",
        model=Milestone,
        due=milestone_due,
        describe=describe_due,
        visible_to=access.milestones_visible_to,
        queryset=_with_project,
    ),
    Rule(
        name="programmes.milestone_overdue",
        kind="milestone_overdue",
        model=Milestone,
        due=milestone_overdue,
        describe=describe_overdue,
        visible_to=access.milestones_visible_to,
        queryset=_with_project,
    ),
]
VISIBILITY = {Milestone: access.milestones_visible_to}
