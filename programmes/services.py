"""Writes for programmes, projects and milestones.

Every function checks who is acting (see access.py): programme managers create and edit
their programmes' projects and milestones; a milestone's owner updates its
status; nobody edits another programme's records. Messages are keyed by the form field
they belong beside.
"""

import datetime
import secrets

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone

from accounts import access as accounts_access
from accounts.clock import today_for
from accounts.models import Institute, Role, User
from accounts.services import user_grant_role, user_revoke_role

from . import access
from .gates import gate_satisfied
from .models import (
    OPEN_MILESTONE_STATUSES,
    CalendarFeed,
    MembershipRole,
    Milestone,
    MilestoneDueDateChange,
    MilestoneStatus,
    Programme,
    Project,
    ProjectMembership,
    ProjectStatus,
    Rag,
)

GATE_MESSAGE = (
    "This milestone needs an acknowledged handover from the partner institute before it "
    "can be marked done. Link a handover to it and ask the partner institute to "
    "acknowledge it."
)
NOT_A_MANAGER = "Only a manager of this programme can do that."


def _require_manager(user: User, programme: Programme) -> None:
    if not access.user_manages_programme(user=user, programme=programme):
        raise PermissionDenied(NOT_A_MANAGER)


def _history(instance, *, actor: User, reason: str) -> None:
    instance._history_user = actor
    instance._change_reason = reason[:100]


# --- programmes -----------------------------------------------------------------------


def _check_programme_people(*, institutes: list[Institute], managers: list[User]) -> dict[str, str]:
    errors = {}
    if len(institutes) < 2:
        errors["institutes"] = "Select at least two partner institutes."
    if not managers:
        errors["managers"] = "Enter at least one programme manager."
    else:
        outside = [m for m in managers if m.institute_id not in {i.pk for i in institutes}]
        if outside:
            errors["managers"] = (
                f"{', '.join(m.email for m in outside)} "
                f"{'is' if len(outside) == 1 else 'are'} not at one of the programme’s "
                "institutes."
            )
    return errors


def _programme_dates(start_date, end_date) -> dict[str, str]:
    if start_date and end_date and end_date <= start_date:
        return {"end_date": "The end date must be after the start date."}
    return {}


@transaction.atomic
def programme_create(
    *,
    actor: User,
    name: str,
    description: str,
    agreement_reference: str,
    start_date: datetime.date,
    end_date: datetime.date,
    institutes: list[Institute],
    managers: list[User],
    reciprocity_target_months: int,
) -> Programme:
    """Create a programme. Programme managers only; the managers named get the role."""
    if not (actor.is_active and accounts_access.user_is_programme_manager(actor)):
        raise PermissionDenied("Only programme managers can create programmes.")
    errors = _programme_dates(start_date, end_date)
    errors.update(_check_programme_people(institutes=institutes, managers=managers))
    if Programme.objects.filter(name__iexact=name.strip()).exists():
        errors["name"] = "A programme with this name already exists."
    if errors:
        raise ValidationError(errors)
    programme = Programme(
        name=name.strip(),
        description=description,
        agreement_reference=agreement_reference,
        start_date=start_date,
        end_date=end_date,
        reciprocity_target_months=reciprocity_target_months,
    )
    _history(programme, actor=actor, reason="Programme created")
    programme.save()
    programme.institutes.set(institutes)
    programme_managers_set(programme=programme, managers=managers)
    return programme


@transaction.atomic
def programme_managers_set(*, programme: Programme, managers: list[User]) -> None:
    """Name the programme's managers. The one place the programme manager role changes.

    ``Programme.managers`` decides who manages what; the role (the Programme managers
    group, which asks for MFA and opens the manager pages) follows it: given to every
    manager named here, and taken back from anyone who no longer manages any programme.
    Callers check that the actor may do this.
    """
    before = set(programme.managers.values_list("pk", flat=True))
    programme.managers.set(managers)
    for manager in managers:
        user_grant_role(user=manager, role=Role.PROGRAMME_MANAGER)
    dropped = before - {manager.pk for manager in managers}
    for person in User.objects.filter(pk__in=dropped).exclude(managed_programmes__isnull=False):
        user_revoke_role(user=person, role=Role.PROGRAMME_MANAGER)


