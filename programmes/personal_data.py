"""Programmes' part of a person's data download (records.subject_access): the projects
they are a member of and the milestones they own."""

from records import subject_access as sar

from .models import Milestone, ProjectMembership


def membership_rows(user):
    memberships = ProjectMembership.objects.filter(user=user).select_related("project", "institute")
    for m in memberships.order_by("added_at", "pk"):
        yield {
            "project": f"{m.project.code} {m.project.title}",
            "institute": str(m.institute),
            "role": m.get_role_display(),
            "added_at": m.added_at,
        }


def milestone_rows(user):
    milestones = Milestone.objects.filter(owner=user).select_related("project")
    for m in milestones.order_by("due_date", "pk"):
        yield {
            "project": m.project.code,
            "title": m.title,
            "due_date": m.due_date,
            "baseline_due_date": m.baseline_due_date,
            "status": m.get_status_display(),
            "completed_on": m.completed_on,
        }


def register_sections() -> None:
    sar.register(
        sar.Section("project-memberships", "Projects you are a member of", membership_rows),
        order=30,
    )
    sar.register(sar.Section("milestones", "Milestones you own", milestone_rows), order=31)
