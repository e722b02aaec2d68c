"""The one way a page runs a service: form → service → errors on the form → redirect.

A view first finds the record through its app's access rules (404 for what the person
may not see). Then ``run_form`` validates the posted form and calls the service; a
refusal (``ValidationError`` or ``PermissionDenied``) goes back on the form, next to the
field it names or at the top, and the view renders the form again. A button that posts
without a form uses ``run_action``: the outcome comes back as a banner. Neither ever
answers with a 403 page.
"""

from collections.abc import Callable
from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpResponse
from django.shortcuts import redirect

from .forms import apply_service_errors


def posted(request):
    """The submitted data, even when empty: an empty POST must still be validated."""
    return request.POST if request.method == "POST" else None


def posted_files(request):
    return request.FILES if request.method == "POST" else None


def service_kwargs(form) -> dict[str, Any]:
    """What a form hands its service: its ``service_kwargs()`` where it shapes them, else
    its cleaned data."""
    shape = getattr(form, "service_kwargs", None)
    return shape() if shape is not None else dict(form.cleaned_data)


def _said(outcome, result) -> str:
    return outcome(result) if callable(outcome) else outcome


def run_form(
    request,
    form,
    run: Callable[[dict[str, Any]], Any],
    *,
    success: str | Callable[[Any], str],
    then: Any = None,
    aliases: dict[str, str] | None = None,
) -> HttpResponse | None:
    """On a valid POST, ``run(service_kwargs(form))``; then a success message and a
    redirect to ``then`` (a URL, a model, or a function of the service's result; the
    result itself by default). On a refusal, the errors go on the form and this returns
    None: the view renders the form again. ``aliases`` maps a field the service names to
    the form field that shows it."""
    if request.method != "POST" or not form.is_valid():
        return None
    try:
        result = run(service_kwargs(form))
    except ValidationError as exc:
        apply_service_errors(form, exc, aliases)
        return None
    except PermissionDenied as exc:
        form.add_error(None, str(exc))
        return None
    messages.success(request, _said(success, result))
    target = then(result) if callable(then) else (then if then is not None else result)
    return redirect(target)


def run_action(
    request, run: Callable[[], Any], *, success: str | Callable[[Any], str], then: Any
) -> HttpResponse:
    """A button that posts no form: run the service, say how it went, go back to ``then``."""
    try:
        result = run()
    except (ValidationError, PermissionDenied) as exc:
        messages.error(request, " ".join(getattr(exc, "messages", None) or [str(exc)]))
    else:
        messages.success(request, _said(success, result))
    return redirect(then)
