"""Document handover's access rules are each defined once (handover/access.py) and every
layer asks them: pages, downloads, manifests, services and the reminders."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from handover import access, services
from handover.demo import sample_pdf, upload
from handover.models import Document, DocumentVersion, Handover
from notifications import rules

from .factories import make_document, make_handover

pytestmark = pytest.mark.django_db


def nobody(model):
    return lambda user: model.objects.none()


def test_documents_and_versions_visible_to_are_the_one_rule(cast, client, monkeypatch):
    """Hide every document: its page, the list, downloads and new versions follow."""
    document = make_document(cast["uk_sender"])
    client.force_login(cast["uk_sender"])
    page = document.get_absolute_url()
    download = reverse("handover:version_download", args=[document.pk, 1])
    assert client.get(page).status_code == 200
    monkeypatch.setattr(access, "documents_visible_to", nobody(Document))
    monkeypatch.setattr(access, "versions_visible_to", nobody(DocumentVersion))

    assert client.get(page).status_code == 404
    assert client.get(download).status_code == 404
    assert list(client.get(reverse("handover:document_list")).context["page_obj"]) == []
    with pytest.raises(PermissionDenied):
        services.document_version_add(
            user=cast["uk_sender"], document=document, uploaded=upload("v2.pdf", sample_pdf())
        )


def test_handovers_visible_to_is_the_one_rule(cast, client, monkeypatch):
    """Hide every handover: its page, its manifest and item downloads follow, and the
    reminders re-check with the rule itself."""
    document = make_document(cast["uk_sender"])
    handover = make_handover(cast["uk_sender"], [cast["au_recipient"]], [document])
    client.force_login(cast["au_recipient"])
    manifest = reverse(
        "handover:handover_manifest", kwargs={"reference": handover.reference, "fmt": "csv"}
    )
    assert client.get(handover.get_absolute_url()).status_code == 200
    rule = access.handovers_visible_to
    monkeypatch.setattr(access, "handovers_visible_to", nobody(Handover))

    assert client.get(handover.get_absolute_url()).status_code == 404
    assert client.get(manifest).status_code == 404
    assert rules.visibility_for(Handover) is rule
    assert {r.visible_to for r in rules.all_rules() if r.model is Handover} == {rule}


def test_can_open_document_is_the_one_rule(cast, client, monkeypatch):
    """Refuse the releasability check: item downloads stop and recipients are refused."""
    document = make_document(cast["uk_sender"])
    handover = make_handover(cast["uk_sender"], [cast["au_recipient"]], [document])
    item = handover.items.get()
    client.force_login(cast["au_recipient"])
    download = reverse(
        "handover:handover_item_download",
        kwargs={"reference": handover.reference, "item_id": item.pk},
    )
    monkeypatch.setattr(access, "can_open_document", lambda user, document: False)

    assert client.get(download).status_code == 404
    with pytest.raises(ValidationError):
        make_handover(cast["uk_sender"], [cast["au_recipient"]], [document])


def test_the_sender_and_recipient_rules_are_the_one_rule(cast, client, monkeypatch):
    """Refuse the sender and the recipient: the buttons 404 and the services refuse."""
    document = make_document(cast["uk_sender"])
    draft = make_handover(cast["uk_sender"], [cast["au_recipient"]], [document], send=False)
    monkeypatch.setattr(access, "is_handover_sender", lambda **kwargs: False)
    monkeypatch.setattr(access, "is_handover_recipient", lambda **kwargs: False)

    client.force_login(cast["uk_sender"])
    assert client.post(reverse("handover:handover_send", args=[draft.reference])).status_code == 404
    with pytest.raises(PermissionDenied):
        services.handover_send(handover=draft, user=cast["uk_sender"])
    assert access.handover_actions_for(user=cast["uk_sender"], handover=draft) == {"download"}
