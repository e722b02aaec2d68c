"""Writes about people and institutes."""

from django.contrib.auth.models import Group, Permission
from django.db import transaction

from .access import forget_roles
from .models import Institute, InstituteDomain, Role, User


@transaction.atomic
def institute_upsert(
    *,
    code: str,
    name: str,
    country: str,
    time_zone: str,
    classification_scheme: str,
    domains: list[str],
    subdivision: str = "",
) -> Institute:
    institute, _ = Institute.objects.update_or_create(
        code=code,
        defaults={
            "name": name,
            "country": country,
            "time_zone": time_zone,
            "classification_scheme": classification_scheme,
            "subdivision": subdivision,
        },
    )
    for domain in domains:
        InstituteDomain.objects.update_or_create(
            domain=domain.lower(), defaults={"institute": institute}
        )
    return institute


# Institute admins work in the Django admin on these apps' records (scoped to their
# institute by each ModelAdmin); they never get permissions on groups or permissions.
INSTITUTE_ADMIN_APPS = ("accounts", "exchange", "programmes", "handover", "notifications", "api")


@transaction.atomic
def role_groups_ensure() -> dict[str, Group]:
    groups = {role.value: Group.objects.get_or_create(name=role.value)[0] for role in Role}
    admin_perms = Permission.objects.filter(
        content_type__app_label__in=INSTITUTE_ADMIN_APPS
    ).exclude(content_type__model__in=["institute", "institutedomain"])
    groups[Role.INSTITUTE_ADMIN.value].permissions.set(admin_perms)
    return groups


@transaction.atomic
def user_grant_role(*, user: User, role: Role) -> None:
    group = role_groups_ensure()[role.value]
    user.groups.add(group)
    if role == Role.INSTITUTE_ADMIN and not user.is_staff:
        user.is_staff = True
        user.save(update_fields=["is_staff"])
    forget_roles(user)


@transaction.atomic
def user_revoke_role(*, user: User, role: Role) -> None:
    """Take ``role`` away from ``user``."""
    user.groups.remove(*Group.objects.filter(name=role.value))
    forget_roles(user)
