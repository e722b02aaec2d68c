"""Working days: each institute's weekend and public holidays. The one definition of a
working day, for digests (08:00 on the person's working days) and for rules that count
working days (an application waiting 5 working days for a decision)."""

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


def _institute_of(user):
    return user.institute if user.institute_id else None


def holiday_name(user, day: datetime.date) -> str:
    """The public holiday ``day`` is for ``user`` (by their institute), or ''."""
    return _holiday_at(_institute_of(user), day)


def _holiday_at(institute, day: datetime.date) -> str:
    if institute is None:
        return ""
    calendar = _calendar(institute.country, institute.subdivision, day.year)
    return (calendar.get(day) or "") if calendar is not None else ""


def is_working_day_at(institute, day: datetime.date) -> bool:
    """Not a weekend day nor a public holiday where ``institute`` is (Monday to Friday for
    no institute, or a country the holidays package does not know)."""
    weekend = {5, 6}
    if institute is not None:
        calendar = _calendar(institute.country, institute.subdivision, day.year)
        if calendar is not None:
            weekend = set(calendar.weekend)
    if day.weekday() in weekend:
        return False
    return not _holiday_at(institute, day)


def is_working_day(user, day: datetime.date) -> bool:
    return is_working_day_at(_institute_of(user), day)


def working_days_before(now: datetime.datetime, days: int, *, institute=None) -> datetime.datetime:
    """The latest instant from which ``days`` whole working days at ``institute`` have
    passed (by the dates of ``now``'s time zone)."""
    moment = now
    if not is_working_day_at(institute, moment.date()):
        # On a day off no working time passes: count from the end of the last working day.
        day = moment.date() - datetime.timedelta(days=1)
        while not is_working_day_at(institute, day):
            day -= datetime.timedelta(days=1)
        moment = datetime.datetime.combine(day, datetime.time.max, tzinfo=moment.tzinfo)
    counted = 0
    while counted < days:
        moment -= datetime.timedelta(days=1)
        if is_working_day_at(institute, moment.date()):
            counted += 1
    return moment


def digest_due_today(user, now: datetime.datetime) -> datetime.date | None:
    """The local date whose digest may go now: past 08:00 local on a working day."""
    local = local_now(user, now)
    if local.hour < DIGEST_HOUR:
        return None
    if not is_working_day(user, local.date()):
        return None
    return local.date()
