"""The personal calendar feed's secret token."""

import secrets

from django.db import transaction
from django.utils import timezone

from accounts.models import User

from ..models import CalendarFeed


def _new_token() -> str:
    return secrets.token_urlsafe(32)


@transaction.atomic
def calendar_feed_reset(*, user: User) -> CalendarFeed:
    """Give the person a new secret calendar token; the old address stops at once."""
    feed, created = CalendarFeed.objects.select_for_update().get_or_create(
        user=user, defaults={"token": _new_token()}
    )
    if not created:
        feed.token = _new_token()
        feed.created_at = timezone.now()
        feed.save(update_fields=["token", "created_at"])
    feed.replaced = not created  # whether an old address stopped working
    return feed
