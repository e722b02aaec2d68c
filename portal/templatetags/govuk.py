"""Template helpers that give Django form fields GOV.UK Design System markup."""

from django import template
from django.forms import BoundField

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
