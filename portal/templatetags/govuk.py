"""Template helpers for GOV.UK Design System markup: form fields, the error summary,
pagination links and status tags."""

from django import template
from django.forms import BaseForm, BaseFormSet, BoundField
from django.utils.html import format_html

register = template.Library()

WIDGET_CLASSES = {
    "textarea": "govuk-textarea",
    "select": "govuk-select",
    "selectmultiple": "govuk-select",
    "clearablefile": "govuk-file-upload",
    "file": "govuk-file-upload",
    "checkbox": "govuk-checkboxes__input",
}


@register.filter
def govuk_widget(field: BoundField):
    """Render the field's widget with GOV.UK classes and its hint and error described."""
    widget_type = field.widget_type
    css = WIDGET_CLASSES.get(widget_type, "govuk-input")
    if field.errors:
        css += {
            "govuk-textarea": " govuk-textarea--error",
            "govuk-select": " govuk-select--error",
            "govuk-file-upload": " govuk-file-upload--error",
            "govuk-input": " govuk-input--error",
        }.get(css, "")
    # GOV.UK forms use labels and hints, not placeholders. The widget belongs to this
    # form instance (Django deep-copies fields per form), so this changes nothing shared.
    field.field.widget.attrs.pop("placeholder", None)
    existing = field.field.widget.attrs.get("class", "")
    attrs = {"class": f"{css} {existing}".strip()}
    described = []
    if field.help_text:
        described.append(f"{field.auto_id}-hint")
    if field.errors:
        described.append(f"{field.auto_id}-error")
    if described:
        attrs["aria-describedby"] = " ".join(described)
    return field.as_widget(attrs=attrs)


@register.filter
def is_choice_list(field: BoundField) -> bool:
    return field.widget_type in {"radioselect", "checkboxselectmultiple"}


@register.filter
def is_single_checkbox(field: BoundField) -> bool:
    return field.widget_type == "checkbox"


@register.inclusion_tag("portal/govuk/error_summary.html")
def govuk_error_summary(*forms):
    errors = []
    for form in forms:
        if form is None or not getattr(form, "errors", None):
            continue
        for error in form.non_field_errors():
            errors.append({"href": "", "message": error})
        for field in form:
            for error in field.errors:
                anchor = field.auto_id
                if field.widget_type in {"radioselect", "checkboxselectmultiple"}:
                    anchor = f"{field.auto_id}_0"
                errors.append({"href": f"#{anchor}", "message": error})
    return {"errors": errors}


@register.simple_tag(takes_context=True)
def page_url(context, param: str, number: int) -> str:
    """The current URL's query with ``param`` set to ``number`` (filters are kept)."""
    query = context["request"].GET.copy()
    query[param] = number
    return f"?{query.urlencode()}"


# One colour per meaning, the same for every record on every page: grey for not started
# or no longer in play, blue for under way or waiting on someone, turquoise for one step
# from done, green for done or open, orange and yellow for needs attention, red for
# refused, missed or late.
TAG_COLOURS = {
    **dict.fromkeys(
        ("draft", "closed", "proposed", "planned", "not_started", "not_applicable"), "grey"
    ),
    **dict.fromkeys(("withdrawn", "cancelled"), "grey"),
    **dict.fromkeys(("submitted", "planning", "in_progress", "active", "sent", "pending"), "blue"),
    **dict.fromkeys(("endorsed", "ready"), "turquoise"),
    **dict.fromkeys(
        (
            "open",
            "accepted",
            "done",
            "delivered",
            "completed",
            "acknowledged",
            "confirmed",
            "green",
        ),
        "green",
    ),
    **dict.fromkeys(("returned", "ended_early", "amber"), "orange"),
    **dict.fromkeys(("queried", "paused"), "yellow"),
    **dict.fromkeys(("declined", "missed", "rejected", "red"), "red"),
}


@register.simple_tag
def status_tag(status: str, label: str):
    """A GOV.UK tag for ``status``, coloured by what it means (TAG_COLOURS)."""
    colour = TAG_COLOURS.get(status or "", "grey")
    return format_html('<strong class="govuk-tag govuk-tag--{}">{}</strong>', colour, label)


@register.simple_tag
def rag_tag(rag: str):
    """Red, amber or green (green when none is set)."""
    rag = rag or "green"
    return status_tag(rag, rag.capitalize())


def _has_errors(value) -> bool:
    if isinstance(value, BaseForm):
        return value.is_bound and bool(value.errors)
    if isinstance(value, BaseFormSet):
        return value.is_bound and not value.is_valid()
    # A filter set (django-filter) carries its form.
    form = getattr(type(value), "form", None)
    if isinstance(form, property) and getattr(value, "is_bound", False):
        return _has_errors(value.form)
    return False


@register.simple_tag(takes_context=True)
def page_has_errors(context) -> bool:
    """Whether any submitted form on the page has errors: the page title then begins
    "Error: " (the GOV.UK pattern), on every form page, the sign-in pages included."""
    return any(_has_errors(value) for value in context.flatten().values())
