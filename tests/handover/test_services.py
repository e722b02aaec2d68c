"""Document and handover services: who may act, what is recorded, what is refused."""

import datetime
import threading
from pathlib import Path

import pytest
import time_machine
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection
from django.utils import timezone

from handover import services
from handover.custody import verify_chains
from handover.markings import Marking
from handover.models import (
    AccessEvent,
    CustodyEvent,
    CustodyKind,
    Document,
    DocumentVersion,
    Handover,
    HandoverStatus,
)
from notifications.models import Notification
from tests.factories import UserFactory

from .factories import make_document, make_handover, people, sample_csv, sample_pdf, upload

pytestmark = pytest.mark.django_db


def stored_files(settings) -> list[Path]:
    root = Path(settings.MEDIA_ROOT)
    return [p for p in root.rglob("*") if p.is_file()] if root.exists() else []


def test_upload_stores_the_marking_as_given_and_the_first_version(cast, settings):
    """The marking is kept word for word; version 1 records size, type, hash and uploader."""
    marking = Marking(
        scheme="AU",
        classification="OFFICIAL: Sensitive",
        information_management_markers=("Legal-Privilege",),
        releasability="AUSTEO",
    )
    document = make_document(cast["au_recipient"], title="Agreement", marking=marking)
    document.refresh_from_db()
    assert document.classification == "OFFICIAL: Sensitive"
    assert document.information_management_markers == ["Legal-Privilege"]
    assert document.releasability == "AUSTEO"
    assert document.owner_institute == cast["au"]
    assert document.marking_text == "OFFICIAL: Sensitive // Legal-Privilege // AUSTEO"
    version = document.versions.get()
    assert version.number == 1
    assert version.media_type == "application/pdf"
    assert version.uploaded_by == cast["au_recipient"]
    assert len(version.sha256) == 64
    assert len(stored_files(settings)) == 1
    assert document.history.count() == 1


@pytest.mark.parametrize(
    ("scheme", "classification"),
    [
        ("UK", "SECRET"),
        ("UK", "TOP SECRET"),
        ("AU", "PROTECTED"),
        ("AU", "SECRET"),
        ("AU", "TOP SECRET"),
    ],
)
def test_upload_above_the_ceiling_is_refused_and_nothing_is_stored(
    cast, settings, scheme, classification
):
    """A SECRET (or AU PROTECTED) document never reaches the database or the file store."""
    with pytest.raises(ValidationError) as caught:
        make_document(
            cast["uk_sender"], marking=Marking(scheme=scheme, classification=classification)
        )
    assert "OFFICIAL-level information only" in caught.value.message_dict["classification"][0]
    assert Document.objects.count() == 0
    assert DocumentVersion.objects.count() == 0
    assert stored_files(settings) == []


def test_upload_of_a_bad_file_saves_nothing(cast, settings):
    """A disguised file is refused after the document row was begun: it is rolled back."""
    with pytest.raises(ValidationError) as caught:
        make_document(cast["uk_sender"], name="report.pdf", content=b"MZ not really a pdf")
    assert "not what its name says" in caught.value.message_dict["file"][0]
    assert Document.objects.count() == 0
    assert stored_files(settings) == []


def test_a_person_cannot_upload_what_they_could_not_open(cast):
    """A UK national cannot upload an AUSTEO document."""
    with pytest.raises(ValidationError) as caught:
        make_document(
            cast["uk_sender"],
            marking=Marking(scheme="AU", classification="OFFICIAL", releasability="AUSTEO"),
        )
    assert "AUSTEO" in caught.value.message_dict["releasability"][0]
    assert Document.objects.count() == 0


def test_new_versions_are_numbered_and_earlier_versions_never_change(cast):
    """Adding a version keeps version 1 exactly as it was; a version cannot be re-saved."""
    document = make_document(cast["uk_sender"])
    first = document.versions.get()
    second = services.document_version_add(
        user=cast["uk_colleague"],
        document=document,
        uploaded=upload("report-v2.pdf", sample_pdf("v2")),
        note="Comments addressed",
    )
    assert second.number == 2
    assert second.note == "Comments addressed"
    first_again = DocumentVersion.objects.get(pk=first.pk)
    assert (first_again.sha256, first_again.size) == (first.sha256, first.size)
    first_again.note = "rewritten"
    with pytest.raises(ValueError, match="immutable"):
        first_again.save()


def test_only_the_owner_institute_adds_versions(cast):
    """A person at the partner institute may not add a version, even as a recipient."""
    document = make_document(cast["uk_sender"])
    make_handover(cast["uk_sender"], [cast["au_recipient"]], [document])
    with pytest.raises(PermissionDenied):
        services.document_version_add(
            user=cast["au_recipient"], document=document, uploaded=upload("x.csv", sample_csv())
        )


