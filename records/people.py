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


# --- personal data downloads: the account and the audit log ---------------------------

SIGN_IN_EVENTS = ("sign_in", "sign_out", "sign_in_failed", "locked_out", "mfa_failed")


def profile_rows(user):
    from allauth.account.models import EmailAddress
    from allauth.mfa.models import Authenticator

    yield {
        "email": user.email,
        "full_name": user.full_name,
        "institute": str(user.institute) if user.institute_id else "",
        "job_title": user.job_title,
        "time_zone": user.time_zone,
        "nationality": user.nationality,
        "roles": sorted(user.groups.values_list("name", flat=True)),
        "admin_site_access": user.is_staff,
        "date_joined": user.date_joined,
        "last_login": user.last_login,
        "email_addresses": [
            {"email": e.email, "verified": e.verified, "primary": e.primary}
            for e in EmailAddress.objects.filter(user=user)
        ],
        # Which kinds of two-factor authentication are on; never their secrets.
        "two_factor": sorted(
            Authenticator.objects.filter(user=user).values_list("type", flat=True)
        ),
    }


def change_request_rows(user):
    for change in user.attribute_change_requests.all().order_by("created_at"):
        yield {
            "field": change.field,
            "value_when_asked": change.current_value,
            "requested_value": change.requested_value,
            "reason": change.reason,
            "status": change.status,
            "asked_at": change.created_at,
            "decided_at": change.decided_at,
            "decision_note": change.decision_note,
        }


def _entry(entry, *, values: bool) -> dict:
    row = {
        "at": entry.at,
        "event": entry.get_event_display(),
        "record_type": entry.object_type,
        "record_id": entry.object_id,
        "summary": entry.summary,
        "ip_address": entry.ip,
    }
    if values:
        row["old_values"] = entry.old_values
        row["new_values"] = entry.new_values
    return row


def sign_in_rows(user):
    entries = AuditEntry.objects.filter(event__in=SIGN_IN_EVENTS).filter(
        Q(actor=user) | Q(actor__isnull=True, actor_label__iexact=user.email)
    )
    for entry in entries.order_by("at", "pk").iterator():
        yield _entry(entry, values=False)


def audit_rows(user):
    """What the person did (without the values of other people's records they changed),
    and what was done to their own account (with the values, which are theirs)."""
    done = AuditEntry.objects.filter(actor=user).exclude(event__in=SIGN_IN_EVENTS)
    for entry in done.order_by("at", "pk").iterator():
        about_self = entry.object_type == "accounts.user" and entry.object_id == str(user.pk)
        yield {"by_you": True, **_entry(entry, values=about_self)}
    about = AuditEntry.objects.filter(object_type="accounts.user", object_id=str(user.pk)).exclude(
        actor=user
    )
    for entry in about.order_by("at", "pk").iterator():
        yield {"by_you": False, **_entry(entry, values=True)}


def register_sections() -> None:
    from . import subject_access as sar

    sar.register(sar.Section("account", "Your account", profile_rows), order=10)
    sar.register(
        sar.Section(
            "change-requests", "Changes to your details you asked for", change_request_rows
        ),
        order=11,
    )
    sar.register(sar.Section("sign-in-history", "Sign-in history", sign_in_rows), order=90)
    sar.register(sar.Section("audit-log", "Audit log entries about you", audit_rows), order=91)
