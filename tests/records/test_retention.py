"""The retention schedule on one record of every type: before the cutoff nothing is
touched, a dry run changes nothing, the real run acts once, files leave storage, and the
custody chains still verify."""

import datetime

import pytest
import time_machine
from django.core.files.storage import default_storage

from audit.models import AuditEntry, AuditEvent
from handover.custody import verify_chains
from handover.integrity import verify_stored_files
from records import services
from records.models import PendingFileDeletion, RetentionRule, RetentionRun
from records.registry import record_types

from .scene import Scene

pytestmark = pytest.mark.django_db


def at(year, month, day):
    return datetime.datetime(year, month, day, 9, 0, tzinfo=datetime.UTC)


# For each type: a day just before its cutoff reaches the scene's record, and one after.
TIMELINE = {
    # Withdrawn on 3 August 2026, kept 12 months.
    "exchange.closed_applications": (at(2027, 7, 20), at(2027, 8, 10)),
    # The secondment ended on 1 April 2027; its CV and uploads are kept 6 months more.
    "exchange.application_files": (at(2027, 9, 20), at(2027, 10, 10)),
    "exchange.checklist_evidence": (at(2027, 9, 20), at(2027, 10, 10)),
    # Acknowledged on 3 August 2026, with no access end date: the file is kept 24 months.
    "handover.document_files": (at(2028, 7, 20), at(2028, 8, 10)),
    "handover.access_log": (at(2032, 7, 20), at(2032, 8, 10)),
    "notifications.notifications": (at(2027, 7, 20), at(2027, 8, 10)),
    "notifications.reminders": (at(2027, 7, 20), at(2027, 8, 10)),
    # Joined (and deactivated) on 3 August 2026, never signed in: 24 months.
    "accounts.inactive_accounts": (at(2028, 7, 20), at(2028, 8, 10)),
    "audit.audit_log": (at(2032, 7, 20), at(2032, 8, 10)),
}


def test_every_registered_type_is_in_the_timeline_and_has_a_seeded_rule():
    keys = {t.key for t in record_types()}
    assert keys == set(TIMELINE)
    assert set(RetentionRule.objects.values_list("record_type", flat=True)) >= keys


def run(when, *, dry_run, capture=None):
    with time_machine.travel(when, tick=False):
        if capture is None:
            return services.apply_retention(dry_run=dry_run)
        with capture(execute=True):
            return services.apply_retention(dry_run=dry_run)


@pytest.mark.parametrize("key", sorted(TIMELINE))
def test_dry_run_then_real_run_on_each_type(key, django_capture_on_commit_callbacks):
    scene = Scene()
    before, after = TIMELINE[key]

    # Before the cutoff: neither run touches the record.
    run(before, dry_run=True)
    assert scene.alive()[key]
    run(before, dry_run=False, capture=django_capture_on_commit_callbacks)
    assert scene.alive()[key], "acted on before its cutoff"

    # After the cutoff: the dry run reports it and changes nothing at all.
    snapshot = scene.alive()
    dry = run(after, dry_run=True)
    assert dry.counts[key] >= 1
    assert scene.alive() == snapshot
    assert RetentionRun.objects.filter(dry_run=True).count() == 2

    # The real run acts on it, and says so.
    real = run(after, dry_run=False, capture=django_capture_on_commit_callbacks)
    assert not real.errors
    assert real.counts[key] >= 1
    assert not scene.alive()[key]
    assert not PendingFileDeletion.objects.exists()
    stored = RetentionRun.objects.filter(dry_run=False).first()
    assert stored.counts[key] == real.counts[key]
    assert AuditEntry.objects.filter(event=AuditEvent.RETENTION, object_id=str(stored.pk)).exists()

    # Running again finds nothing more to do: the schedule acts once.
    again = run(after, dry_run=False, capture=django_capture_on_commit_callbacks)
    assert again.counts[key] == 0

    # Whatever was removed, every custody chain and every remaining file still verifies.
    _, _, problem = verify_chains()
    assert problem is None
    assert verify_stored_files()[1] == []


def test_files_leave_storage_only_with_their_records(django_capture_on_commit_callbacks):
    scene = Scene()
    assert default_storage.exists(scene.withdrawn_cv)
    run(at(2027, 8, 10), dry_run=True)
    assert default_storage.exists(scene.withdrawn_cv)
    run(at(2027, 8, 10), dry_run=False, capture=django_capture_on_commit_callbacks)
    assert not default_storage.exists(scene.withdrawn_cv)
    # The document never handed over keeps its file, however old.
    run(at(2035, 1, 1), dry_run=False, capture=django_capture_on_commit_callbacks)
    kept = scene.kept_document.versions.get()
    assert kept.file_removed_at is None and default_storage.exists(kept.file)


