"""The admin: documents, versions (read-only facts), handovers with items, events read-only."""

import pytest
from django.urls import reverse

from handover.models import AccessEvent, CustodyEvent, DocumentVersion
from tests.factories import UserFactory, enable_totp

from .factories import make_document, make_handover, people

pytestmark = pytest.mark.django_db


@pytest.fixture
def admin_client(client):
    cast = people()
    document = make_document(cast["uk_sender"])
    handover = make_handover(cast["uk_sender"], [cast["au_recipient"]], [document])
    admin = UserFactory(institute=cast["uk"], is_staff=True, is_superuser=True)
    enable_totp(admin)
    client.force_login(admin)
    return client, document, handover


def test_admin_pages_list_and_show_handover_records(admin_client):
    """Every handover admin page opens, with history for documents and handovers."""
    client, document, handover = admin_client
    version = document.versions.get()
    event = CustodyEvent.objects.first()
    urls = [
        reverse("admin:handover_document_changelist"),
        reverse("admin:handover_document_change", args=[document.pk]),
        reverse("admin:handover_document_history", args=[document.pk]),
        reverse("admin:handover_documentversion_changelist"),
        reverse("admin:handover_documentversion_change", args=[version.pk]),
        reverse("admin:handover_handover_changelist"),
        reverse("admin:handover_handover_change", args=[handover.pk]),
        reverse("admin:handover_handover_history", args=[handover.pk]),
        reverse("admin:handover_custodyevent_changelist"),
        reverse("admin:handover_custodyevent_change", args=[event.pk]),
        reverse("admin:handover_accessevent_changelist"),
    ]
    for url in urls:
        assert client.get(url).status_code == 200, url
    body = client.get(reverse("admin:handover_handover_change", args=[handover.pk])).content
    assert handover.reference.encode() in body
    assert version.sha256.encode() in body


def test_versions_and_events_cannot_be_changed_or_deleted_in_the_admin(admin_client):
    """Version facts and custody/access events are read-only, even for a superuser."""
    client, document, handover = admin_client
    version = document.versions.get()
    event = CustodyEvent.objects.first()
    before = (version.sha256, event.hash)
    client.post(
        reverse("admin:handover_documentversion_change", args=[version.pk]),
        {"sha256": "0" * 64, "original_name": "x"},
    )
    client.post(reverse("admin:handover_custodyevent_change", args=[event.pk]), {"kind": "sent"})
    assert client.get(reverse("admin:handover_documentversion_add")).status_code == 403
    assert (
        client.post(
            reverse("admin:handover_custodyevent_delete", args=[event.pk]), {"post": "yes"}
        ).status_code
        == 403
    )
    assert client.get(reverse("admin:handover_accessevent_add")).status_code == 403
    version.refresh_from_db()
    event.refresh_from_db()
    assert (version.sha256, event.hash) == before
    assert DocumentVersion.objects.count() == 1
    assert AccessEvent.objects.count() == 0


def test_institute_admins_see_only_their_institutes_records(client):
    """An AU institute admin sees AU documents and handovers touching AU, not UK-only ones."""
    from accounts.models import Role

    cast = people()
    uk_only = make_document(cast["uk_sender"], title="UK internal note")
    shared = make_document(cast["uk_sender"], title="Shared protocol")
    au_doc = make_document(cast["au_recipient"], title="AU benchmark")
    handover = make_handover(cast["uk_sender"], [cast["au_recipient"]], [shared])
    admin = UserFactory(institute=cast["au"], roles=[Role.INSTITUTE_ADMIN])
    enable_totp(admin)
    client.force_login(admin)
    documents = client.get(reverse("admin:handover_document_changelist")).content.decode()
    assert au_doc.title in documents
    assert uk_only.title not in documents
    handovers = client.get(reverse("admin:handover_handover_changelist")).content.decode()
    assert handover.reference in handovers
    assert (
        client.get(reverse("admin:handover_document_change", args=[uk_only.pk])).status_code == 302
    )


def test_the_admin_refuses_a_marking_above_the_ceiling(admin_client):
    """Editing a document in the admin keeps to the marking rules."""
    client, document, _ = admin_client
    url = reverse("admin:handover_document_change", args=[document.pk])
    data = {
        "title": document.title,
        "owner_institute": document.owner_institute_id,
        "scheme": "UK",
        "classification": "SECRET",
        "descriptors": "[]",
        "handling_instructions": "[]",
        "information_management_markers": "[]",
        "releasability": "",
        "versions-TOTAL_FORMS": "1",
        "versions-INITIAL_FORMS": "1",
        "versions-MIN_NUM_FORMS": "0",
        "versions-MAX_NUM_FORMS": "1000",
        "versions-0-id": document.versions.get().pk,
        "versions-0-document": document.pk,
    }
    response = client.post(url, data)
    assert response.status_code == 200
    assert "OFFICIAL-level information only" in response.content.decode()
    document.refresh_from_db()
    assert document.classification == "OFFICIAL"
    data["classification"] = "OFFICIAL-SENSITIVE"
    response = client.post(url, data)
    assert response.status_code == 302, response.content.decode()[:3000]
    document.refresh_from_db()
    assert document.classification == "OFFICIAL-SENSITIVE"
    assert document.history.count() == 2
