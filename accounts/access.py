"""Who may do what, portal-wide: roles, the MFA policy and the admin's institute scope.

Every app's own ``access.py`` builds on these; nothing else reads groups or user flags to
decide access.
"""

from allauth.mfa.utils import is_mfa_enabled
from django.db.models import Q, QuerySet

from .models import Role
from .sso.mfa import idp_mfa_done


def is_active_person(user) -> bool:
    """Signed in with an active account: the first condition of every access rule."""
    return user.is_authenticated and user.is_active


def _group_names(user) -> set[str]:
    # Cached on the instance: navigation, middleware and pages all ask within one request.
    cached = getattr(user, "_portal_group_names", None)
    if cached is None:
        cached = set(user.groups.values_list("name", flat=True)) if user.is_authenticated else set()
        user._portal_group_names = cached
    return cached


def forget_roles(user) -> None:
    """Drop the cached roles after a change, so the next question reads them again."""
    user.__dict__.pop("_portal_group_names", None)


def user_is_programme_manager(user) -> bool:
    """Holds the programme manager role, or is a superuser (who manages every programme).

    The role follows ``Programme.managers``: ``programmes.services.programme_managers_set``
    grants it with a programme and takes it back with the last one.
    """
    return user.is_authenticated and (
        user.is_superuser or Role.PROGRAMME_MANAGER.value in _group_names(user)
    )


def user_is_institute_admin(user) -> bool:
    return user.is_authenticated and (
        user.is_superuser or Role.INSTITUTE_ADMIN.value in _group_names(user)
    )


def user_requires_mfa(user) -> bool:
    """Managers and admins must turn on MFA before they use manager pages or the admin."""
    return user.is_authenticated and (
        user.is_staff or user_is_programme_manager(user) or user_is_institute_admin(user)
    )


def user_has_mfa(user) -> bool:
    cached = getattr(user, "_portal_has_mfa", None)
    if cached is None:
        cached = user.is_authenticated and is_mfa_enabled(user)
        user._portal_has_mfa = cached
    return cached


def request_has_mfa(request) -> bool:
    """MFA for this signed-in person: turned on in the portal, or done at their
    institute's identity provider when they signed in (accounts/sso/mfa.py)."""
    return user_has_mfa(request.user) or idp_mfa_done(request)


def in_admin_scope(queryset: QuerySet, *, user, lookups: tuple[str, ...]) -> QuerySet:
    """What ``user`` may see of ``queryset`` in the Django admin.

    Superusers see everything; an institute admin sees the records linked to their own
    institute through any of ``lookups`` (paths to an Institute); anyone else nothing.
    """
    if user.is_superuser:
        return queryset
    if not user.institute_id:
        return queryset.none()
    condition = Q()
    for lookup in lookups:
        condition |= Q(**{lookup: user.institute_id})
    return queryset.filter(condition).distinct()


# Attributes that decide what a person may see (releasability reads nationality and the
# institute's country; roles and flags open manager pages and the admin). The person never
# sets these: they ask (AttributeChangeRequest) and an admin of their institute confirms.
ATTRIBUTES_SET_BY_ADMINS = ("nationality", "institute", "groups", "is_staff", "is_superuser")


def can_decide_attribute_change(user, change_request) -> bool:
    """An admin of the person's institute (or a superuser) confirms or rejects a request
    to change their attributes; never the person themselves."""
    if not (is_active_person(user) and user.is_staff and user_is_institute_admin(user)):
        return False
    if change_request.user_id == user.pk:
        return False
    if user.is_superuser:
        return True
    return bool(user.institute_id) and user.institute_id == change_request.user.institute_id


def attribute_change_requests_decidable_by(user, queryset: QuerySet) -> QuerySet:
    """The requests ``user`` sees in the admin: their institute's people's, not their own."""
    if not (is_active_person(user) and user.is_staff and user_is_institute_admin(user)):
        return queryset.none()
    return in_admin_scope(queryset, user=user, lookups=("user__institute",)).exclude(user=user)
