"""API input goes through the same Django forms as the pages, then the same services.

``bound_form`` builds a page's form from the JSON body (for a partial update, on top of
the record's current values, read from the form itself), refusing fields the form does
not have; ``run_form`` validates it and calls the service. The service's refusals
(``ValidationError``, ``PermissionDenied``) become 400 and 403 in ``errors.py``.
"""

from collections.abc import Callable
from typing import Any

from django import forms
from rest_framework import exceptions

from portal.actions import service_kwargs


def json_object(request) -> dict:
    data = request.data
    if not isinstance(data, dict):
        raise exceptions.ValidationError({"__all__": ["Send a JSON object."]})
    return data


def current_values(form: forms.Form) -> dict[str, Any]:
    """What an unbound form shows for each field (its initial values), as input data."""
    values = {}
    for name, field in form.fields.items():
        if isinstance(field, forms.FileField):
            continue
        values[name] = field.prepare_value(form[name].value())
    return values


def bound_form(make: Callable[..., forms.Form], request, *, partial: bool = False):
    """``make(data)`` bound to the request's JSON object (on top of the current values
    when ``partial``). Fields the form does not take are refused by name."""
    data = json_object(request)
    template = make(None)
    accepted = {name for name, f in template.fields.items() if not isinstance(f, forms.FileField)}
    unknown = sorted(set(data) - accepted)
    if unknown:
        raise exceptions.ValidationError(
            {
                name: [
                    f"This field is not accepted here. Send only: {', '.join(sorted(accepted))}."
                ]
                for name in unknown
            }
        )
    shapeless = [
        name
        for name, value in data.items()
        if isinstance(value, dict)
        or (
            isinstance(value, list)
            and not isinstance(
                template.fields[name], forms.MultipleChoiceField | forms.ModelMultipleChoiceField
            )
        )
    ]
    if shapeless:
        raise exceptions.ValidationError(
            {
                name: ["Send a single value (text, a number, true or false, or null)."]
                for name in shapeless
            }
        )
    merged = {**current_values(template), **data} if partial else dict(data)
    # JSON null clears a field, as an empty box on the page does.
    return make({key: "" if value is None else value for key, value in merged.items()})


def run_form(form: forms.Form, run: Callable[[dict[str, Any]], Any]):
    """Validate ``form`` (400 with each field's messages) and run the service."""
    if not form.is_valid():
        raise exceptions.ValidationError(
            {
                field: [error["message"] for error in errors]
                for field, errors in form.errors.get_json_data().items()
            }
        )
    return run(service_kwargs(form))
