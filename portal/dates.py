"""The GOV.UK date input: every date a person enters on the portal's pages.

Three text boxes, Day, Month and Year (``<name>_day``, ``<name>_month``, ``<name>_year``),
in a fieldset whose legend is the field's label, with GOV.UK's error messages:

- nothing entered (and the date is needed): "Enter <label>";
- a part missing: "<Label> must include a day" (or "a month", "a year", "a day and month"…);
- a year of other than four digits: "Year must include 4 numbers";
- anything else that is not a date (letters, 31 February): "<Label> must be a real date";
- then the field's own validators (the bounds of ``portal.bounds``) with their messages.

Only the boxes in error are highlighted: each message carries the parts it is about.

The field also takes one ISO 8601 value (``YYYY-MM-DD``) under the plain name, as the API,
scripts and tests send it; never the browser's or the US order.
"""

import datetime
import re

import django_filters
from django import forms
from django.core.exceptions import ValidationError

PARTS = ("day", "month", "year")
ISO_DATE = re.compile(r"(\d{4})-(\d{1,2})-(\d{1,2})")
DIGITS = re.compile(r"[0-9]{1,4}")
MONTH_NAMES = {
    datetime.date(2000, number, 1).strftime(fmt).lower(): number
    for number in range(1, 13)
    for fmt in ("%B", "%b")
}
DEFAULT_HINT = "For example, 27 3 2027"


class GovukDateInput(forms.MultiWidget):
    """Day, Month and Year boxes (numeric keyboards; 2, 2 and 4 characters wide)."""

    template_name = "portal/govuk/date_input.html"
    WIDTHS = {"day": 2, "month": 2, "year": 4}

    def __init__(self, attrs=None):
        widgets = {
            part: forms.TextInput(attrs={"inputmode": "numeric", "data-part": part})
            for part in PARTS
        }
        super().__init__(widgets, attrs)

    def decompress(self, value):
        if isinstance(value, datetime.datetime):
            value = value.date()
        if isinstance(value, datetime.date):
            return [str(value.day), str(value.month), str(value.year)]
        if isinstance(value, str) and (match := ISO_DATE.fullmatch(value.strip())):
            year, month, day = match.groups()
            return [str(int(day)), str(int(month)), year]
        return [None, None, None]

    def value_from_datadict(self, data, files, name):
        """The three parts as posted, or a single ISO value under the plain name."""
        if any(f"{name}_{part}" in data for part in PARTS):
            return [data.get(f"{name}_{part}") for part in PARTS]
        return data.get(name)

    def value_omitted_from_data(self, data, files, name):
        return name not in data and all(f"{name}_{part}" not in data for part in PARTS)

    def get_context(self, name, value, attrs):
        attrs = dict(attrs or {})
        error_parts = set(attrs.pop("error_parts", ()) or ())
        # The fieldset is described by the hint and the error, not each box.
        attrs.pop("aria-describedby", None)
        attrs.pop("class", None)
        attrs.pop("aria-invalid", None)
        context = super().get_context(name, value, attrs)
        context["widget"]["wrapper_id"] = attrs.get("id") or ""
        for part, sub in zip(PARTS, context["widget"]["subwidgets"], strict=True):
            classes = ["govuk-input", "govuk-date-input__input"]
            classes.append(f"govuk-input--width-{self.WIDTHS[part]}")
            sub["attrs"].pop("aria-invalid", None)
            if part in error_parts:
                classes.append("govuk-input--error")
                sub["attrs"]["aria-invalid"] = "true"
            sub["attrs"]["class"] = " ".join(classes)
            # GOV.UK's ids (``id_start_day``), and no browser check: the messages are ours.
            if context["widget"]["attrs"].get("id"):
                sub["attrs"]["id"] = f"{context['widget']['attrs']['id']}_{part}"
            sub["attrs"].pop("required", None)
            sub["attrs"].pop("data-part", None)
            sub["label"] = part.capitalize()
        return context

    def id_for_label(self, id_):
        return f"{id_}_day" if id_ else id_


