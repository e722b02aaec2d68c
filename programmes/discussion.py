"""Projects and milestones have a discussion: comments shown to exactly the people this
app's access rules let see them (see ``discussion.registry``)."""

from discussion.registry import Commentable

from . import access
from .models import Milestone, Project

COMMENTABLE = [
    Commentable(
        kind="project",
        model=Project,
        visible_to=access.projects_visible_to,
        label="project",
        title=lambda project: project.code,
    ),
    Commentable(
        kind="milestone",
        model=Milestone,
        visible_to=access.milestones_visible_to,
        label="milestone",
        title=lambda milestone: milestone.title,
    ),
]
