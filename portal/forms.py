"""Form plumbing every app's pages share: GOV.UK rendering and a service's refusals."""

import unicodedata

from django import forms
from django.core.exceptions import ValidationError
from django.forms.renderers import TemplatesSetting


class GovukFormRenderer(TemplatesSetting):
    """Renders every form and field with GOV.UK Design System markup."""

    form_template_name = "portal/govuk/form.html"
    field_template_name = "portal/govuk/field.html"


class DateInput(forms.DateInput):
    """A browser date field, in the ISO format it reads and writes."""

    input_type = "date"

    def __init__(self, attrs=None):
        super().__init__(attrs=attrs, format="%Y-%m-%d")


def apply_service_errors(
    form: forms.Form, error: ValidationError, aliases: dict[str, str] | None = None
) -> None:
    """Put a service's refusal next to the field it names, or at the top of the form.

    ``aliases`` maps a model field named by the service to the form field showing it.
    """
    if hasattr(error, "error_dict"):
        for field, messages in error.message_dict.items():
            field = (aliases or {}).get(field, field)
            form.add_error(field if field in form.fields else None, messages)
    else:
        form.add_error(None, error.messages)


class SearchTextField(forms.CharField):
    """Search words: control characters (NUL included) become spaces, runs of space one."""

    def to_python(self, value):
        value = super().to_python(value)
        cleaned = "".join(" " if unicodedata.category(char)[0] == "C" else char for char in value)
        return " ".join(cleaned.split())


class SearchForm(forms.Form):
    """The portal's search (``/search/``): words and, optionally, one kind of thing."""

    q = SearchTextField(
        label="Search the portal",
        required=False,
        max_length=200,
        error_messages={
            "max_length": "Enter %(limit_value)d characters or fewer to search for "
            "(you entered %(show_value)d)."
        },
    )
    kind = forms.ChoiceField(label="Show", required=False)

    def __init__(self, *args, kinds: list[tuple[str, str]] = (), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["kind"].choices = [("", "Everything"), *kinds]
        self.fields["kind"].error_messages["invalid_choice"] = (
            "Choose one of the kinds listed, or everything."
        )
        self.fields["q"].widget.attrs.update({"type": "search", "spellcheck": "false"})
