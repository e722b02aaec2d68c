"""Working days and local time for digests: each person's weekend and public holidays."""

import datetime
from functools import lru_cache

import holidays

from accounts.clock import local_now

DIGEST_HOUR = 8

# Institute.country is ISO 3166-1 alpha-3; the holidays package is keyed by alpha-2.
# Without a subdivision, UK staff follow England and Wales and AU staff the ACT.
COUNTRIES = {"GBR": ("GB", "ENG"), "AUS": ("AU", "ACT")}


@lru_cache(maxsize=64)
def _calendar(country: str, subdivision: str, year: int):
    alpha2, default_subdivision = COUNTRIES.get(country, (country, ""))
    try:
        return holidays.country_holidays(
            alpha2, subdiv=subdivision or default_subdivision or None, years=year
        )
    except (NotImplementedError, KeyError):
        return None


def holiday_name(user, day: datetime.date) -> str:
    """The public holiday ``day`` is for ``user`` (by their institute), or ''."""
    institute = user.institute if user.institute_id else None
    if institute is None:
        return ""
    calendar = _calendar(institute.country, institute.subdivision, day.year)
    return (calendar.get(day) or "") if calendar is not None else ""


def is_working_day(user, day: datetime.date) -> bool:
    institute = user.institute if user.institute_id else None
    weekend = {5, 6}
    if institute is not None:
        calendar = _calendar(institute.country, institute.subdivision, day.year)
        if calendar is not None:
            weekend = set(calendar.weekend)
    if day.weekday() in weekend:
        return False
    return not holiday_name(user, day)


def digest_due_today(user, now: datetime.datetime) -> datetime.date | None:
    """The local date whose digest may go now: past 08:00 local on a working day."""
    local = local_now(user, now)
    if local.hour < DIGEST_HOUR:
        return None
    if not is_working_day(user, local.date()):
        return None
    return local.date()
