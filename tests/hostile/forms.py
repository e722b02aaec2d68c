"""Reading a form as a browser would post it, and hostile values for each kind of field.

``post_data(form)`` turns a rendered (unbound) form into the data its page would post back
unchanged; ``hostile_value(field)`` is a hypothesis strategy of bad input for one field:
random and unusual text, NUL bytes, over-long values, malformed and extreme dates and
numbers, invalid choices and references to records that do not exist.
"""

import datetime
import decimal

from django import forms
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db.models import Model
from hypothesis import strategies as st

from handover.demo import sample_pdf
from portal.dates import GovukDateInput

KEEP, HOSTILE, DROP = "keep", "hostile", "drop"


def _text(value) -> str:
    if isinstance(value, Model):
        return str(value.pk)
    if isinstance(value, datetime.datetime):
        return value.strftime("%Y-%m-%d %H:%M:%S")
    if isinstance(value, datetime.date):
        return value.isoformat()
    if isinstance(value, datetime.time):
        return value.strftime("%H:%M:%S")
    return str(value)


def _widget_data(widget, name: str, value, data: dict) -> None:
    if isinstance(widget, forms.MultiWidget):
        parts = value if isinstance(value, list | tuple) else widget.decompress(value)
        for index, (sub, part) in enumerate(zip(widget.widgets, parts, strict=False)):
            suffix = widget.widgets_names[index] if hasattr(widget, "widgets_names") else ""
            _widget_data(sub, f"{name}{suffix or f'_{index}'}", part, data)
        return
    if isinstance(widget, forms.FileInput):
        return
    if isinstance(widget, forms.CheckboxInput):
        if value:
            data[name] = "on"
        return
    if isinstance(widget, forms.SelectMultiple | forms.CheckboxSelectMultiple) or (
        isinstance(value, list | tuple | set) and not isinstance(widget, forms.MultiWidget)
    ):
        data[name] = [_text(item) for item in (value or [])]
        return
    if value is None:
        return
    if isinstance(widget, forms.NullBooleanSelect):
        data[name] = {True: "true", False: "false"}.get(value, "unknown")
        return
    data[name] = _text(value)


def post_data(form) -> dict:
    """What the page posts back for ``form`` unchanged: each field's current value."""
    data: dict = {}
    for bound in form:
        if bound.field.disabled:
            continue
        # The value as the widget shows it (a JSON field's text, a record's key).
        _widget_data(bound.field.widget, bound.html_name, bound.value(), data)
    return data


# --- hostile values ----------------------------------------------------------------------

NASTY_TEXT = [
    "",
    " ",
    "\x00",
    "before\x00after",
    "\u202eevil\u202c",
    "zero\u200bwidth",
    '=HYPERLINK("http://example.org")',
    "+cmd|' /C calc'!A0",
    "<script>alert(1)</script>",
    "'; DROP TABLE accounts_user; --",
    "line\r\nInjected-Header: yes",
    "😀👩‍👩‍👧‍👦",
    "Ω≈ç√∫˜µ≤≥÷",
    "١٢٣",
    "{{ settings.SECRET_KEY }}",
    "%s%s%s%n",
    "../../etc/passwd",
]

NASTY_DATES = [
    "9999-12-31",
    "0001-01-01",
    "1999-12-31",
    "2100-01-01",
    "2026-02-30",
    "2026-13-01",
    "31/12/2026",
    "12/31/2026",
    "2026-1-1",
    "not a date",
    "",
    "\x00",
    "2026-08-03\x00",
    "99999-01-01",
    "-2026-01-01",
    "２０２６-０８-０３",
    "2026-08-03T25:61:61",
]

NASTY_NUMBERS = [
    "-1",
    "0",
    "1",
    "3.5",
    "1e10",
    "NaN",
    "Infinity",
    "-0",
    "99999999999999999999999999",
    "-99999999999999999999999999",
    "2147483648",
    "32768",
    "",
    "١٢",
    "0x10",
    "\x00",
]


# One box of a GOV.UK date input (day, month or year).
NASTY_DATE_PARTS = [
    "",
    " ",
    "0",
    "00",
    "1",
    "29",
    "31",
    "32",
    "13",
    "-1",
    "Feb",
    "februarys",
    "1999",
    "2000",
    "2026",
    "2099",
    "9999",
    "0000",
    "20266",
    "26",
    "1e3",
    "99999999999999999999",
    "１２",
    "٣",
    "\x00",
    "x" * 300,
]


def _date_parts_strategy() -> st.SearchStrategy:
    """Day, month and year boxes: each nasty, plausible or missing (None)."""
    part = st.one_of(
        st.sampled_from(NASTY_DATE_PARTS),
        st.integers(-(2**70), 2**70).map(str),
        st.text(max_size=6),
        st.none(),
    )
    return st.tuples(part, part, part)


def _over_long(field) -> st.SearchStrategy:
    limit = getattr(field, "max_length", None) or 10_000
    return st.sampled_from([limit + 1, limit * 10 + 7]).map(lambda n: "x" * n)


