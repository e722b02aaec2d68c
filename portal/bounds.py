"""The bounds of what a person may enter: dates and the length of free text.

Decided once, here, and applied in three places: forms (a clear message next to the
field), services (the same check, for callers that are not a form) and the database
(check constraints, so that nothing outside them is ever stored).

Dates a person enters are on or after 1 January 2000 and no more than ``YEARS_AHEAD``
years after today (expiry dates, such as a clearance's or a visa's, up to
``EXPIRY_YEARS_AHEAD``). The database holds the fixed outer bounds
``EARLIEST_DATE``..``STORED_LATEST_DATE``: a check constraint cannot know today, and the
fixed bound is what keeps date arithmetic (a calendar's end, a reminder's due date) far
from the end of the calendar.
"""

import datetime

from django.core.exceptions import ValidationError
from django.db import models
from django.utils import timezone

EARLIEST_DATE = datetime.date(2000, 1, 1)
YEARS_AHEAD = 10
EXPIRY_YEARS_AHEAD = 20
STORED_LATEST_DATE = datetime.date(2099, 12, 31)

# Free text: a reason or a short note; a note or message; a statement or a description.
REASON_MAX_LENGTH = 2000
NOTE_MAX_LENGTH = 5000
STATEMENT_MAX_LENGTH = 10_000

# Whole numbers a person enters as a count of days (an offset from a date).
MAX_OFFSET_DAYS = 3650


def _years_after(day: datetime.date, years: int) -> datetime.date:
    try:
        return day.replace(year=day.year + years)
    except ValueError:  # 29 February
        return day.replace(year=day.year + years, day=28)


def latest_date(*, years: int = YEARS_AHEAD, today: datetime.date | None = None) -> datetime.date:
    """The latest date a person may enter today: ``years`` ahead, within the stored bound."""
    today = today or timezone.now().date()
    return min(_years_after(today, years), STORED_LATEST_DATE)


def _check(value, years: int) -> None:
    if value is None:
        return
    if isinstance(value, datetime.datetime):
        value = value.date()
    if value < EARLIEST_DATE:
        raise ValidationError(
            f"Enter a date on or after {EARLIEST_DATE:%-d %B %Y}.", code="date_too_early"
        )
    latest = latest_date(years=years)
    if value > latest:
        raise ValidationError(
            f"Enter a date on or before {latest:%-d %B %Y} ({years} years from today).",
            code="date_too_late",
        )


def validate_entered_date(value) -> None:
    """A date a person enters: from 1 January 2000 to ``YEARS_AHEAD`` years from today."""
    _check(value, YEARS_AHEAD)


def validate_expiry_date(value) -> None:
    """An expiry date (a clearance's, a visa's): up to ``EXPIRY_YEARS_AHEAD`` years ahead."""
    _check(value, EXPIRY_YEARS_AHEAD)


def date_errors(expiry: tuple[str, ...] = (), **dates) -> dict[str, str]:
    """For services that gather errors: the message for each date given by name that is
    outside its bounds (names in ``expiry`` are expiry dates)."""
    errors: dict[str, str] = {}
    for field, value in dates.items():
        try:
            _check(value, EXPIRY_YEARS_AHEAD if field in expiry else YEARS_AHEAD)
        except ValidationError as exc:
            errors[field] = exc.messages[0]
    return errors


def check_entered_dates(expiry: tuple[str, ...] = (), **dates) -> None:
    """For services: every date given by name within its bounds, else one
    ``ValidationError`` naming each field that is not."""
    if errors := date_errors(expiry, **dates):
        raise ValidationError(errors)


def dates_stored_within_bounds(*fields: str, name: str) -> models.CheckConstraint:
    """A check constraint: each of ``fields`` is empty or within the stored bounds."""
    condition = models.Q()
    for field in fields:
        within = models.Q(**{f"{field}__gte": EARLIEST_DATE, f"{field}__lte": STORED_LATEST_DATE})
        condition &= within | models.Q(**{f"{field}__isnull": True})
    return models.CheckConstraint(
        condition=condition,
        name=name,
        violation_error_message="A date is outside the range the portal accepts.",
    )