@transaction.atomic
def programme_update(
    *,
    actor: User,
    programme: Programme,
    name: str,
    description: str,
    agreement_reference: str,
    start_date: datetime.date,
    end_date: datetime.date,
    institutes: list[Institute],
    managers: list[User],
    reciprocity_target_months: int,
) -> Programme:
    _require_manager(actor, programme)
    errors = _programme_dates(start_date, end_date)
    errors.update(_check_programme_people(institutes=institutes, managers=managers))
    if Programme.objects.filter(name__iexact=name.strip()).exclude(pk=programme.pk).exists():
        errors["name"] = "A programme with this name already exists."
    outside = programme.projects.filter(start_date__lt=start_date) | programme.projects.filter(
        end_date__gt=end_date
    )
    if start_date and end_date and outside.exists():
        errors.setdefault(
            "start_date",
            "Some projects run outside these dates. Change the projects’ dates first.",
        )
    if errors:
        raise ValidationError(errors)
    programme.name = name.strip()
    programme.description = description
    programme.agreement_reference = agreement_reference
    programme.start_date = start_date
    programme.end_date = end_date
    programme.reciprocity_target_months = reciprocity_target_months
    _history(programme, actor=actor, reason="Programme updated")
    programme.save()
    programme.institutes.set(institutes)
    programme_managers_set(programme=programme, managers=managers)
    return programme


# --- projects -------------------------------------------------------------------------


def _project_checks(
    *,
    programme: Programme,
    code: str,
    start_date,
    end_date,
    lead_institute: Institute,
    partner_institutes: list[Institute],
    exclude_pk: int | None = None,
) -> dict[str, str]:
    errors: dict[str, str] = {}
    if start_date and end_date:
        if end_date <= start_date:
            errors["end_date"] = "The end date must be after the start date."
        elif start_date < programme.start_date or end_date > programme.end_date:
            errors["start_date"] = (
                "The project must run within the programme’s dates "
                f"({programme.start_date:%-d %B %Y} to {programme.end_date:%-d %B %Y})."
            )
    programme_institutes = set(programme.institutes.values_list("pk", flat=True))
    if lead_institute and lead_institute.pk not in programme_institutes:
        errors["lead_institute"] = "The lead institute must be one of the programme’s institutes."
    if lead_institute and any(i.pk == lead_institute.pk for i in partner_institutes):
        errors["partner_institutes"] = "The lead institute is not also a partner institute."
    elif any(i.pk not in programme_institutes for i in partner_institutes):
        errors["partner_institutes"] = "Partner institutes must be in the programme."
    duplicate = Project.objects.filter(code=code)
    if exclude_pk:
        duplicate = duplicate.exclude(pk=exclude_pk)
    if duplicate.exists():
        errors["code"] = "A project with this code already exists. Choose another code."
    return errors


@transaction.atomic
def project_create(
    *,
    actor: User,
    programme: Programme,
    code: str,
    title: str,
    summary: str,
    lead_institute: Institute,
    partner_institutes: list[Institute],
    status: str = ProjectStatus.PROPOSED,
    start_date: datetime.date,
    end_date: datetime.date,
) -> Project:
    _require_manager(actor, programme)
    code = code.strip().upper()
    errors = _project_checks(
        programme=programme,
        code=code,
        start_date=start_date,
        end_date=end_date,
        lead_institute=lead_institute,
        partner_institutes=partner_institutes,
    )
    if errors:
        raise ValidationError(errors)
    project = Project(
        programme=programme,
        code=code,
        title=title,
        summary=summary,
        lead_institute=lead_institute,
        status=status,
        start_date=start_date,
        end_date=end_date,
    )
    project.full_clean(exclude=["partner_institutes", "members"])
    _history(project, actor=actor, reason="Project created")
    project.save()
    project.partner_institutes.set(partner_institutes)
    return project


@transaction.atomic
def project_update(
    *,
    actor: User,
    project: Project,
    title: str,
    summary: str,
    lead_institute: Institute,
    partner_institutes: list[Institute],
    status: str,
    start_date: datetime.date,
    end_date: datetime.date,
) -> Project:
    _require_manager(actor, project.programme)
    errors = _project_checks(
        programme=project.programme,
        code=project.code,
        start_date=start_date,
        end_date=end_date,
        lead_institute=lead_institute,
        partner_institutes=partner_institutes,
        exclude_pk=project.pk,
    )
    if start_date and end_date and "start_date" not in errors and "end_date" not in errors:
        outside = project.milestones.exclude(due_date__range=(start_date, end_date))
        if outside.exists():
            errors["start_date"] = (
                f"{outside.count()} milestone(s) fall outside these dates. Move them first."
            )
    if errors:
        raise ValidationError(errors)
    old_status = project.status
    project.title = title
    project.summary = summary
    project.lead_institute = lead_institute
    project.status = status
    project.start_date = start_date
    project.end_date = end_date
    project.full_clean(exclude=["partner_institutes", "members"])
    reason = "Project updated"
    if old_status != status:
        reason = f"Status changed to {project.get_status_display()}"
    _history(project, actor=actor, reason=reason)
    project.save()
    project.partner_institutes.set(partner_institutes)
    return project


