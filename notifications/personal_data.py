"""Notifications' part of a person's data download (records.subject_access)."""

from records import subject_access as sar

from .models import Notification, Preference


def notification_rows(user):
    for n in Notification.objects.filter(recipient=user).order_by("created_at", "pk").iterator():
        yield {
            "kind": n.kind,
            "subject": n.subject,
            "body": n.body,
            "sent_at": n.created_at,
            "read_at": n.read_at,
        }


def preference_rows(user):
    for p in Preference.objects.filter(user=user).order_by("kind"):
        yield {"kind": p.kind, "delivery": p.delivery, "updated_at": p.updated_at}


def register_sections() -> None:
    sar.register(
        sar.Section("notifications", "Notifications sent to you", notification_rows), order=50
    )
    sar.register(
        sar.Section("notification-preferences", "What reaches you and when", preference_rows),
        order=51,
    )
