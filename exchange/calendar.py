"""Exchange dates in the personal calendar feed (registered in ``apps.py``): the start
and end of the secondments the person is a party to, and the due dates of the open
checklist items they own. Both start from the access rules."""

from django.db.models import Count, Max, Q, Sum
from django.urls import reverse

from programmes.calendar_sources import CalendarEvent, CalendarSource, aggregate_version

from . import access
from .models import ChecklistItem, Secondment

LIVE = [
    Secondment.Status.PLANNING,
    Secondment.Status.READY,
    Secondment.Status.ACTIVE,
    Secondment.Status.COMPLETED,
    Secondment.Status.ENDED_EARLY,
]


def _secondments(*, user, start, end):
    party = Q(secondee=user) | Q(home_manager=user) | Q(host_supervisor=user)
    dated = Q(start_date__range=(start, end)) | Q(end_date__range=(start, end))
    return access.secondments_visible_to(user).filter(party, dated, status__in=LIVE)


def _items(*, user, start, end):
    return (
        access.checklist_items_visible_to(user)
        .filter(owner=user, due_date__range=(start, end))
        .exclude(status__in=ChecklistItem.CLOSED)
    )


def secondment_events(*, user, start, end):
    rows = _secondments(user=user, start=start, end=end).values_list(
        "pk", "title", "start_date", "end_date", "status_changed_at"
    )
    for pk, title, starts, ends, updated in rows.order_by("start_date", "pk"):
        path = reverse("exchange:secondment_detail", args=[pk])
        if start <= starts <= end:
            yield CalendarEvent(f"secondment-{pk}-start", f"Secondment starts: {title}",
                                starts, updated, path)  # fmt: skip
        if start <= ends <= end:
            yield CalendarEvent(f"secondment-{pk}-end", f"Secondment ends: {title}",
                                ends, updated, path)  # fmt: skip


def checklist_events(*, user, start, end):
    rows = _items(user=user, start=start, end=end).values_list(
        "pk", "title", "due_date", "updated_at", "secondment_id", "secondment__title"
    )
    for pk, title, due, updated, secondment_pk, secondment in rows.order_by("due_date", "pk"):
        yield CalendarEvent(
            f"checklist-item-{pk}",
            f"Checklist due: {title} ({secondment})",
            due,
            updated,
            reverse("exchange:secondment_detail", args=[secondment_pk]),
        )


def _items_version(*, user, start, end) -> str:
    rows = _items(user=user, start=start, end=end).order_by()
    return aggregate_version(rows.aggregate(n=Count("pk"), ids=Sum("pk"), latest=Max("updated_at")))


def _secondments_version(*, user, start, end) -> str:
    """Secondments keep no ``updated_at``: a status change stamps ``status_changed_at``
    and a move of dates adds a date change."""
    rows = _secondments(user=user, start=start, end=end).order_by()
    return aggregate_version(
        rows.aggregate(
            n=Count("pk", distinct=True),
            ids=Sum("pk", distinct=True),
            status=Max("status_changed_at"),
            moved=Max("date_changes__pk"),
        )
    )


SOURCES = [
    CalendarSource(
        "exchange.secondments",
        secondment_events,
        _secondments_version,
    ),
    CalendarSource(
        "exchange.checklist_items",
        checklist_events,
        _items_version,
    ),
]
