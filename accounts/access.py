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


# --- people in the admin ---------------------------------------------------------------

# Fields of a person that only a superuser changes: they decide what the admin itself
# may do, or which institute (and so which records) a person belongs to.
SUPERUSER_ONLY_PERSON_FIELDS = ("is_superuser", "is_staff", "user_permissions", "institute")
# Fields that decide a person's own access: no one changes them on their own record
# (nationality decides releasability: another admin confirms a change, see
# can_decide_attribute_change).
OWN_ACCESS_FIELDS = (
    "is_active",
    "is_staff",
    "is_superuser",
    "groups",
    "user_permissions",
    "nationality",
)


def people_managed_in_admin(user, queryset: QuerySet | None = None) -> QuerySet:
    """The people ``user`` manages in the admin: everyone for a superuser; for an
    institute admin, their own institute's people other than superusers; else no one."""
    from .models import User

    queryset = User.objects.all() if queryset is None else queryset
    if not is_active_person(user):
        return queryset.none()
    scoped = in_admin_scope(queryset, user=user, lookups=("institute",))
    if user.is_superuser:
        return scoped
    if not user_is_institute_admin(user):
        return queryset.none()
    return scoped.filter(is_superuser=False)


def can_manage_person(*, user, person) -> bool:
    """Change or remove ``person`` in the admin (see ``people_managed_in_admin``)."""
    if not is_active_person(user):
        return False
    if user.is_superuser:
        return True
    return (
        user_is_institute_admin(user)
        and bool(user.institute_id)
        and person.institute_id == user.institute_id
        and not person.is_superuser
    )


def role_group_names() -> tuple[str, ...]:
    """The portal's roles, held as groups: the only groups an institute admin gives."""
    return tuple(Role.values)


def groups_grantable_by(user) -> QuerySet:
    """The groups ``user`` may give or take away in the admin."""
    from django.contrib.auth.models import Group

    if not is_active_person(user):
        return Group.objects.none()
    if user.is_superuser:
        return Group.objects.all()
    if not user_is_institute_admin(user):
        return Group.objects.none()
    return Group.objects.filter(name__in=role_group_names())


def can_change_roles_of(*, user, person) -> bool:
    """No one changes their own roles (groups, flags, or being named a programme's
    manager, which carries the programme manager role)."""
    return person is None or person.pk != user.pk


def person_fields_locked_for(*, user, person=None) -> set[str]:
    """Fields of ``person`` (None when adding) that ``user`` may not change in the admin.

    Only superusers change superuser and staff flags, permissions and institutes; no one
    changes their own roles, flags or permissions."""
    locked: set[str] = set()
    if not user.is_superuser:
        locked.update(SUPERUSER_ONLY_PERSON_FIELDS)
    if not can_change_roles_of(user=user, person=person):
        locked.update(OWN_ACCESS_FIELDS)
    return locked
