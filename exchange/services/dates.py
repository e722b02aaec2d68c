"""Date arithmetic for exchanges: months, and a proposed period against an opportunity."""

import calendar
import datetime

from django.core.exceptions import ValidationError

from portal import bounds

from ..models import Opportunity


def add_months(day: datetime.date, months: int) -> datetime.date:
    """The same day ``months`` later (or earlier), clamped to the end of a shorter month."""
    month_index = day.month - 1 + months
    year, month = day.year + month_index // 12, month_index % 12 + 1
    return datetime.date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def validate_period(
    *,
    start: datetime.date | None,
    end: datetime.date | None,
    opportunity: Opportunity | None = None,
) -> None:
    """End after start and, for an advertised opportunity, within its duration range and
    no earlier than its earliest start. Errors name the field they belong to."""
    bounds.check_entered_dates(proposed_start=start, proposed_end=end)
    if start is None or end is None:
        return
    if end <= start:
        raise ValidationError({"proposed_end": "The end date must be after the start date."})
    if opportunity is None:
        return
    if start < opportunity.earliest_start:
        raise ValidationError(
            {
                "proposed_start": "The start date must be on or after "
                f"{opportunity.earliest_start:%-d %B %Y}, the earliest start for this "
                "opportunity."
            }
        )
    shortest = add_months(start, opportunity.min_duration_months)
    longest = add_months(start, opportunity.max_duration_months)
    if not shortest <= end <= longest:
        raise ValidationError(
            {
                "proposed_end": f"This opportunity lasts {opportunity.duration_text}: "
                f"with that start the end date must be between {shortest:%-d %B %Y} and "
                f"{longest:%-d %B %Y}."
            }
        )
