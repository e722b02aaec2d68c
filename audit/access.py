"""Who may read the audit log: institute admins their own institute's entries (what
people there did, and what was done to their records), superusers all of it."""

from django.db.models import QuerySet

from accounts import access as accounts_access

from .models import AuditEntry

# The paths from an entry to the institutes it belongs to.
INSTITUTE_LOOKUPS = ("institute", "object_institute")


def can_read_audit_log(user) -> bool:
    return (
        accounts_access.is_active_person(user)
        and user.is_staff
        and accounts_access.user_is_institute_admin(user)
    )


def entries_visible_to(user, queryset: QuerySet | None = None) -> QuerySet[AuditEntry]:
    queryset = AuditEntry.objects.all() if queryset is None else queryset
    if not can_read_audit_log(user):
        return queryset.none()
    return accounts_access.in_admin_scope(queryset, user=user, lookups=INSTITUTE_LOOKUPS)
