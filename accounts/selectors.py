"""Reads about people, institutes and roles. Who may do what is decided in access.py."""

from django.db.models import QuerySet

from . import access
from .models import AttributeChangeRequest, Institute, InstituteDomain, Role, User


def institute_for_email(*, email: str) -> Institute | None:
    domain = email.rsplit("@", 1)[-1].strip().lower()
    match = InstituteDomain.objects.select_related("institute").filter(domain=domain).first()
    return match.institute if match else None


def user_role_labels(user: User) -> list[str]:
    labels = ["Staff"]
    if access.user_is_programme_manager(user):
        labels.append(Role.PROGRAMME_MANAGER.label)
    if access.user_is_institute_admin(user):
        labels.append("Superuser" if user.is_superuser else Role.INSTITUTE_ADMIN.label)
    return labels


def user_list_at_institute(*, institute: Institute) -> QuerySet[User]:
    """Active people at ``institute``, by name."""
    return User.objects.filter(institute=institute, is_active=True).order_by("full_name", "email")


def user_attribute_change_requests(user: User) -> QuerySet[AttributeChangeRequest]:
    """A person's own requests to change their attributes, newest first (the last ten)."""
    return AttributeChangeRequest.objects.filter(user=user).select_related("decided_by")[:10]
