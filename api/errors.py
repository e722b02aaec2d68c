"""Every API error is JSON: ``{"detail": "...", "errors": {...}}`` with the right status.

400 for bad input (``errors`` names each field, ``__all__`` for the whole request), 401
without a valid token, 403 for what the person may not do, 404 for what they may not see
(never confirming that it exists), 405, 429 with the wait, and 500 as JSON too.
"""

from django.core.exceptions import PermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import Http404, JsonResponse
from rest_framework import exceptions, status
from rest_framework.response import Response
from rest_framework.views import exception_handler as drf_exception_handler

NOT_FOUND = "Not found. It does not exist, or you may not see it."
INVALID = "The request has errors. Correct them and try again."


def _flatten(value) -> list[str]:
    if isinstance(value, dict):
        return [message for item in value.values() for message in _flatten(item)]
    if isinstance(value, list | tuple):
        return [message for item in value for message in _flatten(item)]
    return [str(value)]


def validation_errors(exc: DjangoValidationError) -> dict[str, list[str]]:
    """A service's ValidationError, keyed by field (``__all__`` when it names none)."""
    if hasattr(exc, "error_dict"):
        return {field: list(messages) for field, messages in exc.message_dict.items()}
    return {"__all__": list(exc.messages)}


def exception_handler(exc, context):
    if isinstance(exc, Http404):
        exc = exceptions.NotFound(NOT_FOUND)
    elif isinstance(exc, PermissionDenied):
        exc = exceptions.PermissionDenied(str(exc) or None)
    elif isinstance(exc, DjangoValidationError):
        exc = exceptions.ValidationError(validation_errors(exc))
    response = drf_exception_handler(exc, context)
    if response is None:
        return None
    if isinstance(exc, exceptions.ValidationError):
        errors = response.data if isinstance(response.data, dict) else {"__all__": response.data}
        errors = {field: _flatten(messages) for field, messages in errors.items()}
        response.data = {"detail": INVALID, "errors": errors}
    else:
        response.data = {"detail": " ".join(_flatten(response.data.get("detail", response.data)))}
    return response


def not_found(request, *args, **kwargs):
    """Any path under /api/ that names no endpoint."""
    return JsonResponse({"detail": NOT_FOUND}, status=status.HTTP_404_NOT_FOUND)


def error_response(detail: str, *, code: int, errors=None) -> Response:
    data = {"detail": detail}
    if errors:
        data["errors"] = errors
    return Response(data, status=code)
