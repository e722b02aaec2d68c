"""The GOV.UK date input (portal.dates): three boxes, GOV.UK's messages, ISO still taken."""

import datetime

import pytest
import time_machine
from django import forms
from django.template import Context, Template

from portal import bounds
from portal.dates import GovukDateField

NOW = datetime.datetime(2026, 8, 3, 9, 0, tzinfo=datetime.UTC)


@pytest.fixture(autouse=True)
def _clock():
    with time_machine.travel(NOW, tick=False):
        yield


class StartForm(forms.Form):
    start = GovukDateField(label="Start date", validators=[bounds.validate_entered_date])
    finish = GovukDateField(label="Finish", required=False)


def _parts(day="", month="", year="", name="start") -> dict:
    return {f"{name}_day": day, f"{name}_month": month, f"{name}_year": year}


def _errors(data) -> list:
    form = StartForm(data)
    assert not form.is_valid()
    return form.errors.as_data()["start"]


@pytest.mark.parametrize(
    ("day", "month", "year", "expected"),
    [
        ("27", "3", "2027", datetime.date(2027, 3, 27)),
        (" 01 ", "03", "2027", datetime.date(2027, 3, 1)),
        ("1", "Mar", "2027", datetime.date(2027, 3, 1)),
        ("1", "march", "2027", datetime.date(2027, 3, 1)),
        ("29", "2", "2028", datetime.date(2028, 2, 29)),
    ],
)
def test_three_parts_make_a_date(day, month, year, expected):
    form = StartForm(_parts(day, month, year))
    assert form.is_valid(), form.errors
    assert form.cleaned_data["start"] == expected


def test_an_iso_value_under_the_plain_name_is_still_taken():
    """The API, scripts and older clients post one ISO value."""
    form = StartForm({"start": "2027-03-27"})
    assert form.is_valid(), form.errors
    assert form.cleaned_data["start"] == datetime.date(2027, 3, 27)


@pytest.mark.parametrize("value", ["03/27/2027", "27/03/2027", "2027-02-30", "tomorrow", "\x00"])
def test_other_single_values_are_not_a_real_date(value):
    [error] = _errors({"start": value})
    assert error.messages == ["Start date must be a real date"]


@pytest.mark.parametrize(
    ("parts", "message", "in_error"),
    [
        (("", "", ""), "Enter start date", {"day", "month", "year"}),
        (("", "3", "2027"), "Start date must include a day", {"day"}),
        (("1", "", "2027"), "Start date must include a month", {"month"}),
        (("1", "3", ""), "Start date must include a year", {"year"}),
        (("", "", "2027"), "Start date must include a day and month", {"day", "month"}),
        (("1", "", ""), "Start date must include a month and year", {"month", "year"}),
        (("1", "3", "27"), "Year must include 4 numbers", {"year"}),
        (("1", "3", "20277"), "Year must include 4 numbers", {"year"}),
        (("1", "3", "２０２７"), "Year must include 4 numbers", {"year"}),
        (("1", "13", "2027"), "Start date must be a real date", {"month"}),
        (("1", "Marchember", "2027"), "Start date must be a real date", {"month"}),
        (("31", "2", "2027"), "Start date must be a real date", {"day"}),
        (("first", "3", "2027"), "Start date must be a real date", {"day"}),
        (("99999999999999999999", "3", "2027"), "Start date must be a real date", {"day"}),
        (("1", "1", "1999"), "Enter a date on or after 1 January 2000.", {"day", "month", "year"}),
        (("1", "1", "2099"), "Enter a date on or before 3 August 2036", {"day", "month", "year"}),
    ],
)
def test_govuk_messages_name_the_parts_in_error(parts, message, in_error):
    from portal.dates import error_parts

    errors = _errors(_parts(*parts))
    assert errors[0].messages[0].startswith(message)
    assert error_parts(errors) == in_error


def test_an_optional_date_left_empty_is_none():
    form = StartForm({**_parts("1", "3", "2027"), **_parts(name="finish")})
    assert form.is_valid(), form.errors
    assert form.cleaned_data["finish"] is None


def _render(form) -> str:
    return Template("{% load govuk %}{% govuk_error_summary form %}{{ form }}").render(
        Context({"form": form})
    )


def test_it_renders_as_govuk_date_input_in_a_fieldset():
    html = _render(StartForm(initial={"start": datetime.date(2027, 3, 27)}))
    assert '<fieldset class="govuk-fieldset" role="group" aria-describedby="id_start-hint"' in html
    assert '<legend class="govuk-fieldset__legend govuk-fieldset__legend--s">Start date' in html
    assert "For example, 27 3 2027" in html
    for part, width, value in (("day", 2, "27"), ("month", 2, "3"), ("year", 4, "2027")):
        assert f'<label class="govuk-label govuk-date-input__label" for="id_start_{part}">' in html
        assert (
            f'<input type="text" name="start_{part}" value="{value}" inputmode="numeric" '
            f'id="id_start_{part}" class="govuk-input govuk-date-input__input '
            f'govuk-input--width-{width}">'
        ) in html
    assert 'type="date"' not in html
    assert " required" not in html  # the messages are the portal's, not the browser's


def test_errors_highlight_only_their_parts_and_the_summary_links_to_the_day():
    html = _render(StartForm(_parts("1", "3", "27")))
    assert '<a href="#id_start_day">Year must include 4 numbers</a>' in html
    assert 'id="id_start-error" class="govuk-error-message"' in html
    assert 'aria-describedby="id_start-hint id_start-error"' in html
    assert 'value="27" inputmode="numeric" id="id_start_year" aria-invalid="true" ' in html
    assert (
        'id="id_start_day" class="govuk-input govuk-date-input__input govuk-input--width-2">'
        in (html)
    )
    # What was typed is shown again, as typed.
    assert 'name="start_month" value="3"' in html


def test_a_label_with_a_percent_sign_is_kept_in_its_messages():
    field = GovukDateField(label="100% done")
    with pytest.raises(forms.ValidationError) as raised:
        field.clean(["", "3", "2027"])
    assert raised.value.messages == ["100% done must include a day"]
