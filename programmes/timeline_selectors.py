"""Reads for the timeline pages (``selectors`` re-exports them).

Both start from ``access.milestones_visible_to``: a bar, a row of the list or an arrow is
only ever drawn for a milestone the viewer may see. A dependency on a milestone they may
not see is counted, never named.
"""

import datetime

from django.db.models import Exists, OuterRef, QuerySet

from . import access
from .models import Milestone, Programme, Project

TIMELINE_PAGE_SIZE = 50


def timeline_milestones(
    *,
    user,
    today: datetime.date,
    programme: Programme | None = None,
    project: Project | None = None,
) -> QuerySet[Milestone]:
    """The milestones of a programme or a project that ``user`` sees, with RAG, grouped by
    project, soonest first."""
    from .selectors import with_milestone_rag

    qs = access.milestones_visible_to(user).select_related("project", "owner", "owner__institute")
    if programme is not None:
        qs = qs.filter(project__programme=programme)
    if project is not None:
        qs = qs.filter(project=project)
    return with_milestone_rag(qs, today=today).order_by("project__code", "due_date", "pk")


def timeline_dependencies(*, user, milestone_ids: list[int]) -> dict[int, list[tuple]]:
    """For each of ``milestone_ids``: its dependencies as ``(pk, title, due, visible)``,
    the title and due date blanked when ``user`` may not see that milestone. One query."""
    through = Milestone.dependencies.through
    rows = (
        through.objects.filter(from_milestone_id__in=milestone_ids)
        .annotate(
            visible=Exists(
                access.milestones_visible_to(user).filter(pk=OuterRef("to_milestone_id"))
            )
        )
        .order_by("to_milestone__due_date", "to_milestone_id")
        .values_list(
            "from_milestone_id",
            "to_milestone_id",
            "to_milestone__title",
            "to_milestone__due_date",
            "visible",
        )
    )
    found: dict[int, list[tuple]] = {}
    for source, target, title, due, visible in rows:
        entry = (target, title, due, True) if visible else (None, "", None, False)
        found.setdefault(source, []).append(entry)
    return found
