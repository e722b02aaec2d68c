"""Files in storage that no record points to: found, reported, and deleted when old enough."""

import datetime
import os
from io import StringIO
from pathlib import Path

import pytest
import time_machine
from django.conf import settings as django_settings
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.core.management import CommandError, call_command
from django.db import transaction

from handover.models import Document
from portal import tasks
from portal.orphans import file_fields, orphaned_files_delete, orphaned_files_find
from tests.exchange.factories import World
from tests.handover.factories import make_document

pytestmark = pytest.mark.django_db

NOW = datetime.datetime(2026, 8, 3, 9, 0, tzinfo=datetime.UTC)
GRACE = datetime.timedelta(hours=24)


@pytest.fixture(autouse=True)
def _fixed_clock():
    with time_machine.travel(NOW, tick=False):
        yield


def age(name: str, hours: float) -> None:
    """Make a stored file look ``hours`` old (local disk storage in tests)."""
    stamp = (NOW - datetime.timedelta(hours=hours)).timestamp()
    os.utime(Path(django_settings.MEDIA_ROOT) / name, (stamp, stamp))


def rolled_back_upload(user) -> str:
    """An upload whose transaction fails after the file was written, as in an outage."""
    before = set(_all_names())
    with pytest.raises(RuntimeError), transaction.atomic():
        make_document(user, title="Never saved")
        raise RuntimeError("the request failed after the file was stored")
    (name,) = set(_all_names()) - before
    return name


def _all_names() -> list[str]:
    root = Path(django_settings.MEDIA_ROOT)
    return [str(p.relative_to(root)) for p in root.rglob("*") if p.is_file()]


def test_every_file_field_of_every_app_is_found_through_the_registry():
    """Document versions, CVs and checklist evidence are all known to hold file names."""
    labels = {f"{model._meta.label}.{name}" for model, name in file_fields()}

    assert {
        "handover.DocumentVersion.file",
        "exchange.Application.cv",
        "exchange.ChecklistEvidence.file",
    } <= labels


def test_a_file_left_by_a_rolled_back_upload_is_reported(uk_user):
    """The record is gone with the transaction; its file stays and the sweep names it."""
    kept = make_document(uk_user, title="Saved").versions.get().file
    orphan = rolled_back_upload(uk_user)

    report = orphaned_files_find(grace=GRACE)

    assert Document.objects.count() == 1
    assert [f.name for f in report.orphans] == [orphan]
    assert report.scanned == 2
    assert kept not in [f.name for f in report.orphans]


def test_files_that_records_point_to_are_never_orphans(uk_user):
    """A CV, a document version and a stray file: only the stray file is reported."""
    application = World().draft()
    version = make_document(uk_user).versions.get()
    stray = default_storage.save("handover/stray", ContentFile(b"left over"))

    names = [f.name for f in orphaned_files_find(grace=GRACE).orphans]

    assert names == [stray]
    assert application.cv.name not in names and version.file not in names


def test_delete_takes_only_orphans_older_than_the_grace_period(uk_user):
    """A fresh orphan may belong to an upload still being saved: it stays until it is old."""
    old = rolled_back_upload(uk_user)
    fresh = default_storage.save("handover/fresh", ContentFile(b"just written"))
    kept = make_document(uk_user).versions.get().file
    for name in (old, kept):
        age(name, 30)
    age(fresh, 2)

    report = orphaned_files_delete(grace=GRACE, now=NOW)

    assert report.deleted == [old]
    assert not default_storage.exists(old)
    assert default_storage.exists(fresh) and default_storage.exists(kept)


def test_delete_refuses_a_grace_period_under_an_hour():
    """No sweep may race an upload whose record is being committed."""
    with pytest.raises(ValueError, match="at least an hour"):
        orphaned_files_delete(grace=datetime.timedelta(minutes=5))
    with pytest.raises(CommandError, match="at least 1 hour"):
        call_command("orphaned_files", "--delete", "--older-than", "0.5")


def test_the_command_reports_without_deleting_unless_asked(uk_user):
    """By default it lists each orphan with its size and age, then deletes with --delete."""
    orphan = rolled_back_upload(uk_user)
    age(orphan, 48)

    out = StringIO()
    call_command("orphaned_files", stdout=out)
    listing = out.getvalue()

    assert f"{orphan}\t" in listing and "48.0 h old" in listing
    assert "1 orphaned file(s) among 1 in storage; 1 older than 24 hours." in listing
    assert "Run with --delete" in listing
    assert default_storage.exists(orphan)

    out = StringIO()
    call_command("orphaned_files", "--delete", stdout=out)

    assert "(deleted)" in out.getvalue() and "Deleted 1." in out.getvalue()
    assert not default_storage.exists(orphan)


def test_the_weekly_task_deletes_only_when_the_setting_says_so(settings, uk_user):
    """ORPHANED_FILES_DELETE off: reported only; on: old orphans are deleted."""
    orphan = rolled_back_upload(uk_user)
    age(orphan, 48)

    settings.ORPHANED_FILES_DELETE = False
    assert tasks.orphaned_files_sweep() == 1
    assert default_storage.exists(orphan)

    settings.ORPHANED_FILES_DELETE = True
    tasks.orphaned_files_sweep()
    assert not default_storage.exists(orphan)


def test_the_sweep_is_scheduled_weekly():
    """Beat runs it once a week."""
    entry = django_settings.CELERY_BEAT_SCHEDULE["accounts-orphaned-files"]

    assert entry["task"] == "portal.tasks.orphaned_files_sweep"
    assert entry["schedule"].day_of_week == {0}
