"""Every date a person enters on the portal's pages is a GOV.UK date input (day, month,
year: ``portal.dates.GovukDateField``), never the browser's date picker or a text box.

The test reads every module of the project's apps (the admin's own modules aside: the
admin keeps its own widgets) and every form and filter class in them, wherever it is
defined. A new form with another kind of date field fails here, with its name and what to
use instead.
"""

import importlib
import inspect
import pkgutil
from pathlib import Path

import django_filters
from django import forms
from django.apps import apps
from django.conf import settings
from django.contrib.admin.widgets import AdminDateWidget, AdminSplitDateTime

from portal.dates import GovukDateField, GovukDateInput

PROJECT_APPS = [
    config
    for config in apps.get_app_configs()
    if Path(config.path).parent == Path(settings.BASE_DIR) and config.label != "tests"
]

# Forms in an app's modules that are shown only on an admin page (so they keep the
# admin's own date box, AdminDateWidget), by dotted name.
ADMIN_PAGE_FORMS = {"audit.forms.AuditExportForm"}

# Modules whose forms read machine input, not a person's: the API's query filters take
# ISO dates (``?due_after=2027-03-27``), as its documentation says.
MACHINE_INPUT_MODULES = {"api.filters"}

HOW = (
    "use portal.dates.GovukDateField (GovukDateFilter for a filter; "
    "field_classes={...: GovukDateField} in a ModelForm's Meta) - see docs/development.md"
)


def _is_admin_module(name: str) -> bool:
    parts = name.split(".")
    return any(part == "admin" or part.startswith("admin_") for part in parts)


def _modules():
    for config in PROJECT_APPS:
        package = importlib.import_module(config.name)
        yield package
        for info in pkgutil.walk_packages(package.__path__, prefix=f"{config.name}."):
            name = info.name
            if ".migrations" in name or ".tests" in name or _is_admin_module(name):
                continue
            if name in MACHINE_INPUT_MODULES:
                continue
            yield importlib.import_module(name)


def _form_classes():
    seen = set()
    for module in _modules():
        for _, cls in inspect.getmembers(module, inspect.isclass):
            if cls in seen or not cls.__module__.startswith(module.__name__.split(".")[0]):
                continue
            if issubclass(cls, forms.BaseForm | django_filters.FilterSet):
                seen.add(cls)
    return sorted(seen, key=lambda cls: f"{cls.__module__}.{cls.__qualname__}")


def _fields(cls):
    """(name, form field class, widget) for each field the class declares."""
    if issubclass(cls, django_filters.FilterSet):
        for name, flt in cls.base_filters.items():
            field_class = flt.field_class
            widget = flt.extra.get("widget") or field_class.widget
            yield name, field_class, widget
        return
    for name, field in cls.base_fields.items():
        yield name, type(field), field.widget


def _is_date(field_class, widget) -> bool:
    widget_class = widget if isinstance(widget, type) else type(widget)
    return (
        issubclass(field_class, forms.DateField | forms.DateTimeField | forms.SplitDateTimeField)
        or issubclass(
            widget_class,
            forms.DateInput | forms.DateTimeInput | forms.SplitDateTimeWidget | GovukDateInput,
        )
        or getattr(widget, "input_type", "") in {"date", "datetime-local"}
    )


def _problem(dotted: str, field_class, widget) -> str | None:
    widget_class = widget if isinstance(widget, type) else type(widget)
    if dotted.rsplit(".", 1)[0] in ADMIN_PAGE_FORMS:
        if issubclass(widget_class, AdminDateWidget | AdminSplitDateTime):
            return None
        return f"{dotted}: an admin page's date uses the admin's AdminDateWidget"
    if not issubclass(field_class, GovukDateField):
        return f"{dotted} is a {field_class.__name__}: {HOW}"
    if not issubclass(widget_class, GovukDateInput):
        return f"{dotted} has the widget {widget_class.__name__}: leave GovukDateField's own"
    return None


def test_the_walk_finds_the_forms_that_have_dates():
    """The guard below reads the forms that it should (a walk that finds nothing passes
    for nothing)."""
    names = {cls.__qualname__ for cls in _form_classes()}
    assert {"ProgrammeForm", "DateChangeForm", "HandoverForm", "MilestoneFilter"} <= names
    assert {"OpportunityFilter", "AuditExportForm", "ProfileForm", "TokenForm"} <= names


def test_every_date_a_person_enters_is_a_govuk_date_input():
    problems = []
    checked = 0
    for cls in _form_classes():
        for name, field_class, widget in _fields(cls):
            if not _is_date(field_class, widget):
                continue
            checked += 1
            dotted = f"{cls.__module__}.{cls.__qualname__}.{name}"
            if problem := _problem(dotted, field_class, widget):
                problems.append(problem)
    assert checked >= 20, f"only {checked} date fields found: is the walk still reading forms?"
    assert not problems, "dates people enter must be GOV.UK date inputs:\n" + "\n".join(problems)
