"""A person's clock: "now" and "today" where they are.

Times are stored in UTC. Anything that concerns one person (their today, a date they
enter, when their digest is due) is read in their own time zone: their own setting, else
their institute's, else UTC.
"""

import datetime
import zoneinfo

from django.utils import timezone


def zone_for(user) -> datetime.tzinfo:
    name = user.effective_time_zone if user.is_authenticated else "UTC"
    try:
        return zoneinfo.ZoneInfo(name)
    except (zoneinfo.ZoneInfoNotFoundError, ValueError):
        return datetime.UTC


def local_now(user, now: datetime.datetime | None = None) -> datetime.datetime:
    """``now`` (the current time by default) on the person's clock."""
    return (now or timezone.now()).astimezone(zone_for(user))


def today_for(user) -> datetime.date:
    """Today's date where the person is."""
    return local_now(user).date()
