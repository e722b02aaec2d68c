"""Who may see and manage programmes, projects and milestones. Decided here only.

A programme's managers are ``Programme.managers`` (from either institute); superusers
manage every programme. Managers see and edit everything in their programmes; project
members see their projects and those projects' milestones. Views, selectors, services,
exports, the calendar feed, reminders and other apps all ask here.
"""

from django.db.models import QuerySet

from accounts import access as accounts_access

from .models import Deliverable, Milestone, Programme, Project, ProjectMembership


def managed_programme_ids(user) -> QuerySet:
    """The ids of the programmes ``user`` manages, as a subquery."""
    if not accounts_access.is_active_person(user):
        return Programme.objects.none().values("pk")
    if user.is_superuser:
        return Programme.objects.values("pk")
    return Programme.managers.through.objects.filter(user_id=user.pk).values("programme_id")


def programmes_managed_by(user) -> QuerySet[Programme]:
    return Programme.objects.filter(pk__in=managed_programme_ids(user))


def user_manages_programme(*, user, programme: Programme | None) -> bool:
    """Whether ``user`` is a manager of ``programme`` (every programme, for a superuser)."""
    if programme is None or not accounts_access.is_active_person(user):
        return False
    return user.is_superuser or programme.managers.filter(pk=user.pk).exists()


def visible_project_ids(user) -> QuerySet:
    """The ids of the projects ``user`` sees, as a subquery the planner can index.

    A UNION of the projects they are a member of and the projects of the programmes
    they manage: each half is an index scan (``membership_user_idx``, the project's
    programme), where an OR of two EXISTS would read every row of the outer table.
    """
    if not accounts_access.is_active_person(user):
        return Project.objects.none().values("pk")
    if user.is_superuser:
        return Project.objects.values("pk")
    # No ORDER BY inside the union: the models' default orderings would add joins.
    member_of = ProjectMembership.objects.filter(user_id=user.pk).order_by().values("project_id")
    managed = (
        Project.objects.filter(programme_id__in=managed_programme_ids(user)).order_by().values("pk")
    )
    return member_of.union(managed)


def programmes_visible_to(user) -> QuerySet[Programme]:
    """Programmes the person manages, or in which they are a member of a project."""
    if not accounts_access.is_active_person(user):
        return Programme.objects.none()
    member_of = (
        Project.objects.filter(
            pk__in=ProjectMembership.objects.filter(user_id=user.pk).values("project_id")
        )
        .order_by()
        .values("programme_id")
    )
    managed = managed_programme_ids(user).order_by()
    return Programme.objects.filter(pk__in=managed.union(member_of))


def projects_visible_to(user) -> QuerySet[Project]:
    """Projects the person is a member of, and every project in a programme they manage."""
    if not accounts_access.is_active_person(user):
        return Project.objects.none()
    return Project.objects.filter(pk__in=visible_project_ids(user))


def projects_managed_by(user) -> QuerySet[Project]:
    """Projects the person may edit: those in programmes they manage."""
    return Project.objects.filter(programme_id__in=managed_programme_ids(user))


def milestones_visible_to(user) -> QuerySet[Milestone]:
    """Milestones of the projects the person sees (``visible_project_ids``)."""
    if not accounts_access.is_active_person(user):
        return Milestone.objects.none()
    return Milestone.objects.filter(project_id__in=visible_project_ids(user))


def milestones_managed_by(user) -> QuerySet[Milestone]:
    return Milestone.objects.filter(project__programme_id__in=managed_programme_ids(user))


def is_milestone_owner(*, user, milestone: Milestone) -> bool:
    """The owner, while still a member of the project, may move the milestone along."""
    return (
        accounts_access.is_active_person(user)
        and milestone.owner_id == user.pk
        and milestone.project.memberships.filter(user=user).exists()
    )


def deliverables_visible_to(user) -> QuerySet[Deliverable]:
    """The deliverables of the milestones the person sees."""
    if not accounts_access.is_active_person(user):
        return Deliverable.objects.none()
    return Deliverable.objects.filter(milestone__project_id__in=visible_project_ids(user))


def may_manage_deliverables(*, user, milestone: Milestone) -> bool:
    """A milestone's deliverables are added, changed and removed by its programme's
    managers and by the milestone's owner (while a member of the project)."""
    return user_manages_programme(
        user=user, programme=milestone.project.programme
    ) or is_milestone_owner(user=user, milestone=milestone)
