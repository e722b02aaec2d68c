"""Small display helpers for programme pages: tag colours and slippage in days."""

import datetime

from django import template

register = template.Library()

RAG_CLASSES = {"red": "govuk-tag--red", "amber": "govuk-tag--orange", "green": "govuk-tag--green"}
STATUS_CLASSES = {
    "planned": "govuk-tag--grey",
    "in_progress": "govuk-tag--blue",
    "done": "govuk-tag--green",
    "missed": "govuk-tag--red",
    "cancelled": "govuk-tag--grey",
    "proposed": "govuk-tag--grey",
    "active": "govuk-tag--blue",
    "paused": "govuk-tag--yellow",
    "completed": "govuk-tag--green",
}


@register.filter
def rag_class(value: str) -> str:
    return RAG_CLASSES.get(value or "", "govuk-tag--grey")


@register.filter
def status_class(value: str) -> str:
    return STATUS_CLASSES.get(value or "", "govuk-tag--grey")


@register.filter
def days(value) -> int:
    """A slippage (a timedelta, or None) as whole days."""
    if isinstance(value, datetime.timedelta):
        return value.days
    return int(value or 0)


@register.inclusion_tag("programmes/_rag.html")
def rag_tag(value: str):
    return {"rag": value or "green"}
