"""Entering a date in a GOV.UK date input, as a person does: the Day, Month and Year boxes
within the group (fieldset) that the date's label names."""

import datetime


def fill_date(page, label: str, day: datetime.date | tuple[str, str, str]) -> None:
    """Fill the date input labelled ``label`` with ``day`` (or the three texts given)."""
    parts = (str(day.day), str(day.month), str(day.year)) if hasattr(day, "year") else day
    group = page.get_by_role("group", name=label, exact=True)
    for box, text in zip(("Day", "Month", "Year"), parts, strict=True):
        group.get_by_label(box, exact=True).fill(text)
