"""The kinds of record people discuss, registered by the apps that own them.

Discussion sits below programmes, exchange and handover in the import order, so it never
imports them: each registers its commentable records from its ``AppConfig.ready()``,
handing over its own access rule (``visible_to``, the very function its pages use), so a
comment is shown exactly to the people who may see what it belongs to.

``kind`` names the record's foreign key on ``Comment`` and appears in the discussion's
addresses (``/discussion/milestone/12/``).
"""

from collections.abc import Callable
from dataclasses import dataclass

from django.db import models
from django.db.models import QuerySet


@dataclass(frozen=True)
class Commentable:
    kind: str  # "application", "secondment", "project", "milestone", "handover"
    model: type[models.Model]
    # The owning app's access rule: the records ``user`` may see.
    visible_to: Callable[..., QuerySet]
    label: str  # how a sentence names one: "milestone"
    # How a notice names one record (its title or reference).
    title: Callable[[models.Model], str] = str
    # The queryset the record's page loads it from (what the page prefetches), built on
    # ``visible_to``; ``visible_to`` itself when not given.
    detail: Callable[..., QuerySet] | None = None
    # The protective marking comments on a record carry, worked out from the record
    # each time it is shown (so it follows the record): (banner text, CSS modifier).
    marking: Callable[[models.Model], tuple[str, str] | None] | None = None

    def load(self, user) -> QuerySet:
        return (self.detail or self.visible_to)(user)

    def marking_of(self, obj) -> tuple[str, str] | None:
        return self.marking(obj) if self.marking is not None else None


KINDS = ("application", "secondment", "project", "milestone", "handover")

_ENTRIES: dict[str, Commentable] = {}


def register(entry: Commentable) -> Commentable:
    if entry.kind not in KINDS:
        raise ValueError(f"Comments have no place for {entry.kind!r}: add a field first.")
    if _ENTRIES.get(entry.kind, entry) != entry:
        raise ValueError(f"Commentable {entry.kind!r} is already registered.")
    _ENTRIES[entry.kind] = entry
    return entry


def register_all(found) -> None:
    for entry in found:
        register(entry)


def entries() -> list[Commentable]:
    return [_ENTRIES[kind] for kind in KINDS if kind in _ENTRIES]


def entry(kind: str) -> Commentable | None:
    return _ENTRIES.get(kind)


def entry_for(obj: models.Model) -> Commentable:
    for found in _ENTRIES.values():
        if isinstance(obj, found.model):
            return found
    raise LookupError(f"{type(obj).__name__} is not a record people discuss.")


def check_every_kind_registered(app_configs=None, **kwargs):
    """A system check: every kind a comment can belong to has its owner's access rule
    (an unregistered kind's comments would be shown to no one)."""
    from django.core import checks

    return [
        checks.Error(
            f"No app registered comments on {kind!r} (discussion.registry.register).",
            id="discussion.E001",
        )
        for kind in KINDS
        if kind not in _ENTRIES
    ]
