"""Notifications under the retention schedule (records app, docs/records.md): in-app
notifications and the reminder ledger."""

import datetime

from records import registry
from records.registry import Action

from ..models import Digest, Notification, Reminder

FINISHED = (Reminder.Status.SENT, Reminder.Status.FAILED, Reminder.Status.SKIPPED)


def notifications(cutoff: datetime.datetime):
    return Notification.objects.filter(created_at__lt=cutoff)


def notifications_delete(ids, now) -> list[str]:
    Notification.objects.filter(pk__in=ids).delete()
    return []


def reminders(cutoff: datetime.datetime):
    """Finished ledger rows whose moment was long ago (rules yield only what is due now,
    so an old window is never due again)."""
    return Reminder.objects.filter(status__in=FINISHED, due_at__lt=cutoff, created__lt=cutoff)


def reminders_delete(ids, now) -> list[str]:
    rows = Reminder.objects.filter(pk__in=ids)
    digest_ids = set(rows.exclude(digest=None).values_list("digest_id", flat=True))
    rows.delete()
    # A digest goes with the last of its reminders.
    Digest.objects.filter(pk__in=digest_ids, reminders__isnull=True).delete()
    return []


NOTIFICATIONS = registry.RecordType(
    key="notifications.notifications",
    label="Notifications in the portal",
    clock="after the notification was sent",
    default_months=12,
    action=Action.DELETE,
    candidates=notifications,
    apply=notifications_delete,
    institute_lookups=("recipient__institute",),
    why="Shown to you in the portal; a year is enough to look back on.",
)

REMINDERS = registry.RecordType(
    key="notifications.reminders",
    label="Reminders sent (the reminder ledger)",
    clock="after the reminder was due",
    default_months=12,
    action=Action.DELETE,
    candidates=reminders,
    apply=reminders_delete,
    institute_lookups=("recipient__institute",),
    why='Kept so that the same reminder is never sent twice, and to answer "was I told?".',
)


def register_all() -> None:
    registry.register(NOTIFICATIONS, order=60)
    registry.register(REMINDERS, order=70)
