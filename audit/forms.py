import datetime

from django import forms
from django.contrib.admin.widgets import AdminDateWidget

from accounts.clock import today_for

# The log starts with the portal; a range longer than a year is two exports.
EARLIEST = datetime.date(2020, 1, 1)
LONGEST_RANGE_DAYS = 366


class DateInput(AdminDateWidget):
    """The admin's own date box (this form is an admin page): ISO dates, with the admin's
    Today and calendar shortcuts; never the browser's date picker."""

    def __init__(self, attrs=None):
        super().__init__(attrs, format="%Y-%m-%d")


class AuditExportForm(forms.Form):
    LOG, HISTORY = "log", "history"
    what = forms.ChoiceField(
        label="What to export",
        choices=[
            (
                LOG,
                "The audit log: sign-ins, changes to people and roles, admin actions, "
                "file downloads and custody events",
            ),
            (HISTORY, "The change history of records: every version of each record"),
        ],
        initial=LOG,
        widget=forms.RadioSelect,
    )
    start = forms.DateField(label="From", widget=DateInput, help_text="For example, 2026-04-01.")
    end = forms.DateField(
        label="To (inclusive)", widget=DateInput, help_text="At most a year after the start."
    )

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user

    def clean(self):
        cleaned = super().clean()
        start, end = cleaned.get("start"), cleaned.get("end")
        today = today_for(self.user)
        if start and start < EARLIEST:
            self.add_error("start", f"Enter a date from {EARLIEST:%-d %B %Y}.")
        if end and end > today:
            self.add_error("end", "Enter a date no later than today.")
        if start and end and end < start:
            self.add_error("end", "The end must be on or after the start.")
        elif start and end and (end - start).days >= LONGEST_RANGE_DAYS:
            self.add_error("end", "Export at most a year at a time.")
        return cleaned
