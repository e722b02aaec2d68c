"""Handover dates in the personal calendar feed (registered in ``apps.py``): the date by
which the person must acknowledge each handover sent to them and not yet acknowledged.
Starts from the access rules."""

from django.db.models import Count, Max, Sum
from django.urls import reverse

from programmes.calendar_sources import CalendarEvent, CalendarSource, aggregate_version

from . import access
from .models import HandoverStatus


def _awaiting(*, user, start, end):
    return access.handovers_visible_to(user).filter(
        recipients=user, status=HandoverStatus.SENT, acknowledge_by__range=(start, end)
    )


def acknowledge_events(*, user, start, end):
    rows = _awaiting(user=user, start=start, end=end).values_list(
        "pk", "reference", "acknowledge_by", "sent_at"
    )
    for pk, reference, due, sent in rows.order_by("acknowledge_by", "pk"):
        yield CalendarEvent(
            f"handover-{pk}-acknowledge",
            f"Acknowledge handover {reference}",
            due,
            sent,
            reverse("handover:handover_detail", args=[reference]),
        )


def acknowledge_version(*, user, start, end) -> str:
    rows = _awaiting(user=user, start=start, end=end).order_by()
    return aggregate_version(
        rows.aggregate(n=Count("pk"), ids=Sum("pk"), due=Max("acknowledge_by"))
    )


SOURCES = [CalendarSource("handover.acknowledge_by", acknowledge_events, acknowledge_version)]
