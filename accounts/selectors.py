"""Reads about people, institutes and roles. Every view asks here, never the ORM directly."""

from allauth.mfa.utils import is_mfa_enabled

from .models import Institute, InstituteDomain, Role, User
from .sso.mfa import idp_mfa_done


def institute_for_email(*, email: str) -> Institute | None:
    domain = email.rsplit("@", 1)[-1].strip().lower()
    match = InstituteDomain.objects.select_related("institute").filter(domain=domain).first()
    return match.institute if match else None


def institute_list() -> list[Institute]:
    return list(Institute.objects.prefetch_related("domains"))


def user_group_names(user: User) -> set[str]:
    # Cached on the instance: navigation, middleware and pages all ask within one request.
    cached = getattr(user, "_portal_group_names", None)
    if cached is None:
        cached = set(user.groups.values_list("name", flat=True)) if user.is_authenticated else set()
        user._portal_group_names = cached
    return cached


def user_is_programme_manager(user: User) -> bool:
    return user.is_authenticated and Role.PROGRAMME_MANAGER.value in user_group_names(user)


def user_is_institute_admin(user: User) -> bool:
    return user.is_authenticated and (
        user.is_superuser or Role.INSTITUTE_ADMIN.value in user_group_names(user)
    )


def user_requires_mfa(user: User) -> bool:
    """Managers and admins must turn on MFA before they use manager pages or the admin."""
    return user.is_authenticated and (
        user.is_staff
        or user.is_superuser
        or user_is_programme_manager(user)
        or user_is_institute_admin(user)
    )


def user_has_mfa(user: User) -> bool:
    cached = getattr(user, "_portal_has_mfa", None)
    if cached is None:
        cached = user.is_authenticated and is_mfa_enabled(user)
        user._portal_has_mfa = cached
    return cached


def request_has_mfa(request) -> bool:
    """MFA for this signed-in person: turned on in the portal, or done at their
    institute's identity provider when they signed in (accounts/sso/mfa.py)."""
    return user_has_mfa(request.user) or idp_mfa_done(request)


def user_role_labels(user: User) -> list[str]:
    labels = ["Staff"]
    if user_is_programme_manager(user):
        labels.append(Role.PROGRAMME_MANAGER.label)
    if user_is_institute_admin(user):
        labels.append("Superuser" if user.is_superuser else Role.INSTITUTE_ADMIN.label)
    return labels


def user_list_at_institute(*, institute: Institute):
    return User.objects.filter(institute=institute, is_active=True).order_by("full_name", "email")
