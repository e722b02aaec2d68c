"""The record types the retention schedule covers, registered by the apps that own them.

Each app registers its types from its ``AppConfig.ready()`` (exchange, handover,
notifications; the records app itself registers the people and audit-log types, which
live below it in the import order). A type says what its records are, from when the clock
runs, which records are past a cutoff (a queryset, so counting and sampling stay
set-based) and how to act on a batch of them (the owning app's service).
"""

import datetime
from collections.abc import Callable
from dataclasses import dataclass

from django.db import models
from django.db.models import QuerySet

from portal.registry import Registry


class Action(models.TextChoices):
    DELETE = "delete", "Delete the record"
    ANONYMISE = "anonymise", "Anonymise: keep the record, remove the personal details"
    DELETE_FILES = "delete_files", "Delete the files: keep the record and its checksums"


@dataclass(frozen=True)
class RecordType:
    """One kind of record under the retention schedule.

    ``candidates(cutoff)`` is every record whose clock started before ``cutoff`` and that
    the action has not yet been applied to (so running twice acts once).
    ``apply(ids, now)`` acts on a batch of candidate ids inside the caller's transaction
    and returns the names of stored files to delete once that transaction commits.
    ``institute_lookups`` are paths from the model to the institutes it belongs to, for
    an institute admin's view of the dry run.
    """

    key: str
    label: str
    clock: str
    default_months: int
    action: str
    candidates: Callable[[datetime.datetime], QuerySet]
    apply: Callable[[list, datetime.datetime], list[str]]
    institute_lookups: tuple[str, ...] = ()
    why: str = ""

    def __hash__(self) -> int:
        return hash(self.key)


_types: Registry[RecordType] = Registry("retention record types")


def register(record_type: RecordType, *, order: int) -> RecordType:
    return _types.register(record_type.key, record_type, order=order)


def record_types() -> list[RecordType]:
    return _types.entries()


def record_type(key: str) -> RecordType | None:
    for entry in _types.entries():
        if entry.key == key:
            return entry
    return None
