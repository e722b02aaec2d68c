"""The portal's URLs plus two that fail, for the error-page tests."""

from django.db import OperationalError
from django.urls import path

from config.urls import handler404, handler500
from config.urls import urlpatterns as portal_urlpatterns


def database_gone(request):
    # What psycopg raises when the server refuses the connection.
    raise OperationalError(
        'connection failed: connection to server at "127.0.0.1", port 5432 failed: '
        "Connection refused"
    )


def bug(request):
    raise ZeroDivisionError("a bug, not an outage")


urlpatterns = [
    path("test/database-gone/", database_gone),
    path("test/bug/", bug),
    *portal_urlpatterns,
]

__all__ = ["handler404", "handler500", "urlpatterns"]