def test_references_are_sequential_per_year(cast):
    """HO-YYYY-NNNN counts up within a year and starts again at 0001 in the next."""
    document = make_document(cast["uk_sender"])
    with time_machine.travel(datetime.datetime(2026, 12, 30, 12, tzinfo=datetime.UTC)):
        first = make_handover(cast["uk_sender"], [cast["au_recipient"]], [document])
        second = make_handover(cast["uk_sender"], [cast["au_other"]], [document])
    with time_machine.travel(datetime.datetime(2027, 1, 2, 12, tzinfo=datetime.UTC)):
        third = make_handover(cast["uk_sender"], [cast["au_recipient"]], [document])
    assert [first.reference, second.reference, third.reference] == [
        "HO-2026-0001",
        "HO-2026-0002",
        "HO-2027-0001",
    ]


@pytest.mark.django_db(transaction=True)
def test_references_stay_unique_when_prepared_at_the_same_moment(postgres):
    """Handovers prepared concurrently each get their own number, with no gaps."""
    cast = people()
    document = make_document(cast["uk_sender"])
    references, errors = [], []
    barrier = threading.Barrier(6)

    def prepare():
        try:
            barrier.wait()
            handover = make_handover(
                cast["uk_sender"], [cast["au_recipient"]], [document], send=False
            )
            references.append(handover.reference)
        except Exception as exc:  # noqa: BLE001 - reported below
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=prepare) for _ in range(6)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    year = timezone.now().year
    assert sorted(references) == [f"HO-{year}-{n:04d}" for n in range(1, 7)]


def test_prepare_refuses_bad_input_and_saves_nothing(cast):
    """Past date, a recipient outside the receiving institute and no documents: all refused."""
    document = make_document(cast["uk_sender"])
    with pytest.raises(ValidationError) as caught:
        services.handover_prepare(
            sender=cast["uk_sender"],
            receiving_institute=cast["au"],
            recipients=[cast["au_recipient"], cast["uk_colleague"]],
            versions=[document.versions.get()],
            acknowledge_by=timezone.localdate() - datetime.timedelta(days=1),
        )
    errors = caught.value.message_dict
    assert "must be people at the receiving institute" in errors["recipients"][0]
    assert "today or in the future" in errors["acknowledge_by"][0]
    with pytest.raises(ValidationError) as caught:
        services.handover_prepare(
            sender=cast["uk_sender"],
            receiving_institute=cast["uk"],
            recipients=[],
            versions=[],
            acknowledge_by=timezone.localdate(),
        )
    errors = caught.value.message_dict
    assert "another institute" in errors["receiving_institute"][0]
    assert "at least one recipient" in errors["recipients"][0]
    assert "at least one document" in errors["versions"][0]
    assert Handover.objects.count() == 0
    assert CustodyEvent.objects.count() == 0


def test_prepare_refuses_a_document_the_recipient_may_not_receive(cast):
    """A UK EYES ONLY document cannot be handed to the Australian institute."""
    document = make_document(
        cast["uk_sender"],
        marking=Marking(scheme="UK", classification="OFFICIAL", releasability="UK EYES ONLY"),
    )
    with pytest.raises(ValidationError) as caught:
        make_handover(cast["uk_sender"], [cast["au_recipient"]], [document])
    assert "UK EYES ONLY" in caught.value.message_dict["recipients"][0]
    assert Handover.objects.count() == 0


def test_prepare_refuses_another_institutes_document(cast):
    """A sender may hand over only their own institute's documents."""
    theirs = make_document(cast["au_recipient"])
    with pytest.raises(ValidationError) as caught:
        make_handover(cast["uk_sender"], [cast["au_other"]], [theirs])
    assert "not a document of your institute" in caught.value.message_dict["versions"][0]


def test_send_notifies_each_recipient_with_the_packages_marking(cast):
    """Recipients hear on send; the notice carries the package's highest marking, which
    notifications put in front of every email subject (so it is not repeated here)."""
    low = make_document(cast["uk_sender"], title="Low")
    high = make_document(
        cast["uk_sender"],
        title="High",
        marking=Marking(
            scheme="UK", classification="OFFICIAL-SENSITIVE", descriptors=("COMMERCIAL",)
        ),
    )
    handover = make_handover(
        cast["uk_sender"], [cast["au_recipient"], cast["au_other"]], [low, high]
    )
    assert handover.status == HandoverStatus.SENT
    sent = Notification.objects.filter(kind="handover_sent").order_by("recipient__full_name")
    assert [n.recipient for n in sent] == [cast["au_recipient"], cast["au_other"]]
    for notice in sent:
        assert notice.marking == "OFFICIAL-SENSITIVE COMMERCIAL"
        # The notifications app puts the marking in front of the email subject.
        assert "OFFICIAL" not in notice.subject
        assert handover.reference in notice.subject
        assert notice.url == handover.get_absolute_url()
        assert notice.about == handover
    with pytest.raises(ValidationError):
        services.handover_send(handover=handover, user=cast["uk_sender"])
    with pytest.raises(PermissionDenied):
        services.handover_send(handover=handover, user=cast["uk_colleague"])