def _text_strategy(field) -> st.SearchStrategy:
    return st.one_of(
        st.sampled_from(NASTY_TEXT),
        st.text(max_size=40),
        st.text(st.characters(codec="utf-8"), min_size=1, max_size=20),
        _over_long(field),
    )


def _date_strategy() -> st.SearchStrategy:
    near = st.integers(-9000, 6000).map(
        lambda days: (datetime.date(2026, 8, 3) + datetime.timedelta(days=days)).isoformat()
    )
    extreme = st.dates().map(datetime.date.isoformat)
    return st.one_of(st.sampled_from(NASTY_DATES), near, extreme)


def _choice_values(field) -> list[str]:
    values = []
    for value, label in getattr(field, "choices", []) or []:
        if isinstance(label, list | tuple):  # an option group
            values += [str(v) for v, _ in label]
        else:
            values.append(str(getattr(value, "value", value)))
    return [v for v in values if v][:6]


def _reference_strategy(field) -> st.SearchStrategy:
    bad = st.sampled_from(["999999999", "-1", "abc", "", "1.5", "9" * 30, "\x00", "0"])
    good = _choice_values(field)
    return st.one_of(bad, st.sampled_from(good)) if good else bad


def _file_strategy() -> st.SearchStrategy:
    names = st.sampled_from(
        [
            "report.pdf",
            "cv.pdf",
            "x.exe",
            "noextension",
            ".pdf",
            "a" * 300 + ".pdf",
            "notes.odt",
            "n\x00.pdf",
        ]
    )
    contents = st.one_of(
        st.just(sample_pdf("Hostile")),
        st.binary(max_size=200),
        st.just(b""),
        st.just(b"PK\x03\x04"),
    )
    return st.builds(lambda name, content: SimpleUploadedFile(name, content), names, contents)


def hostile_value(field) -> st.SearchStrategy:
    """Bad input for one form field, by its kind."""
    if isinstance(field, forms.FileField):
        return _file_strategy()
    if isinstance(field, forms.ModelMultipleChoiceField | forms.MultipleChoiceField):
        return st.lists(_reference_strategy(field), max_size=4)
    if isinstance(field, forms.ModelChoiceField | forms.TypedChoiceField | forms.ChoiceField):
        return _reference_strategy(field)
    if isinstance(field, forms.NullBooleanField | forms.BooleanField):
        return st.sampled_from(["on", "", "true", "false", "unknown", "2", "\x00"])
    if isinstance(field, forms.DateTimeField | forms.SplitDateTimeField):
        return _date_strategy()
    if isinstance(field, forms.DateField):
        return _date_strategy()
    if isinstance(field, forms.IntegerField | forms.DecimalField | forms.FloatField):
        return st.one_of(
            st.sampled_from(NASTY_NUMBERS),
            st.integers(-(2**70), 2**70).map(str),
            st.decimals(allow_nan=True, allow_infinity=True).map(
                lambda d: str(d) if isinstance(d, decimal.Decimal) else d
            ),
        )
    return _text_strategy(field)


def hostile_data(data_strategy, form, base: dict) -> tuple[dict, dict]:
    """Draw hostile changes to ``base`` for ``form``'s fields: each field is kept, replaced
    by a hostile value, or left out (a missing field). Returns (data, files)."""
    data = dict(base)
    files: dict = {}
    for bound in form:
        field = bound.field
        if field.disabled:
            continue
        action = data_strategy.draw(
            st.sampled_from([KEEP, KEEP, HOSTILE, HOSTILE, DROP]), label=f"{bound.name}?"
        )
        names = [
            key for key in data if key == bound.html_name or key.startswith(bound.html_name + "_")
        ]
        if action == DROP:
            for key in names:
                data.pop(key, None)
        elif action == HOSTILE:
            value = data_strategy.draw(hostile_value(field), label=bound.name)
            for key in names:
                data.pop(key, None)
            if isinstance(field, forms.FileField):
                files[bound.html_name] = value
            elif isinstance(field.widget, GovukDateInput):
                # Day, month and year boxes, as the page posts them, or one ISO value
                # under the plain name, as the API and scripts post it.
                if data_strategy.draw(st.booleans(), label=f"{bound.name} as parts?"):
                    parts = data_strategy.draw(_date_parts_strategy(), label=bound.name)
                    for part, text in zip(("day", "month", "year"), parts, strict=True):
                        if text is not None:
                            data[f"{bound.html_name}_{part}"] = text
                else:
                    data[bound.html_name] = value
            elif isinstance(field.widget, forms.MultiWidget):
                data[f"{bound.html_name}_0"] = value
                data[f"{bound.html_name}_1"] = data_strategy.draw(
                    st.sampled_from(["12:00:00", "25:00", "", "\x00", "noon"]), label="time"
                )
            else:
                data[bound.html_name] = value
    return data, files