def _error(message: str, code: str, parts) -> ValidationError:
    # The message is formatted with its params: a "%" from a label stays a "%".
    return ValidationError(message.replace("%", "%%"), code=code, params={"parts": tuple(parts)})


def error_parts(errors) -> set[str]:
    """The boxes that the field's errors are about (all three when a message does not say)."""
    parts: set[str] = set()
    for error in errors:
        named = (getattr(error, "params", None) or {}).get("parts")
        parts.update(named or PARTS)
    return parts


class GovukDateField(forms.DateField):
    """A date entered as day, month and year, with GOV.UK's error messages."""

    widget = GovukDateInput

    def __init__(self, *, hint: str | None = DEFAULT_HINT, error_name: str = "", **kwargs):
        # The hint shows the order of the boxes, after the field's own help if it has one.
        kwargs["help_text"] = " ".join(
            str(text) for text in (kwargs.get("help_text"), hint) if text
        )
        kwargs.pop("input_formats", None)
        # What the messages call the date, when the label is a question or a phrase
        # ("Enter the acknowledge-by date"); the label otherwise.
        self.error_name = error_name
        super().__init__(**kwargs)

    # --- messages -----------------------------------------------------------------------

    @property
    def _name(self) -> str:
        return str(self.error_name or self.label or "Date")

    def _named(self) -> str:
        name = self._name
        # "Enter start date" (the label in lower case, but not an acronym such as "CoS").
        return name if name[:2].isupper() else name[:1].lower() + name[1:]

    def _real_date(self, parts=PARTS) -> ValidationError:
        return _error(f"{self._name} must be a real date", "invalid", parts)

    # --- parsing ------------------------------------------------------------------------

    def to_python(self, value):
        if value in self.empty_values:
            return None
        if isinstance(value, datetime.datetime):
            return value.date()
        if isinstance(value, datetime.date):
            return value
        if isinstance(value, list | tuple):
            return self._from_parts(value)
        value = str(value).strip()
        if not value:
            return None
        match = ISO_DATE.fullmatch(value)
        if not match:
            raise self._real_date()
        year, month, day = (int(group) for group in match.groups())
        try:
            return datetime.date(year, month, day)
        except ValueError:
            raise self._real_date() from None

    def _from_parts(self, values):
        values = list(values) + [None] * (3 - len(values))
        entered = {
            part: ("" if value is None else str(value)).strip()
            for part, value in zip(PARTS, values[:3], strict=True)
        }
        missing = [part for part in PARTS if not entered[part]]
        if len(missing) == 3:
            return None
        if missing:
            which = " and ".join(missing) if len(missing) == 2 else missing[0]
            raise _error(
                f"{self._name} must include a {which}", f"missing_{'_'.join(missing)}", missing
            )
        day_text, month_text, year_text = (entered[part] for part in PARTS)
        if not DIGITS.fullmatch(day_text):
            raise self._real_date(["day"])
        if DIGITS.fullmatch(month_text):
            month = int(month_text)
        elif month_text.lower() in MONTH_NAMES:
            month = MONTH_NAMES[month_text.lower()]
        else:
            raise self._real_date(["month"])
        if not re.fullmatch(r"[0-9]+", year_text) or len(year_text) != 4:
            raise _error("Year must include 4 numbers", "year_length", ["year"])
        day, year = int(day_text), int(year_text)
        if not 1 <= month <= 12:
            raise self._real_date(["month"])
        try:
            return datetime.date(year, month, day)
        except ValueError:
            raise self._real_date(["day"] if 1 <= day <= 31 and year >= 1 else PARTS) from None

    def validate(self, value):
        if value in self.empty_values and self.required:
            raise _error(f"Enter {self._named()}", "required", PARTS)

    def has_changed(self, initial, data):
        if self.disabled:
            return False
        try:
            data = self.to_python(data)
            initial = self.to_python(initial)
        except ValidationError:
            return True
        return initial != data


class GovukDateFilter(django_filters.DateFilter):
    """A list's date filter, entered as day, month and year."""

    field_class = GovukDateField
