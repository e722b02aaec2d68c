"""Display helpers for programme pages (tags and their colours come from ``govuk``)."""

import datetime

from django import template

register = template.Library()


@register.filter
def days(value) -> int:
    """A slippage (a timedelta, or None) as whole days."""
    if isinstance(value, datetime.timedelta):
        return value.days
    return int(value or 0)
