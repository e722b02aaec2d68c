"""Programmes, and who manages them: the one place the programme manager role changes."""

import datetime

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction

from accounts import access as accounts_access
from accounts.models import Institute, Role, User
from accounts.services import user_grant_role, user_revoke_role
from portal import bounds

from ..models import Programme
from .common import record_history, require_manager


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
    if errors := bounds.date_errors(start_date=start_date, end_date=end_date):
        return errors
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
    record_history(programme, actor=actor, reason="Programme created")
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
    require_manager(actor, programme)
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
    record_history(programme, actor=actor, reason="Programme updated")
    programme.save()
    programme.institutes.set(institutes)
    programme_managers_set(programme=programme, managers=managers)
    return programme