def test_acknowledge_verifies_checksums_records_custody_and_tells_the_sender(cast):
    """A clean acknowledgement records who and when, and the chain verifies."""
    document = make_document(cast["uk_sender"])
    handover = make_handover(cast["uk_sender"], [cast["au_recipient"]], [document])
    item = handover.items.get()
    services.handover_item_download(handover=handover, item=item, user=cast["au_recipient"])
    services.handover_acknowledge(handover=handover, user=cast["au_recipient"])
    handover.refresh_from_db()
    assert handover.status == HandoverStatus.ACKNOWLEDGED
    assert handover.acknowledged_by == cast["au_recipient"]
    assert list(handover.custody.values_list("kind", flat=True)) == [
        CustodyKind.CREATED,
        CustodyKind.SENT,
        CustodyKind.DOWNLOADED,
        CustodyKind.ACKNOWLEDGED,
    ]
    assert AccessEvent.objects.filter(action="download", handover=handover).count() == 1
    notice = Notification.objects.get(kind="handover_acknowledged")
    assert notice.recipient == cast["uk_sender"]
    assert notice.marking == "OFFICIAL"
    assert verify_chains()[2] is None


def test_a_file_altered_on_disk_makes_acknowledgement_fail_and_the_sender_is_told(cast, settings):
    """Tampered storage: acknowledgement is refused, the refusal is kept in custody, the
    sender is notified, and the handover stays sent."""
    document = make_document(cast["uk_sender"], title="Protocol")
    handover = make_handover(cast["uk_sender"], [cast["au_recipient"]], [document])
    version = document.versions.get()
    (Path(settings.MEDIA_ROOT) / version.file).write_bytes(sample_pdf("something else"))

    with pytest.raises(ValidationError) as caught:
        services.handover_acknowledge(handover=handover, user=cast["au_recipient"])
    assert "Acknowledgement refused" in caught.value.messages[0]
    assert "report.pdf" in caught.value.messages[0]
    handover.refresh_from_db()
    assert handover.status == HandoverStatus.SENT
    failure = handover.custody.get(kind=CustodyKind.INTEGRITY_FAILED)
    assert failure.detail["mismatches"][0]["expected"] == version.sha256
    alert = Notification.objects.get(kind="handover_integrity_failed")
    assert alert.recipient == cast["uk_sender"]
    assert "acknowledgement refused" in alert.subject
    assert not Notification.objects.filter(kind="handover_acknowledged").exists()


def test_a_missing_stored_file_also_refuses_acknowledgement(cast, settings):
    """A file removed from storage counts as a mismatch, not a crash."""
    document = make_document(cast["uk_sender"])
    handover = make_handover(cast["uk_sender"], [cast["au_recipient"]], [document])
    (Path(settings.MEDIA_ROOT) / document.versions.get().file).unlink()
    with pytest.raises(ValidationError):
        services.handover_acknowledge(handover=handover, user=cast["au_recipient"])
    assert handover.custody.filter(kind=CustodyKind.INTEGRITY_FAILED).exists()


def test_only_recipients_acknowledge_or_query(cast):
    """The sender, a colleague of the recipient, or a stranger cannot acknowledge."""
    document = make_document(cast["uk_sender"])
    handover = make_handover(cast["uk_sender"], [cast["au_recipient"]], [document])
    for person in (cast["uk_sender"], cast["au_other"], UserFactory()):
        with pytest.raises(PermissionDenied):
            services.handover_acknowledge(handover=handover, user=person)
        with pytest.raises(PermissionDenied):
            services.handover_query(handover=handover, user=person, reason="Why?")


def test_query_needs_a_reason_and_tells_the_sender(cast):
    """A query without a reason is refused; with one, the sender is told why."""
    document = make_document(cast["uk_sender"])
    handover = make_handover(cast["uk_sender"], [cast["au_recipient"]], [document])
    with pytest.raises(ValidationError) as caught:
        services.handover_query(handover=handover, user=cast["au_recipient"], reason="  ")
    assert "reason" in caught.value.message_dict
    services.handover_query(
        handover=handover, user=cast["au_recipient"], reason="Appendix B is missing."
    )
    handover.refresh_from_db()
    assert handover.status == HandoverStatus.QUERIED
    assert handover.query_reason == "Appendix B is missing."
    notice = Notification.objects.get(kind="handover_queried")
    assert notice.recipient == cast["uk_sender"]
    assert notice.body == "Appendix B is missing."
    # After an answer outside the portal the recipient may still acknowledge.
    services.handover_acknowledge(handover=handover, user=cast["au_recipient"])
    handover.refresh_from_db()
    assert handover.status == HandoverStatus.ACKNOWLEDGED


