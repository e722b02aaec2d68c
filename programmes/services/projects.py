"""Projects: created and edited by their programme's managers, with members and RAG."""

import datetime

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone

from accounts.models import Institute, User
from portal import bounds

from ..models import (
    OPEN_MILESTONE_STATUSES,
    MembershipRole,
    Programme,
    Project,
    ProjectMembership,
    ProjectStatus,
    Rag,
)
from .common import record_history, require_manager


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
    errors: dict[str, str] = bounds.date_errors(start_date=start_date, end_date=end_date)
    if start_date and end_date and not errors:
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
    require_manager(actor, programme)
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
    record_history(project, actor=actor, reason="Project created")
    project.save()
    # The partners belong to the creation record, not to a second "Project created" one.
    project.skip_history_when_saving = True
    try:
        project.partner_institutes.set(partner_institutes)
    finally:
        del project.skip_history_when_saving
    created = project.history.get(history_type="+")
    snapshot = created.historicalproject_partner_institutes_set
    snapshot.bulk_create(
        snapshot.model(id=row.pk, history=created, project=project, institute_id=row.institute_id)
        for row in Project.partner_institutes.through.objects.filter(project=project)
    )
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
    require_manager(actor, project.programme)
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
    record_history(project, actor=actor, reason=reason)
    project.save()
    project.partner_institutes.set(partner_institutes)
    return project


@transaction.atomic
def project_member_add(
    *, actor: User, project: Project, user: User, role: str
) -> ProjectMembership:
    """Add someone to a project. Each institute has at most one lead on a project."""
    require_manager(actor, project.programme)
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
    record_history(membership, actor=actor, reason="Member added")
    try:
        with transaction.atomic():
            membership.save()
    except IntegrityError as exc:  # a concurrent add of the same person or lead
        raise ValidationError({"role": "Someone else changed the members. Try again."}) from exc
    return membership


@transaction.atomic
def project_member_remove(*, actor: User, membership: ProjectMembership) -> None:
    project = membership.project
    require_manager(actor, project.programme)
    if project.milestones.filter(
        owner=membership.user, status__in=OPEN_MILESTONE_STATUSES
    ).exists():
        raise ValidationError(
            f"{membership.user} owns open milestones on this project. Give them another "
            "owner first."
        )
    record_history(membership, actor=actor, reason="Member removed")
    membership.delete()


@transaction.atomic
def project_rag_override(*, actor: User, project: Project, rag: str, reason: str) -> Project:
    """Set (or with ``rag=""`` clear) a project's RAG override. A reason is required."""
    require_manager(actor, project.programme)
    reason = (reason or "").strip()
    if rag and rag not in Rag.values:
        raise ValidationError({"rag": "Choose red, amber or green, or no override."})
    if rag and not reason:
        raise ValidationError({"reason": "Enter why you are overriding the RAG status."})
    project.rag_override = rag
    project.rag_override_reason = reason if rag else ""
    project.rag_override_by = actor if rag else None
    project.rag_override_at = timezone.now() if rag else None
    record_history(
        project,
        actor=actor,
        reason=f"RAG set to {Rag(rag).label}" if rag else "RAG override removed",
    )
    project.save()
    return project
