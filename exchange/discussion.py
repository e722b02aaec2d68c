"""Applications and secondments have a discussion: comments shown to exactly the people
this app's access rules let see them (see ``discussion.registry``)."""

from discussion.registry import Commentable

from . import access, selectors
from .models import Application, Secondment

COMMENTABLE = [
    Commentable(
        kind="application",
        model=Application,
        visible_to=access.applications_visible_to,
        label="application",
        title=lambda application: application.reference,
        detail=selectors.application_detail_queryset,
    ),
    Commentable(
        kind="secondment",
        model=Secondment,
        visible_to=access.secondments_visible_to,
        label="secondment",
        title=lambda secondment: secondment.reference,
    ),
]
