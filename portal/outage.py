"""The page people see while the database cannot be reached: 503, not a server error.

Django hands any exception a view or middleware raises to ``handler500``; when that
exception says the database connection failed (refused, dropped, shutting down or
starting up), the answer is this page with ``Retry-After`` instead. It is rendered without
the request, so that no context processor touches the database again.
"""

from django.conf import settings
from django.db import InterfaceError, OperationalError
from django.http import HttpResponse
from django.template import loader

RETRY_AFTER_SECONDS = 30


def is_database_outage(exc: BaseException | None) -> bool:
    return isinstance(exc, OperationalError | InterfaceError)


def service_unavailable(request) -> HttpResponse:
    html = loader.get_template("503.html").render({"portal_name": settings.PORTAL_NAME})
    response = HttpResponse(html, status=503)
    response["Retry-After"] = str(RETRY_AFTER_SECONDS)
    response["Cache-Control"] = "no-store"
    return response
