"""Handovers have a discussion: comments shown to exactly the people this app's access
rules let see the handover, each carrying the handover's marking as it is when shown."""

from discussion.registry import Commentable

from . import access, markings, selectors
from .models import Handover


def comment_marking(handover: Handover) -> tuple[str, str] | None:
    """The handover's marking (the most restrictive of its items), as banner text and
    style: what its comments carry."""
    marking = selectors.handover_marking(handover)
    if marking is None:
        return None
    return markings.banner_text(marking), markings.banner_class(marking)


COMMENTABLE = [
    Commentable(
        kind="handover",
        model=Handover,
        visible_to=access.handovers_visible_to,
        label="handover",
        title=lambda handover: handover.reference,
        detail=selectors.handover_detail_queryset,
        marking=comment_marking,
    ),
]