def test_withdraw_before_acknowledgement_only_and_access_ends(cast):
    """The sender withdraws a sent handover; recipients lose access; acknowledged is final."""
    from handover.access import documents_visible_to

    document = make_document(cast["uk_sender"])
    handover = make_handover(cast["uk_sender"], [cast["au_recipient"]], [document])
    assert documents_visible_to(cast["au_recipient"]).filter(pk=document.pk).exists()
    with pytest.raises(PermissionDenied):
        services.handover_withdraw(handover=handover, user=cast["au_recipient"])
    services.handover_withdraw(handover=handover, user=cast["uk_sender"], reason="Wrong file")
    assert not documents_visible_to(cast["au_recipient"]).filter(pk=document.pk).exists()
    assert Notification.objects.filter(
        kind="handover_withdrawn", recipient=cast["au_recipient"]
    ).exists()

    done = make_handover(cast["uk_sender"], [cast["au_recipient"]], [document])
    services.handover_acknowledge(handover=done, user=cast["au_recipient"])
    with pytest.raises(ValidationError, match="already acknowledged"):
        services.handover_withdraw(handover=done, user=cast["uk_sender"])


def test_a_recipient_downloading_from_the_document_page_is_in_custody_too(cast):
    """However a recipient fetches a handed-over file, the handover's custody records it."""
    document = make_document(cast["uk_sender"])
    handover = make_handover(cast["uk_sender"], [cast["au_recipient"]], [document])
    services.version_download(version=document.versions.get(), user=cast["au_recipient"])
    services.version_download(version=document.versions.get(), user=cast["uk_colleague"])
    downloads = handover.custody.filter(kind=CustodyKind.DOWNLOADED)
    assert [e.actor for e in downloads] == [cast["au_recipient"]]
    assert downloads.get().detail["via"] == "document page"
    assert AccessEvent.objects.filter(action="download").count() == 2
    assert verify_chains()[2] is None


def test_acknowledge_by_is_judged_by_the_senders_own_calendar(cast):
    """At 20:00 UTC it is already tomorrow in Canberra: an AU sender cannot pick the UTC
    date, a UK sender still can."""
    from zoneinfo import ZoneInfo

    uk_doc = make_document(cast["uk_sender"])
    au_doc = make_document(cast["au_recipient"])
    moment = datetime.datetime(2026, 6, 1, 20, 0, tzinfo=datetime.UTC)
    with time_machine.travel(moment, tick=False):
        utc_today = moment.date()
        assert timezone.localdate(timezone=ZoneInfo("Australia/Sydney")) > utc_today
        with pytest.raises(ValidationError) as caught:
            services.handover_prepare(
                sender=cast["au_recipient"],
                receiving_institute=cast["uk"],
                recipients=[cast["uk_sender"]],
                versions=[au_doc.versions.get()],
                acknowledge_by=utc_today,
            )
        assert "today or in the future" in caught.value.message_dict["acknowledge_by"][0]
        handover = services.handover_prepare(
            sender=cast["uk_sender"],
            receiving_institute=cast["au"],
            recipients=[cast["au_recipient"]],
            versions=[uk_doc.versions.get()],
            acknowledge_by=utc_today,
        )
    assert handover.acknowledge_by == utc_today


def test_everything_works_on_storage_without_local_paths(cast, settings, client):
    """Object storage has no local file: upload, download and the checksum re-check use
    only the storage API. Django's in-memory storage keeps nothing on disk, so any code
    that opened ``storage.path(name)`` would fail here."""
    import os

    from django.core.files.storage import default_storage
    from django.urls import reverse

    settings.STORAGES = {
        **settings.STORAGES,
        "default": {"BACKEND": "django.core.files.storage.InMemoryStorage"},
    }
    document = make_document(cast["uk_sender"], content=sample_pdf("in memory"))
    stored = document.versions.get().file
    assert default_storage.exists(stored)
    assert not os.path.exists(default_storage.path(stored))
    handover = make_handover(cast["uk_sender"], [cast["au_recipient"]], [document])
    client.force_login(cast["au_recipient"])
    response = client.get(
        reverse(
            "handover:handover_item_download",
            args=[handover.reference, handover.items.get().pk],
        )
    )
    assert b"".join(response.streaming_content) == sample_pdf("in memory")
    services.handover_acknowledge(handover=handover, user=cast["au_recipient"])
    handover.refresh_from_db()
    assert handover.status == HandoverStatus.ACKNOWLEDGED
