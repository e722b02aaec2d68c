"""Conflict of interest: the plan item exists only for a declared conflict, shows the
declaration, and is done only with the plan uploaded (checked like every upload)."""

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from exchange import services
from exchange.models import ChecklistEvidence
from tests.factories import client_for

from .factories import pdf_upload

DETAILS = "My partner leads the host's evaluations team."


def _declared(world):
    return world.accepted(has_conflict_of_interest=True, conflict_of_interest_details=DETAILS)


def test_no_conflict_declared_no_plan_item(world):
    _, secondment = world.accepted()
    assert not secondment.checklist_items.filter(kind="conflict").exists()
    assert secondment.checklist_items.filter(key="agreement").exists()


def test_a_declared_conflict_gets_a_plan_item_linked_to_the_declaration(world):
    """The home side sees the declared details and a link to the application."""
    application, secondment = _declared(world)
    item = secondment.checklist_items.get(kind="conflict")
    assert item.mandatory and item.owner == world.uk_manager
    url = reverse("exchange:checklist_item_update", args=[secondment.pk, item.pk])
    body = client_for(world.uk_manager).get(url).text
    assert "Conflict declared" in body
    assert "My partner leads the host&#x27;s evaluations team." in body
    assert application.get_absolute_url() in body
    assert f"Declared in application {application.reference}" in body


def test_the_plan_item_cannot_be_done_without_the_plan(world):
    """Refused with what to do; done once the plan is uploaded."""
    _, secondment = _declared(world)
    item = secondment.checklist_items.get(kind="conflict")
    with pytest.raises(ValidationError) as exc:
        services.checklist_item_update(item=item, actor=world.uk_manager, status="done")
    assert "Upload the agreed conflict-of-interest handling plan" in " ".join(
        exc.value.message_dict["status"]
    )
    item.refresh_from_db()
    assert item.status == "not_started"

    services.checklist_evidence_add(
        item=item, actor=world.uk_manager, upload=pdf_upload("plan.pdf")
    )
    services.checklist_item_update(item=item, actor=world.uk_manager, status="done")
    item.refresh_from_db()
    assert item.status == "done" and item.completed_by == world.uk_manager


def test_the_plan_is_uploaded_and_checked_from_the_page(world):
    """Done without a file is refused on the form; a file that is not what it claims is
    refused and nothing is kept; a real PDF with the status done is accepted."""
    _, secondment = _declared(world)
    item = secondment.checklist_items.get(kind="conflict")
    url = reverse("exchange:checklist_item_update", args=[secondment.pk, item.pk])
    client = client_for(world.uk_manager)

    response = client.post(url, {"status": "done"})
    assert response.status_code == 200
    assert "Upload the agreed conflict-of-interest handling plan" in response.text

    fake = SimpleUploadedFile("plan.pdf", b"MZ\x90\x00not a pdf", content_type="application/pdf")
    response = client.post(url, {"status": "done", "evidence_upload": fake})
    assert response.status_code == 200
    assert not ChecklistEvidence.objects.exists()
    item.refresh_from_db()
    assert item.status == "not_started"

    response = client.post(url, {"status": "done", "evidence_upload": pdf_upload("plan.pdf")})
    assert response.status_code == 302
    item.refresh_from_db()
    assert item.status == "done"
    assert item.evidence.get().original_name == "plan.pdf"
