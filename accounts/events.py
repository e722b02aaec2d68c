"""What accounts tells the audit log, and who is acting.

The audit app sits to the right of accounts (``accounts ← audit ← portal ...``), so
accounts never imports it: the audit app names its recorder here from its ``ready()``
(``use_recorder``), and accounts' services and sign-in adapter call ``record``. A missing
recorder is an error, never a silent default.

Who is acting, and from where, is kept here too: the audit middleware says which request
is being served (``serving``), and a service that acts for someone names them
(``acting``), so that a change the audit log hears from a model save names its actor.
"""

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar

from django.core.exceptions import ImproperlyConfigured

_recorder: dict[str, Callable] = {}
_request: ContextVar = ContextVar("portal_request", default=None)
_actor: ContextVar = ContextVar("portal_actor", default=None)


def use_recorder(record: Callable) -> None:
    """Called from ``AuditConfig.ready()`` with ``audit.services.record``."""
    _recorder["record"] = record


def record(**kwargs):
    """Write an audit entry (the arguments of ``audit.services.record``)."""
    recorder = _recorder.get("record")
    if recorder is None:
        raise ImproperlyConfigured("The audit app names its recorder in ready().")
    return recorder(**kwargs)


@contextmanager
def serving(request) -> Iterator[None]:
    """While ``request`` is served, it is the one changes are made through."""
    token = _request.set(request)
    try:
        yield
    finally:
        _request.reset(token)


@contextmanager
def acting(actor) -> Iterator[None]:
    """While a service acts for ``actor``, changes are theirs whatever the request."""
    token = _actor.set(actor)
    try:
        yield
    finally:
        _actor.reset(token)


def current_request():
    return _request.get()


def current_actor():
    """The person a change is made by: the one a service acts for, else the signed-in
    person of the request being served, else nobody (a task or a command)."""
    actor = _actor.get()
    if actor is not None:
        return actor
    request = _request.get()
    user = getattr(request, "user", None) if request is not None else None
    if user is not None and user.is_authenticated:
        return user
    return None
