"""What programmes offer the portal's search: projects and milestones, each found only
by those its own pages show it to (``access``)."""

from portal.search import Source

from . import access
from .models import Milestone, Project


def _project_context(project: Project) -> str:
    return (
        f"Project in {project.programme.name}, led by {project.lead_institute.code} · "
        f"{project.get_status_display()}"
    )


def _milestone_context(milestone: Milestone) -> str:
    return (
        f"Milestone of {milestone.project.code} · {milestone.get_status_display()} · "
        f"due {milestone.due_date:%-d %B %Y}"
    )


SOURCES = [
    (
        Source(
            kind="projects",
            label="Projects",
            model=Project,
            visible_to=access.projects_visible_to,
            title=lambda project: f"{project.code}: {project.title}",
            context=_project_context,
            snippet_fields=("summary",),
            select_related=("programme", "lead_institute"),
        ),
        30,
    ),
    (
        Source(
            kind="milestones",
            label="Milestones",
            model=Milestone,
            visible_to=access.milestones_visible_to,
            title=lambda milestone: milestone.title,
            context=_milestone_context,
            snippet_fields=("description",),
            select_related=("project",),
        ),
        40,
    ),
]