@transaction.atomic
def project_member_add(
    *, actor: User, project: Project, user: User, role: str
) -> ProjectMembership:
    """Add someone to a project. Each institute has at most one lead on a project."""
    _require_manager(actor, project.programme)
    project_institutes = {project.lead_institute_id} | set(
        project.partner_institutes.values_list("pk", flat=True)
    )
    if not user.is_active or user.institute_id is None:
        raise ValidationError({"email": "This person cannot join projects."})
    if user.institute_id not in project_institutes:
        raise ValidationError(
            {"email": "This person is not at the lead institute or a partner institute."}
        )
    if project.memberships.filter(user=user).exists():
        raise ValidationError({"email": f"{user} is already a member of this project."})
    if (
        role == MembershipRole.LEAD
        and project.memberships.filter(role=MembershipRole.LEAD, institute=user.institute).exists()
    ):
        raise ValidationError(
            {"role": f"{user.institute.name} already has a lead on this project."}
        )
    membership = ProjectMembership(project=project, user=user, institute=user.institute, role=role)
    _history(membership, actor=actor, reason="Member added")
    try:
        with transaction.atomic():
            membership.save()
    except IntegrityError as exc:  # a concurrent add of the same person or lead
        raise ValidationError({"role": "Someone else changed the members. Try again."}) from exc
    return membership


@transaction.atomic
def project_member_remove(*, actor: User, membership: ProjectMembership) -> None:
    project = membership.project
    _require_manager(actor, project.programme)
    if project.milestones.filter(
        owner=membership.user, status__in=OPEN_MILESTONE_STATUSES
    ).exists():
        raise ValidationError(
            f"{membership.user} owns open milestones on this project. Give them another "
            "owner first."
        )
    _history(membership, actor=actor, reason="Member removed")
    membership.delete()


@transaction.atomic
def project_rag_override(*, actor: User, project: Project, rag: str, reason: str) -> Project:
    """Set (or with ``rag=""`` clear) a project's RAG override. A reason is required."""
    _require_manager(actor, project.programme)
    reason = (reason or "").strip()
    if rag and rag not in Rag.values:
        raise ValidationError({"rag": "Choose red, amber or green, or no override."})
    if rag and not reason:
        raise ValidationError({"reason": "Enter why you are overriding the RAG status."})
    project.rag_override = rag
    project.rag_override_reason = reason if rag else ""
    project.rag_override_by = actor if rag else None
    project.rag_override_at = timezone.now() if rag else None
    _history(
        project,
        actor=actor,
        reason=f"RAG set to {Rag(rag).label}" if rag else "RAG override removed",
    )
    project.save()
    return project


# --- milestones -----------------------------------------------------------------------


def _dependency_errors(
    *, project: Project, milestone: Milestone | None, dependencies: list[Milestone]
) -> str | None:
    if any(dep.project_id != project.pk for dep in dependencies):
        return "A milestone can only depend on milestones of the same project."
    if milestone is None or not dependencies:
        return None
    if any(dep.pk == milestone.pk for dep in dependencies):
        return "A milestone cannot depend on itself."
    # Walk the project's dependency graph (one query) from the proposed dependencies: if
    # we reach this milestone, the new edges would close a cycle.
    edges: dict[int, list[int]] = {}
    through = Milestone.dependencies.through.objects.filter(from_milestone__project=project)
    for source, target in through.values_list("from_milestone_id", "to_milestone_id"):
        edges.setdefault(source, []).append(target)
    edges[milestone.pk] = [dep.pk for dep in dependencies]
    seen: set[int] = set()
    stack = [dep.pk for dep in dependencies]
    while stack:
        current = stack.pop()
        if current == milestone.pk:
            return (
                "These dependencies would form a cycle: a milestone would end up depending "
                "on itself. Remove one of them."
            )
        if current in seen:
            continue
        seen.add(current)
        stack.extend(edges.get(current, []))
    return None


