"""The retention schedule's starting rules (docs/records.md explains each period).

The periods are copied here, not read from the registry, so that this migration gives
the same result whatever the code later says; a record type registered after it gets
its rule from its own default on the first run (records.services.rules_ensure).
"""

from django.db import migrations

DEFAULTS = [
    (
        "exchange.closed_applications",
        "Withdrawn and declined applications",
        12,
        "delete",
        "A year after the decision, in case of a new application or a question about it.",
    ),
    (
        "exchange.application_files",
        "CVs uploaded with applications",
        6,
        "delete_files",
        "Six months after the secondment ends or the application closes.",
    ),
    (
        "exchange.checklist_evidence",
        "Checklist uploads (agreements, conflict of interest plans, clearance and visa papers)",
        6,
        "delete_files",
        "Six months after the secondment ends; the checklist itself stays.",
    ),
    (
        "handover.document_files",
        "Files of documents handed over",
        24,
        "delete_files",
        "Two years after the handover closes; custody records and checksums stay.",
    ),
    (
        "handover.access_log",
        "Log of who opened or downloaded documents",
        72,
        "delete",
        "Six years, with the audit log.",
    ),
    ("notifications.notifications", "Notifications in the portal", 12, "delete", ""),
    ("notifications.reminders", "Reminders sent (the reminder ledger)", 12, "delete", ""),
    (
        "accounts.inactive_accounts",
        "Accounts of people who have left",
        24,
        "anonymise",
        "Two years after the account was deactivated and last used.",
    ),
    (
        "audit.audit_log",
        "Audit log and sign-in history",
        72,
        "delete",
        "Six years, for security investigations.",
    ),
]


def seed(apps, schema_editor):
    RetentionRule = apps.get_model("records", "RetentionRule")
    for key, label, months, action, notes in DEFAULTS:
        RetentionRule.objects.get_or_create(
            record_type=key,
            defaults={"label": label, "period_months": months, "action": action, "notes": notes},
        )


def unseed(apps, schema_editor):
    RetentionRule = apps.get_model("records", "RetentionRule")
    RetentionRule.objects.filter(record_type__in=[d[0] for d in DEFAULTS]).delete()


class Migration(migrations.Migration):
    dependencies = [("records", "0001_retention_schedule")]

    operations = [migrations.RunPython(seed, unseed)]
