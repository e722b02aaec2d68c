"""Other apps' dates in the personal calendar feed.

The feed (``views/calendar.py``) shows the person's milestones and, after them, the
events of every registered source: exchange adds secondment start and end dates and the
checklist items the person owns, handover the dates by which the person must
acknowledge a handover. Programmes never imports those apps; each registers a source
from its ``AppConfig.ready()``.

A source answers two questions for a person and a window of dates, each in one query
that starts from its app's access rules: its events (``events``), and a short string
that changes whenever those events would (``version``, part of the feed's ETag).
"""

import datetime
from collections.abc import Callable, Iterable
from dataclasses import dataclass


@dataclass(frozen=True)
class CalendarEvent:
    uid: str  # stable, e.g. "secondment-12-start"; the feed adds its domain
    summary: str  # a title only: the feed never carries descriptions
    date: datetime.date
    stamp: datetime.datetime  # when the record last changed
    path: str  # the record's page; the feed makes it absolute


@dataclass(frozen=True)
class CalendarSource:
    name: str
    events: Callable[..., Iterable[CalendarEvent]]  # (*, user, start, end)
    version: Callable[..., str]  # (*, user, start, end)


_SOURCES: dict[str, CalendarSource] = {}


def register(source: CalendarSource) -> None:
    if _SOURCES.get(source.name, source) != source:
        raise ValueError(f"Calendar source {source.name!r} is already registered.")
    _SOURCES[source.name] = source


def sources() -> list[CalendarSource]:
    return [_SOURCES[name] for name in sorted(_SOURCES)]


def aggregate_version(row: dict) -> str:
    """A version string from an aggregate row (count, sum of ids, latest change...)."""
    return "|".join(
        str(value.timestamp() if isinstance(value, datetime.datetime) else value)
        for value in row.values()
    )