def _milestone_checks(
    *,
    project: Project,
    milestone: Milestone | None,
    owner: User,
    due_date: datetime.date | None,
    dependencies: list[Milestone],
) -> dict[str, str]:
    errors: dict[str, str] = {}
    if due_date and not (project.start_date <= due_date <= project.end_date):
        errors["due_date"] = (
            "The due date must be within the project’s dates "
            f"({project.start_date:%-d %B %Y} to {project.end_date:%-d %B %Y})."
        )
    if owner is not None and not project.memberships.filter(user=owner).exists():
        errors["owner"] = "The owner must be a member of the project."
    dependency_error = _dependency_errors(
        project=project, milestone=milestone, dependencies=dependencies
    )
    if dependency_error:
        errors["dependencies"] = dependency_error
    return errors


@transaction.atomic
def milestone_create(
    *,
    actor: User,
    project: Project,
    title: str,
    description: str,
    owner: User,
    due_date: datetime.date,
    deliverables: str = "",
    dependencies: list[Milestone] | None = None,
    requires_partner_handover: bool = False,
) -> Milestone:
    """Add a milestone. Its first due date is its baseline."""
    _require_manager(actor, project.programme)
    dependencies = list(dependencies or [])
    errors = _milestone_checks(
        project=project, milestone=None, owner=owner, due_date=due_date, dependencies=dependencies
    )
    if errors:
        raise ValidationError(errors)
    milestone = Milestone(
        project=project,
        title=title,
        description=description,
        owner=owner,
        due_date=due_date,
        baseline_due_date=due_date,
        deliverables=deliverables,
        requires_partner_handover=requires_partner_handover,
    )
    _history(milestone, actor=actor, reason="Milestone added")
    milestone.save()
    milestone.dependencies.set(dependencies)
    return milestone


@transaction.atomic
def milestone_update(
    *,
    actor: User,
    milestone: Milestone,
    title: str,
    description: str,
    owner: User,
    deliverables: str,
    dependencies: list[Milestone],
    requires_partner_handover: bool,
) -> Milestone:
    """Edit a milestone's details. Its due date changes only by ``milestone_change_due_date``."""
    milestone = Milestone.objects.select_for_update().get(pk=milestone.pk)
    project = milestone.project
    _require_manager(actor, project.programme)
    errors = _milestone_checks(
        project=project, milestone=milestone, owner=owner, due_date=None, dependencies=dependencies
    )
    if errors:
        raise ValidationError(errors)
    milestone.title = title
    milestone.description = description
    milestone.owner = owner
    milestone.deliverables = deliverables
    milestone.requires_partner_handover = requires_partner_handover
    _history(milestone, actor=actor, reason="Milestone details updated")
    milestone.save()
    milestone.dependencies.set(dependencies)
    return milestone


@transaction.atomic
def milestone_change_due_date(
    *, actor: User, milestone: Milestone, due_date: datetime.date, reason: str
) -> MilestoneDueDateChange:
    """Move a milestone's due date, keeping the baseline and who, when and why."""
    milestone = (
        Milestone.objects.select_for_update()
        .select_related("project__programme")
        .get(pk=milestone.pk)
    )
    _require_manager(actor, milestone.project.programme)
    reason = (reason or "").strip()
    errors: dict[str, str] = {}
    if not reason:
        errors["reason"] = "Enter why the due date is changing."
    if due_date == milestone.due_date:
        errors["due_date"] = "Enter a date different from the current due date."
    project = milestone.project
    if due_date and not (project.start_date <= due_date <= project.end_date):
        errors["due_date"] = (
            "The due date must be within the project’s dates "
            f"({project.start_date:%-d %B %Y} to {project.end_date:%-d %B %Y})."
        )
    if errors:
        raise ValidationError(errors)
    change = MilestoneDueDateChange.objects.create(
        milestone=milestone,
        old_due_date=milestone.due_date,
        new_due_date=due_date,
        changed_by=actor,
        reason=reason,
    )
    milestone.due_date = due_date
    _history(milestone, actor=actor, reason=f"Due date moved to {due_date:%-d %b %Y}")
    milestone.save()
    return change


