"""Files in storage that no record points to, and their removal after a grace period.

A file is written to storage before the record that names it is committed; if that
transaction then rolls back (a database outage, a failed check after the upload), the file
stays with nothing pointing to it. This module lists every file in the default storage and
every name held by a ``FileField`` or a ``StoredFileNameField`` of any installed model
(found through the app registry, so a new app's files are covered without change here),
and reports the difference.

Deletion only takes files older than the grace period, so an upload whose record is still
being committed is never taken, and re-checks each batch against the database just before
deleting.
"""

from __future__ import annotations

import logging
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from django.apps import apps
from django.core.files.storage import default_storage
from django.db import models
from django.utils import timezone

from .fields import StoredFileNameField

logger = logging.getLogger(__name__)

# Shorter than this, a file may belong to an upload whose transaction is still open.
MINIMUM_GRACE = timedelta(hours=1)
BATCH = 500


@dataclass(frozen=True)
class StoredFile:
    name: str
    size: int | None
    modified: datetime | None


@dataclass
class OrphanReport:
    grace: timedelta
    scanned: int = 0
    orphans: list[StoredFile] = field(default_factory=list)
    deleted: list[str] = field(default_factory=list)

    def past_grace(self, now: datetime) -> list[StoredFile]:
        return [f for f in self.orphans if f.modified is None or now - f.modified >= self.grace]


def file_fields() -> list[tuple[type[models.Model], str]]:
    """(model, field name) for every field of every installed model that names a file
    in the default storage."""
    found = []
    for model in apps.get_models():
        for f in model._meta.concrete_fields:
            if isinstance(f, StoredFileNameField) or (
                isinstance(f, models.FileField) and f.storage is default_storage
            ):
                found.append((model, f.name))
    return found


def referenced_names() -> set[str]:
    names: set[str] = set()
    for model, name in file_fields():
        values = (
            model._base_manager.exclude(**{name: ""})
            .values_list(name, flat=True)
            .iterator(chunk_size=5000)
        )
        names.update(v for v in values if v)
    return names


def _still_referenced(candidates: list[str]) -> set[str]:
    found: set[str] = set()
    for model, name in file_fields():
        found.update(
            model._base_manager.filter(**{f"{name}__in": candidates}).values_list(name, flat=True)
        )
    return found


def stored_files(storage=default_storage, path: str = "") -> Iterator[str]:
    """Every file name in ``storage``, walking folders (local disk) or prefixes (S3)."""
    try:
        folders, files = storage.listdir(path)
    except FileNotFoundError:
        return
    for name in files:
        yield f"{path}/{name}" if path else name
    for folder in folders:
        yield from stored_files(storage, f"{path}/{folder}" if path else folder)


def _describe(name: str, storage) -> StoredFile:
    try:
        size = storage.size(name)
    except (OSError, NotImplementedError):
        size = None
    try:
        modified = storage.get_modified_time(name)
    except (OSError, NotImplementedError):
        modified = None
    return StoredFile(name=name, size=size, modified=modified)


def orphaned_files_find(*, grace: timedelta, storage=default_storage) -> OrphanReport:
    """Report the files in storage that no record names (nothing is changed)."""
    referenced = referenced_names()
    report = OrphanReport(grace=grace)
    for name in stored_files(storage):
        report.scanned += 1
        if name not in referenced:
            report.orphans.append(_describe(name, storage))
    report.orphans.sort(key=lambda f: f.name)
    return report


def orphaned_files_delete(
    *, grace: timedelta, now: datetime | None = None, storage=default_storage
) -> OrphanReport:
    """Find orphaned files and delete those older than ``grace`` (at least an hour)."""
    if grace < MINIMUM_GRACE:
        raise ValueError(
            "The grace period must be at least an hour, so that a file whose record is "
            "still being saved is never deleted."
        )
    now = now or timezone.now()
    report = orphaned_files_find(grace=grace, storage=storage)
    due = [f.name for f in report.past_grace(now)]
    for start in range(0, len(due), BATCH):
        batch = due[start : start + BATCH]
        keep = _still_referenced(batch)
        for name in batch:
            if name in keep:
                continue
            storage.delete(name)
            report.deleted.append(name)
    if report.deleted:
        logger.warning(
            "Deleted %s orphaned file(s) older than %s.", len(report.deleted), report.grace
        )
    return report
