"""Expressions that rules use to put a due date into a window, inside the database.

Every bound is a constant computed once per scan (today, today + 7 days...), so the filter
is a plain range on an indexed date column and the window is a ``CASE`` over it.
"""

import datetime

from django.db.models import Case, CharField, DateTimeField, F, Func, IntegerField, Q, Value, When
from django.db.models.functions import Cast, Concat


class DaysSince(Func):
    """Whole days from a date column to a fixed date (``day - column``), as an integer."""

    output_field = IntegerField()

    def __init__(self, expression, day: datetime.date):
        super().__init__(expression)
        self.day = day

    def as_sql(self, compiler, connection, **extra):
        sql, params = compiler.compile(self.source_expressions[0])
        return f"(CAST(%s AS date) - {sql})", [self.day, *params]

    def as_sqlite(self, compiler, connection, **extra):
        sql, params = compiler.compile(self.source_expressions[0])
        return f"CAST(julianday(%s) - julianday({sql}) AS INTEGER)", [self.day.isoformat(), *params]


def midnight(day: datetime.date) -> datetime.datetime:
    return datetime.datetime.combine(day, datetime.time(0), tzinfo=datetime.UTC)


def _dated(key, field: str):
    """``key:date``: a new date (the due date moved) starts a new series of reminders."""
    return Concat(
        key, Value(":"), Cast(F(field), output_field=CharField()), output_field=CharField()
    )


def before(field: str, today: datetime.date, days: tuple[int, ...]) -> tuple[Q, Concat]:
    """Reminders ``days`` before a date: the filter and the window key.

    With days (14, 7, 1): due in 8–14 days is window ``d14``, 2–7 days ``d7``, today or
    tomorrow ``d1`` (each followed by ``:`` and the date). A date first seen inside a later
    window gets only that window's reminder, never the ones it has already passed.
    """
    days = tuple(sorted(days, reverse=True))
    bounds = [*days[1:], -1]
    whens = []
    for d, lower in zip(days, bounds, strict=True):
        condition = Q(**{f"{field}__lte": today + datetime.timedelta(days=d)}) & Q(
            **{f"{field}__gt": today + datetime.timedelta(days=lower)}
        )
        whens.append(When(condition, then=Value(f"d{d}")))
    q = Q(**{f"{field}__gte": today}) & Q(
        **{f"{field}__lte": today + datetime.timedelta(days=days[0])}
    )
    return q, _dated(Case(*whens, output_field=CharField()), field)


def found_at(now: datetime.datetime) -> Value:
    """The due time the ledger records: when the scan first found the reminder due."""
    return Value(now, output_field=DateTimeField())


def weekly_after(field: str, today: datetime.date, prefix: str, first: int = 1):
    """Once ``first`` days after a date, then weekly: ``<prefix>-w0``, ``-w1``... (and date).

    Returns the filter and the window key.
    """
    q = Q(**{f"{field}__lte": today - datetime.timedelta(days=first)})
    week = Cast((DaysSince(F(field), today) - first) / 7, output_field=CharField())
    return q, _dated(Concat(Value(f"{prefix}-w"), week, output_field=CharField()), field)


def once_after(field: str, today: datetime.date, key: str, first: int = 1):
    """Once, ``first`` days after a date (and not again for that date)."""
    q = Q(**{f"{field}__lte": today - datetime.timedelta(days=first)})
    return q, _dated(Value(key), field)


def once_within(field: str, today: datetime.date, days: int, key: str):
    """Once, when a date comes within ``days`` days (today included)."""
    q = Q(**{f"{field}__gte": today}) & Q(
        **{f"{field}__lte": today + datetime.timedelta(days=days)}
    )
    return q, _dated(Value(key), field)


def window_label(window: str) -> str:
    """The window without its date: ``d7`` from ``d7:2026-12-31``."""
    return window.split(":", 1)[0]


def relative_day(day: datetime.date, today: datetime.date) -> str:
    """``day`` seen from ``today`` (the recipient's today): "today", "tomorrow", "in 3 days",
    "yesterday", "3 days ago"."""
    days = (day - today).days
    if days == 0:
        return "today"
    if days == 1:
        return "tomorrow"
    if days == -1:
        return "yesterday"
    return f"in {days} days" if days > 0 else f"{-days} days ago"
