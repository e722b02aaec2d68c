"""The rules registry: each app's ``reminders.py`` declares what is due, as one query,
and its ``AppConfig.ready()`` registers those rules with :func:`register_all`.

A rule's ``due(now)`` returns a queryset of values with four columns, built with
:func:`due_values`: the object's id, the recipient's id, the window key and the due time.
It must be one set-based query backed by an index: the scan turns it into a single
``INSERT ... SELECT ... ON CONFLICT DO NOTHING`` and never loops over rows in Python.
The same query, narrowed to a few objects, re-checks at send time that a reminder still
applies (a milestone done since the scan sends nothing).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime

from django.db import models
from django.db.models import QuerySet

# The column names a rule's values carry; prefixed so they never collide with a field.
OBJECT, RECIPIENT, WINDOW, DUE = "r_object", "r_recipient", "r_window", "r_due"


@dataclass(frozen=True)
class Message:
    """What a person is told: a subject, plain text, a link inside the portal, a marking."""

    subject: str
    body: str
    url: str
    marking: str = ""


@dataclass(frozen=True)
class Rule:
    name: str
    kind: str
    model: type[models.Model]
    due: Callable[[datetime], QuerySet]
    describe: Callable[[models.Model, object], Message]
    # The objects ``user`` may see now (the app's selector); None: only the recipient
    # named by the rule is concerned and the rule's query is the whole check.
    visible_to: Callable[[object], QuerySet] | None = None
    # How to load objects for ``describe`` (select_related what the message needs).
    queryset: Callable[[], QuerySet] | None = None
    extra: dict = field(default_factory=dict)

    def objects(self) -> QuerySet:
        return self.queryset() if self.queryset else self.model._default_manager.all()


_RULES: dict[str, Rule] = {}
_VISIBILITY: dict[type[models.Model], Callable[[object], QuerySet]] = {}


def register(rule: Rule) -> Rule:
    """Add ``rule`` (by its unique name; registering the same name again replaces it)."""
    _RULES[rule.name] = rule
    return rule


def unregister(name: str) -> None:
    _RULES.pop(name, None)


def register_visibility(model: type[models.Model], visible_to: Callable[[object], QuerySet]):
    """Say which ``model`` objects a person may see, for events sent with ``notify``."""
    _VISIBILITY[model] = visible_to


def register_all(
    rules: list[Rule],
    visibility: dict[type[models.Model], Callable[[object], QuerySet]] | None = None,
) -> None:
    """Register an app's rules and, per model, the access rule that says who may see it."""
    for rule in rules:
        register(rule)
    for model, visible_to in (visibility or {}).items():
        register_visibility(model, visible_to)


def visibility_for(model: type[models.Model] | None):
    return _VISIBILITY.get(model) if model is not None else None


def all_rules() -> list[Rule]:
    return list(_RULES.values())


def rules_for(kind: str, model: type[models.Model] | None) -> list[Rule]:
    return [r for r in _RULES.values() if r.kind == kind and r.model is model]


def due_values(
    queryset: QuerySet,
    *,
    object_id,
    recipient_id,
    window,
    due_at,
) -> QuerySet:
    """Shape a rule's queryset into the four columns the scan inserts.

    Each argument is an expression (``F("owner_id")``, ``Value("d7")``, a ``Case``...).
    """
    return queryset.annotate(
        **{OBJECT: object_id, RECIPIENT: recipient_id, WINDOW: window, DUE: due_at}
    ).values(OBJECT, RECIPIENT, WINDOW, DUE)
