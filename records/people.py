"""The record types of the apps below this one in the import order: people's accounts
(accounts) and the audit log (audit)."""

import datetime

from django.db.models import Q

from accounts import services as accounts_services
from accounts.models import User
from audit import services as audit_services
from audit.models import AuditEntry

from . import registry
from .registry import Action


def inactive_accounts(cutoff: datetime.datetime):
    """Deactivated accounts whose last sign-in (or, never signed in, their joining) was
    before the cutoff, not yet anonymised. Superusers are left to a superuser."""
    return (
        User.objects.filter(is_active=False, is_superuser=False)
        .filter(Q(last_login__lt=cutoff) | Q(last_login__isnull=True, date_joined__lt=cutoff))
        .exclude(email__endswith="@" + accounts_services.ANONYMISED_EMAIL_DOMAIN)
    )


def inactive_accounts_anonymise(ids, now) -> list[str]:
    for pk, email in accounts_services.people_anonymise(ids):
        audit_services.entries_anonymise_person(
            user_id=pk, email=email, label=accounts_services.anonymised_name(pk)
        )
    return []


def audit_entries(cutoff: datetime.datetime):
    return AuditEntry.objects.filter(at__lt=cutoff)


def audit_entries_delete(ids, now) -> list[str]:
    audit_services.entries_expire(ids)
    return []


INACTIVE_ACCOUNTS = registry.RecordType(
    key="accounts.inactive_accounts",
    label="Accounts of people who have left",
    clock="after the account was deactivated and last used",
    default_months=24,
    action=Action.ANONYMISE,
    candidates=inactive_accounts,
    apply=inactive_accounts_anonymise,
    institute_lookups=("institute",),
    why="Kept so that the records a person worked on still show who did what; then "
    "their name, address and other personal details are removed.",
)

AUDIT_LOG = registry.RecordType(
    key="audit.audit_log",
    label="Audit log and sign-in history",
    clock="after the event",
    default_months=72,
    action=Action.DELETE,
    candidates=audit_entries,
    apply=audit_entries_delete,
    institute_lookups=("institute", "object_institute"),
    why="Kept to investigate security incidents and misuse, in line with both "
    "institutes' security policies (six years).",
)


def register_all() -> None:
    registry.register(INACTIVE_ACCOUNTS, order=80)
    registry.register(AUDIT_LOG, order=90)
