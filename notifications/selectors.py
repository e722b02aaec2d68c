"""Reads for notifications: a person sees only their own notices and reminders."""

from django.db.models import QuerySet

from accounts.models import User

from .kinds import KINDS, Delivery
from .models import Notification, Preference


def notification_list_for(user: User) -> QuerySet[Notification]:
    if not user.is_authenticated:
        return Notification.objects.none()
    return Notification.objects.filter(recipient=user).order_by("-created_at", "-pk")


def notification_unread_count(user: User) -> int:
    if not user.is_authenticated:
        return 0
    return Notification.objects.filter(recipient=user, read_at__isnull=True).count()


def preference_choices_for(user: User) -> dict[str, str]:
    """Every kind's delivery choice for ``user``, with defaults where they chose nothing."""
    stored = dict(Preference.objects.filter(user=user).values_list("kind", "delivery"))
    choices = {}
    for key, kind in KINDS.items():
        chosen = stored.get(key, kind.default)
        if kind.mandatory and chosen == Delivery.OFF:
            chosen = kind.default
        choices[key] = chosen
    return choices


def my_work_sections(user: User) -> list[dict]:
    """Unread notifications on the home page: the five newest, in one query."""
    if not user.is_authenticated:
        return []
    latest = list(notification_list_for(user).filter(read_at__isnull=True)[:5])
    return [
        {
            "title": "Unread notifications",
            "items": [
                {
                    "title": n.subject,
                    "url": n.get_absolute_url(),
                    "detail": f"{n.kind_label} · {n.created_at:%d %b %Y}",
                }
                for n in latest
            ],
            "empty": "You have no unread notifications.",
        }
    ]
