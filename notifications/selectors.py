"""Reads for notifications: a person sees only their own notices and reminders."""

from django.db.models import QuerySet
from django.urls import reverse

from accounts.models import User

from . import access
from .kinds import KINDS, Delivery
from .models import Notification, Preference


def notification_list_for(user: User) -> QuerySet[Notification]:
    return access.notifications_visible_to(user).order_by("-created_at", "-pk")


def notification_unread_count(user: User) -> int:
    if not user.is_authenticated:
        return 0
    return access.notifications_visible_to(user).filter(read_at__isnull=True).count()


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
    """A pointer to unread notifications on the home page, in one query.

    The notices themselves are not repeated: each app's own "My work" section already
    lists what waits on the person, and the same item twice would be noise.
    """
    if not user.is_authenticated:
        return []
    unread = notification_unread_count(user)
    items = []
    if unread:
        items.append(
            {
                "title": f"You have {unread} unread notification{'s' if unread != 1 else ''}",
                "url": reverse("notifications:list"),
                "detail": "Reminders and news of what concerns you.",
            }
        )
    return [
        {"title": "Notifications", "items": items, "empty": "You have no unread notifications."}
    ]
