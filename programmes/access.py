"""Who may see and manage programmes, projects and milestones. Decided here only.

A programme's managers are ``Programme.managers`` (from either institute); superusers
manage every programme. Managers see and edit everything in their programmes; project
members see their projects and those projects' milestones. Views, selectors, services,
exports, the calendar feed, reminders and other apps all ask here.
"""

from django.db.models import Exists, OuterRef, Q, QuerySet

from accounts import access as accounts_access

from .models import Milestone, Programme, Project, ProjectMembership


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


def _member_of(user, project_ref: str):
    return Exists(ProjectMembership.objects.filter(project_id=OuterRef(project_ref), user=user))


def programmes_visible_to(user) -> QuerySet[Programme]:
    """Programmes the person manages, or in which they are a member of a project."""
    if not accounts_access.is_active_person(user):
        return Programme.objects.none()
    member_of = Exists(
        ProjectMembership.objects.filter(project__programme_id=OuterRef("pk"), user=user)
    )
    return Programme.objects.filter(Q(pk__in=managed_programme_ids(user)) | member_of)


def projects_visible_to(user) -> QuerySet[Project]:
    """Projects the person is a member of, and every project in a programme they manage."""
    if not accounts_access.is_active_person(user):
        return Project.objects.none()
    return Project.objects.filter(
        _member_of(user, "pk") | Q(programme_id__in=managed_programme_ids(user))
    )


def projects_managed_by(user) -> QuerySet[Project]:
    """Projects the person may edit: those in programmes they manage."""
    return Project.objects.filter(programme_id__in=managed_programme_ids(user))


def milestones_visible_to(user) -> QuerySet[Milestone]:
    if not accounts_access.is_active_person(user):
        return Milestone.objects.none()
    return Milestone.objects.filter(
        _member_of(user, "project_id") | Q(project__programme_id__in=managed_programme_ids(user))
    )


def milestones_managed_by(user) -> QuerySet[Milestone]:
    return Milestone.objects.filter(project__programme_id__in=managed_programme_ids(user))


def is_milestone_owner(*, user, milestone: Milestone) -> bool:
    """The owner, while still a member of the project, may move the milestone along."""
    return (
        accounts_access.is_active_person(user)
        and milestone.owner_id == user.pk
        and milestone.project.memberships.filter(user=user).exists()
    )