# Which statuses a milestone may move to, and who may make each move. Owners move their
# own milestones along the ordinary path; managers may also cancel, record a miss and
# reopen.
TRANSITIONS: dict[str, set[str]] = {
    MilestoneStatus.PLANNED: {
        MilestoneStatus.IN_PROGRESS,
        MilestoneStatus.DONE,
        MilestoneStatus.MISSED,
        MilestoneStatus.CANCELLED,
    },
    MilestoneStatus.IN_PROGRESS: {
        MilestoneStatus.PLANNED,
        MilestoneStatus.DONE,
        MilestoneStatus.MISSED,
        MilestoneStatus.CANCELLED,
    },
    MilestoneStatus.DONE: {MilestoneStatus.IN_PROGRESS},
    MilestoneStatus.MISSED: {MilestoneStatus.IN_PROGRESS, MilestoneStatus.DONE},
    MilestoneStatus.CANCELLED: {MilestoneStatus.PLANNED},
}
OWNER_MOVES: dict[str, set[str]] = {
    MilestoneStatus.PLANNED: {MilestoneStatus.IN_PROGRESS, MilestoneStatus.DONE},
    MilestoneStatus.IN_PROGRESS: {MilestoneStatus.PLANNED, MilestoneStatus.DONE},
    MilestoneStatus.MISSED: {MilestoneStatus.DONE},
}


def milestone_allowed_statuses(*, user: User, milestone: Milestone, manages: bool) -> list[str]:
    """The statuses ``user`` may move ``milestone`` to (for the form's choices)."""
    allowed = set()
    if manages:
        allowed |= TRANSITIONS.get(milestone.status, set())
    if milestone.owner_id == user.pk:
        allowed |= OWNER_MOVES.get(milestone.status, set())
    return [value for value in MilestoneStatus.values if value in allowed]


@transaction.atomic
def milestone_set_status(
    *, actor: User, milestone: Milestone, status: str, completed_on: datetime.date | None = None
) -> Milestone:
    """Move a milestone to ``status``. Done needs the gate satisfied when it has one."""
    milestone = (
        Milestone.objects.select_for_update()
        .select_related("project__programme")
        .get(pk=milestone.pk)
    )
    manages = access.user_manages_programme(user=actor, programme=milestone.project.programme)
    if not (manages or access.is_milestone_owner(user=actor, milestone=milestone)):
        raise PermissionDenied("Only the milestone’s owner or a programme manager can do that.")
    if status not in MilestoneStatus.values:
        raise ValidationError({"status": "Choose a status."})
    if status == milestone.status:
        raise ValidationError({"status": "The milestone already has this status."})
    if status not in milestone_allowed_statuses(user=actor, milestone=milestone, manages=manages):
        if status in TRANSITIONS.get(milestone.status, set()):
            raise PermissionDenied("Only a programme manager can make this change.")
        raise ValidationError(
            {
                "status": f"A {milestone.get_status_display().lower()} milestone cannot be "
                f"marked {MilestoneStatus(status).label.lower()}."
            }
        )
    if status == MilestoneStatus.DONE and not gate_satisfied(milestone=milestone):
        raise ValidationError({"status": GATE_MESSAGE})
    old_label = milestone.get_status_display()
    milestone.status = status
    if status == MilestoneStatus.DONE:
        completed_on = completed_on or today_for(actor)
        if completed_on > today_for(actor) + datetime.timedelta(days=1):
            raise ValidationError({"completed_on": "The completion date cannot be in the future."})
        milestone.completed_on = completed_on
    else:
        milestone.completed_on = None
    _history(
        milestone,
        actor=actor,
        reason=f"Status changed from {old_label} to {milestone.get_status_display()}",
    )
    milestone.save()
    return milestone


def milestone_complete(
    *, actor: User, milestone: Milestone, completed_on: datetime.date | None = None
) -> Milestone:
    """Mark a milestone done (refused for a gated milestone without its handover)."""
    return milestone_set_status(
        actor=actor, milestone=milestone, status=MilestoneStatus.DONE, completed_on=completed_on
    )


# --- calendar -------------------------------------------------------------------------


def _new_token() -> str:
    return secrets.token_urlsafe(32)


@transaction.atomic
def calendar_feed_reset(*, user: User) -> CalendarFeed:
    """Give the person a new secret calendar token; the old address stops at once."""
    feed, created = CalendarFeed.objects.select_for_update().get_or_create(
        user=user, defaults={"token": _new_token()}
    )
    if not created:
        feed.token = _new_token()
        feed.created_at = timezone.now()
        feed.save(update_fields=["token", "created_at"])
    return feed
