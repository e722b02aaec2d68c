"""Who may tick what: only a checklist item's owner side (or a manager of that side)
changes it; everyone else on the secondment may read it."""

import datetime

import pytest
from django.core.exceptions import PermissionDenied
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from exchange import access, services
from exchange.models import ChecklistEvidence
from tests.factories import client_for

from .factories import PNG_BYTES

CLEARANCE_DONE = {
    "status": "done",
    "clearance_held": "AU_NV1",
    "clearance_recognition_requested_on": datetime.date(2026, 8, 1),
    "clearance_recognition_received_on": datetime.date(2026, 8, 2),
    "clearance_expires_on": datetime.date(2031, 1, 1),
}

# (item key, people who may change it, people on the secondment who may not)
# UK staff go to Australia: the host side is the Australian institute.
SIDES = [
    ("clearance", ["au_supervisor", "au_pm"], ["uk_staff", "uk_manager", "uk_pm"]),
    ("agreement", ["uk_manager", "uk_pm"], ["uk_staff", "au_supervisor", "au_pm"]),
    ("travel", ["uk_staff", "uk_manager", "uk_pm"], ["au_supervisor", "au_pm"]),
]


def _cases(allowed: bool):
    return [(key, who) for key, may, may_not in SIDES for who in (may if allowed else may_not)]


@pytest.mark.parametrize(("key", "who"), _cases(allowed=False))
def test_someone_off_the_owner_side_cannot_change_the_item(world, key, who):
    """The service refuses with a message naming who can, and the item is unchanged."""
    _, secondment = world.accepted()
    item = secondment.checklist_items.get(key=key)
    actor = getattr(world, who)
    assert access.can_work_on_checklist(user=actor, secondment=secondment)
    assert not access.can_change_checklist_item(user=actor, item=item)

    with pytest.raises(PermissionDenied, match="can change"):
        services.checklist_item_update(item=item, actor=actor, status="in_progress")
    with pytest.raises(PermissionDenied):
        services.checklist_evidence_add(
            item=item, actor=actor, upload=SimpleUploadedFile("x.png", PNG_BYTES)
        )
    item.refresh_from_db()
    assert item.status == "not_started"
    assert not ChecklistEvidence.objects.exists()


@pytest.mark.parametrize(("key", "who"), _cases(allowed=True))
def test_the_owner_side_changes_the_item(world, key, who):
    _, secondment = world.accepted()
    item = secondment.checklist_items.get(key=key)
    actor = getattr(world, who)
    assert access.can_change_checklist_item(user=actor, item=item)

    services.checklist_item_update(item=item, actor=actor, status="in_progress", notes="On it")
    item.refresh_from_db()
    assert (item.status, item.notes) == ("in_progress", "On it")


def test_the_secondee_cannot_save_the_hosts_clearance_item_from_the_page(world):
    """The secondee reads the host-owned item but is offered no form, and a forged POST
    changes nothing; the host supervisor saves it from the same page."""
    _, secondment = world.accepted()
    item = secondment.checklist_items.get(key="clearance")
    url = reverse("exchange:checklist_item_update", args=[secondment.pk, item.pk])
    data = {**CLEARANCE_DONE, "clearance_required": "AU_BASELINE"}

    secondee = client_for(world.uk_staff)
    page = secondee.get(url)
    assert page.status_code == 200
    body = page.content.decode()
    assert "multipart/form-data" not in body
    assert "This item is for the host institute" in body
    response = secondee.post(url, data)
    assert response.status_code == 200
    item.refresh_from_db()
    assert item.status == "not_started" and item.clearance_held == ""

    response = client_for(world.au_supervisor).post(url, data)
    assert response.status_code == 302
    item.refresh_from_db()
    assert item.status == "done"
    assert item.completed_by == world.au_supervisor


def test_a_superuser_may_change_any_item(world):
    from tests.factories import UserFactory

    _, secondment = world.accepted()
    item = secondment.checklist_items.get(key="clearance")
    superuser = UserFactory(institute=world.uk, is_superuser=True, is_staff=True)
    assert access.can_change_checklist_item(user=superuser, item=item)
