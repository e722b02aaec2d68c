"""Writes for programmes, projects and milestones, by subject.

Every function checks who is acting (see access.py): programme managers create and edit
their programmes' projects and milestones; a milestone's owner updates its status;
nobody edits another programme's records. Messages are keyed by the form field they
belong beside.
"""

from .calendar import calendar_feed_reset
from .common import GATE_MESSAGE
from .deliverables import deliverable_add, deliverable_remove, deliverable_update
from .milestones import (
    milestone_allowed_statuses,
    milestone_change_due_date,
    milestone_complete,
    milestone_create,
    milestone_set_status,
    milestone_update,
)
from .programmes import programme_create, programme_managers_set, programme_update
from .projects import (
    project_create,
    project_member_add,
    project_member_remove,
    project_rag_override,
    project_update,
)

__all__ = [
    "GATE_MESSAGE",
    "calendar_feed_reset",
    "deliverable_add",
    "deliverable_remove",
    "deliverable_update",
    "milestone_allowed_statuses",
    "milestone_change_due_date",
    "milestone_complete",
    "milestone_create",
    "milestone_set_status",
    "milestone_update",
    "programme_create",
    "programme_managers_set",
    "programme_update",
    "project_create",
    "project_member_add",
    "project_member_remove",
    "project_rag_override",
    "project_update",
]