def test_a_cv_goes_from_the_application_history_too(django_capture_on_commit_callbacks):
    scene = Scene()
    run(at(2027, 10, 10), dry_run=False, capture=django_capture_on_commit_callbacks)
    scene.accepted.refresh_from_db()
    assert scene.accepted.cv.name == "" and scene.accepted.cv_name == ""
    assert not scene.accepted.history.exclude(cv="").exists()
    # The withdrawn application is gone with its history.
    assert not type(scene.withdrawn).history.filter(id=scene.withdrawn.pk).exists()


def test_an_anonymised_person_keeps_their_records(django_capture_on_commit_callbacks):
    scene = Scene()
    run(at(2028, 8, 10), dry_run=False, capture=django_capture_on_commit_callbacks)
    leaver = type(scene.leaver).objects.get(pk=scene.leaver.pk)
    assert leaver.full_name == f"Former staff member #{leaver.pk}"
    assert leaver.email == f"former-staff-{leaver.pk}@anonymised.invalid"
    assert leaver.job_title == "" and not leaver.has_usable_password()
    assert not leaver.emailaddress_set.exists()
    entries = AuditEntry.objects.filter(actor=leaver)
    assert entries.exists()
    assert not entries.filter(actor_label__icontains=scene.leaver_email).exists()
    assert not AuditEntry.objects.filter(actor_label__iexact=scene.leaver_email).exists()


def test_the_handover_stays_readable_after_its_file_is_deleted(
    client, django_capture_on_commit_callbacks
):
    scene = Scene()
    run(at(2028, 8, 10), dry_run=False, capture=django_capture_on_commit_callbacks)
    scene.version.refresh_from_db()
    assert scene.version.file_removed_at is not None
    assert scene.version.sha256  # the checksum stays
    with time_machine.travel(at(2028, 8, 10), tick=False):
        client.force_login(scene.world.au_staff)
        page = client.get(scene.handover.get_absolute_url())
        assert page.status_code == 200
        item = scene.handover.items.get()
        gone = client.get(f"/documents/handovers/{scene.handover.reference}/items/{item.pk}/")
    assert gone.status_code in (404, 410)


def test_a_paused_rule_acts_on_nothing(django_capture_on_commit_callbacks):
    scene = Scene()
    RetentionRule.objects.filter(record_type="notifications.notifications").update(enabled=False)
    report = run(at(2027, 8, 10), dry_run=False, capture=django_capture_on_commit_callbacks)
    assert report.counts["notifications.notifications"] == 0
    assert scene.alive()["notifications.notifications"]


def test_a_failed_file_deletion_is_retried_by_the_next_run(
    django_capture_on_commit_callbacks, settings
):
    from .storage import FlakyStorage

    settings.STORAGES = {
        **settings.STORAGES,
        "default": {
            "BACKEND": "tests.records.storage.FlakyStorage",
            "OPTIONS": settings.STORAGES["default"]["OPTIONS"],
        },
    }
    scene = Scene()
    FlakyStorage.refuse_deletes = True
    try:
        run(at(2027, 8, 10), dry_run=False, capture=django_capture_on_commit_callbacks)
    finally:
        FlakyStorage.refuse_deletes = False
    waiting = PendingFileDeletion.objects.get(name=scene.withdrawn_cv)
    assert waiting.attempts == 1 and "storage unavailable" in waiting.last_error
    assert default_storage.exists(scene.withdrawn_cv)
    # The database change is in: the application is gone, only the file waits.
    assert not scene.alive()["exchange.closed_applications"]

    run(at(2027, 8, 11), dry_run=False, capture=django_capture_on_commit_callbacks)
    assert not PendingFileDeletion.objects.exists()
    assert not default_storage.exists(scene.withdrawn_cv)


def test_a_failing_type_is_reported_and_the_others_still_run(
    django_capture_on_commit_callbacks, monkeypatch
):
    from records import registry

    scene = Scene()
    broken = registry.record_type("notifications.notifications")

    def explode(ids, now):
        raise ValueError("boom")

    monkeypatch.setitem(
        registry._types._entries,
        broken.key,
        (
            registry._types._entries[broken.key][0],
            type(broken)(**{**broken.__dict__, "apply": explode}),
        ),
    )
    report = run(at(2027, 8, 10), dry_run=False, capture=django_capture_on_commit_callbacks)
    assert "boom" in report.errors["notifications.notifications"]
    assert scene.alive()["notifications.notifications"]
    assert not scene.alive()["exchange.closed_applications"]
    assert RetentionRun.objects.get(dry_run=False).errors


def test_months_before_keeps_to_the_end_of_short_months():
    assert services.months_before(at(2027, 3, 31), 1) == at(2027, 2, 28)
    assert services.months_before(at(2027, 1, 15), 13) == at(2025, 12, 15)
    assert services.months_before(at(2028, 8, 31), 6) == at(2028, 2, 29)
