"""Document downloads and custody links are mirrored in the audit log, for the admins of
both institutes concerned."""

import datetime

import pytest
import time_machine
from django.urls import reverse

from audit import access
from audit.models import AuditEntry, AuditEvent
from handover.models import CustodyEvent
from tests.factories import UserFactory
from tests.handover.factories import make_document, make_handover, people

pytestmark = pytest.mark.django_db

NOW = datetime.datetime(2026, 11, 27, 10, 0, tzinfo=datetime.UTC)


@pytest.fixture(autouse=True)
def clock():
    with time_machine.travel(NOW, tick=False) as traveller:
        yield traveller


def test_a_handover_download_is_recorded_for_both_institutes(client):
    """The AU recipient downloads a UK document: a download entry (theirs, about the UK
    document) and the custody link, each visible to both institutes' admins."""
    cast = people()
    document = make_document(cast["uk_sender"])
    handover = make_handover(cast["uk_sender"], [cast["au_recipient"]], [document])
    item = handover.items.get()
    client.force_login(cast["au_recipient"])

    response = client.get(
        reverse("handover:handover_item_download", args=[handover.reference, item.pk]),
        REMOTE_ADDR="198.51.100.20",
    )

    assert response.status_code == 200
    (download,) = AuditEntry.objects.filter(event=AuditEvent.FILE_DOWNLOADED)
    assert download.actor == cast["au_recipient"]
    assert (download.institute, download.object_institute) == (cast["au"], cast["uk"])
    assert download.object_type == "handover.documentversion"
    assert download.ip == "198.51.100.20"
    custody = AuditEntry.objects.filter(event=AuditEvent.CUSTODY).order_by("pk")
    assert custody.count() == CustodyEvent.objects.filter(handover=handover).count()
    last = custody.last()
    assert last.new_values["kind"] == "downloaded"
    assert (last.institute, last.object_institute) == (cast["au"], cast["uk"])
    for admin_institute in (cast["uk"], cast["au"]):
        admin = UserFactory(institute=admin_institute, is_staff=True, roles=["Institute admins"])
        assert download in access.entries_visible_to(admin)


def test_the_history_export_has_the_admins_records_versions_only(client):
    """The change history export: each version of the records the admin's pages show
    (a UK admin: the UK document, not the AU one), formula-safe, in the range."""
    import csv
    import io

    from tests.factories import enable_totp

    cast = people()
    uk_doc = make_document(cast["uk_sender"], title="=UK evaluation")
    au_doc = make_document(cast["au_recipient"], title="AU evaluation")
    admin = UserFactory(institute=cast["uk"], is_staff=True, roles=["Institute admins"])
    enable_totp(admin)
    client.force_login(admin)

    response = client.post(
        reverse("admin:audit_auditentry_export"),
        {"start": "2026-11-27", "end": "2026-11-27", "what": "history"},
    )

    assert response.status_code == 200
    assert "change-history-2026-11-27-to-2026-11-27.csv" in response["Content-Disposition"]
    body = b"".join(response.streaming_content).decode("utf-8-sig")
    rows = list(csv.DictReader(io.StringIO(body)))
    documents = [r for r in rows if r["Record type"] == "handover.document"]
    assert {r["Record id"] for r in documents} == {str(uk_doc.pk)}
    assert str(au_doc.pk) not in {r["Record id"] for r in documents}
    assert documents[0]["Change"] == "Added"
    assert '"title": "=UK evaluation"' in documents[0]["Values after the change"]
    assert AuditEntry.objects.filter(event=AuditEvent.EXPORTED, actor=admin).exists()


def test_opening_a_document_is_recorded_for_its_owners_institute(client):
    """A document page opened by someone at the other institute: theirs, about the
    owner's document."""
    cast = people()
    document = make_document(cast["uk_sender"])
    make_handover(cast["uk_sender"], [cast["au_recipient"]], [document])
    client.force_login(cast["au_recipient"])

    assert client.get(document.get_absolute_url()).status_code == 200

    (opened,) = AuditEntry.objects.filter(event=AuditEvent.DOCUMENT_VIEWED)
    assert opened.actor == cast["au_recipient"]
    assert (opened.institute, opened.object_institute) == (cast["au"], cast["uk"])
    assert (opened.object_type, opened.object_id) == ("handover.document", str(document.pk))
