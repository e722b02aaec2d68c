"""Clearances across the two schemes: the recognition table decides whether a level held
in the home scheme meets the host's; an item whose level is not enough, or whose
clearance lapses before the secondment ends, cannot be marked done."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from exchange import access, services
from exchange.models import ChecklistItem, ClearanceRecognition
from tests.factories import client_for
from tests.security.admin.support import institute_admin

RECOGNISED = {
    "clearance_recognition_requested_on": datetime.date(2026, 8, 1),
    "clearance_recognition_received_on": datetime.date(2026, 8, 2),
    "clearance_expires_on": datetime.date(2031, 1, 1),
}


@pytest.mark.parametrize(
    ("held", "required", "meets"),
    [
        ("UK_BPSS", "AU_BASELINE", True),
        ("UK_CTC", "AU_BASELINE", True),
        ("UK_BPSS", "AU_NV1", False),
        ("UK_SC", "AU_NV1", True),
        ("UK_SC", "AU_BASELINE", True),
        ("UK_ESC", "AU_NV2", False),
        ("UK_DV", "AU_NV2", True),
        ("UK_EDV", "AU_PV", False),
        ("AU_BASELINE", "UK_BPSS", True),
        ("AU_BASELINE", "UK_CTC", False),
        ("AU_NV1", "UK_CTC", True),
        ("AU_NV1", "UK_SC", True),
        ("AU_NV1", "UK_ESC", False),
        ("AU_NV2", "UK_ESC", True),
        ("AU_NV2", "UK_DV", False),
        ("AU_PV", "UK_ESC", True),
        ("AU_PV", "UK_DV", False),
    ],
)
def test_the_default_recognitions_compare_the_two_schemes(world, held, required, meets):
    """The seeded defaults, with a higher held level meeting what a lower one does and a
    recognised level meeting every lower host level; nothing of PV or DV is assumed."""
    assert services.clearance_meets(held, required) is meets


def test_an_admins_recognition_changes_the_answer(world):
    assert services.clearance_meets("AU_NV2", "UK_DV") is False
    recognition = ClearanceRecognition.objects.create(held="AU_NV2", meets="UK_DV")
    assert services.clearance_meets("AU_NV2", "UK_DV") is True
    recognition.delete()
    ClearanceRecognition.objects.filter(held="UK_SC").delete()
    assert services.clearance_meets("UK_SC", "AU_NV1") is False


def _clearance(secondment) -> ChecklistItem:
    return secondment.checklist_items.get(key="clearance")


# (applicant, host side person, required, held too low, held enough)
DIRECTIONS = [
    ("uk_staff", "au_supervisor", "AU_NV1", "UK_BPSS", "UK_SC"),
    ("au_staff", "uk_pm", "UK_SC", "AU_BASELINE", "AU_NV1"),
]


@pytest.mark.parametrize(("applicant", "host", "required", "low", "enough"), DIRECTIONS)
def test_a_level_below_the_requirement_cannot_be_done(
    world, applicant, host, required, low, enough
):
    """Both directions: the refusal names the two levels and what to do; the item is
    unchanged. With a level the table recognises it is done."""
    _, secondment = world.accepted(applicant=getattr(world, applicant))
    item = _clearance(secondment)
    actor = getattr(world, host)
    services.checklist_item_update(item=item, actor=actor, clearance_required=required)

    with pytest.raises(ValidationError) as exc:
        services.checklist_item_update(
            item=item, actor=actor, status="done", clearance_held=low, **RECOGNISED
        )
    message = " ".join(exc.value.message_dict["clearance_held"])
    assert "does not meet the host's requirement" in message
    assert "Clearance recognitions" in message
    item.refresh_from_db()
    assert (item.status, item.clearance_held) == ("not_started", "")

    services.checklist_item_update(
        item=item, actor=actor, status="done", clearance_held=enough, **RECOGNISED
    )
    item.refresh_from_db()
    assert item.status == "done" and item.completed_by == actor


@pytest.mark.parametrize(
    ("expires", "says"),
    [
        (datetime.date(2026, 7, 31), "The clearance expired on 31 July 2026"),
        (datetime.date(2027, 3, 31), "before the secondment ends on 1 April 2027"),
    ],
)
def test_a_clearance_that_lapses_before_the_end_cannot_be_done(world, expires, says):
    """Expired already, or expiring before the secondment ends: refused with the dates
    and what to do. Lasting to the last day is enough."""
    _, secondment = world.accepted()
    item = _clearance(secondment)
    fields = {**RECOGNISED, "status": "done", "clearance_held": "UK_SC"}
    with pytest.raises(ValidationError) as exc:
        services.checklist_item_update(
            item=item, actor=world.au_supervisor, **{**fields, "clearance_expires_on": expires}
        )
    message = " ".join(exc.value.message_dict["clearance_expires_on"])
    assert says in message and "renewed" in message

    services.checklist_item_update(
        item=item,
        actor=world.au_supervisor,
        **{**fields, "clearance_expires_on": secondment.end_date},
    )
    item.refresh_from_db()
    assert item.status == "done"


@pytest.mark.parametrize(("applicant", "host", "required", "low", "enough"), DIRECTIONS)
def test_the_page_says_whether_the_level_is_enough(world, applicant, host, required, low, enough):
    """Not known, no, then yes; and a refused save comes back on the form."""
    _, secondment = world.accepted(applicant=getattr(world, applicant))
    item = _clearance(secondment)
    actor = getattr(world, host)
    url = reverse("exchange:checklist_item_update", args=[secondment.pk, item.pk])
    client = client_for(actor)

    services.checklist_item_update(item=item, actor=actor, clearance_required=required)
    assert "Not known yet: enter the level the secondee holds" in client.get(url).text

    services.checklist_item_update(item=item, actor=actor, clearance_held=low)
    body = client.get(url).text
    assert "Is the level held enough?" in body
    assert "No: " in body and "does not meet the host's requirement" in body

    response = client.post(
        url,
        {
            "status": "done",
            "clearance_required": required,
            "clearance_held": low,
            "clearance_recognition_requested_on": "2026-08-01",
            "clearance_recognition_received_on": "2026-08-02",
            "clearance_expires_on": "2031-01-01",
        },
    )
    assert response.status_code == 200
    assert "Get the secondee vetted to the level required" in response.text
    item.refresh_from_db()
    assert item.status == "not_started"

    services.checklist_item_update(item=item, actor=actor, clearance_held=enough)
    assert "Yes: " in client.get(url).text


def test_each_host_institutes_admins_keep_their_own_schemes_recognitions(world):
    """An AU institute admin records what Australia recognises, not what the UK does;
    a superuser may change any row."""
    admin = institute_admin(world.au)
    assert access.can_change_clearance_recognition(user=admin, meets="AU_NV1")
    assert not access.can_change_clearance_recognition(user=admin, meets="UK_SC")
    assert not access.can_change_clearance_recognition(user=world.au_staff, meets="AU_NV1")

    client = client_for(admin)
    add = reverse("admin:exchange_clearancerecognition_add")
    refused = client.post(add, {"held": "UK_DV", "meets": "UK_DV"})
    assert refused.status_code == 200
    assert not ClearanceRecognition.objects.filter(meets="UK_DV").exists()
    refused = client.post(add, {"held": "AU_NV2", "meets": "UK_DV"})
    assert refused.status_code == 200
    assert "your own institute recognises" in refused.text
    assert not ClearanceRecognition.objects.filter(held="AU_NV2", meets="UK_DV").exists()

    made = client.post(add, {"held": "UK_EDV", "meets": "AU_PV", "notes": "Agreed 2026"})
    assert made.status_code == 302
    assert ClearanceRecognition.objects.filter(held="UK_EDV", meets="AU_PV").exists()

    uk_row = ClearanceRecognition.objects.get(held="AU_NV1", meets="UK_SC")
    uk_row.notes = "Confirmed by both security teams."
    uk_row.save()  # a past version to open
    change = reverse("admin:exchange_clearancerecognition_change", args=[uk_row.pk])
    assert client.get(change).status_code == 200  # read only
    assert client.post(change, {"held": "AU_NV1", "meets": "UK_ESC"}).status_code == 403
    delete = reverse("admin:exchange_clearancerecognition_delete", args=[uk_row.pk])
    assert client.post(delete, {"post": "yes"}).status_code == 403
    first = uk_row.history.order_by("history_id").first()
    revert = reverse(
        "admin:exchange_clearancerecognition_simple_history", args=[uk_row.pk, first.pk]
    )
    assert client.get(revert).status_code == 200  # read only
    assert client.post(revert, {"held": "AU_NV1", "meets": "AU_NV1"}).status_code == 403
    uk_row.refresh_from_db()
    assert uk_row.meets == "UK_SC"


def test_a_level_held_in_the_hosts_scheme_compares_by_order(world):
    """A secondee who already holds a host-scheme level: the order decides, without the
    table, and the refusal says so."""
    _, secondment = world.accepted()
    item = _clearance(secondment)
    actor = world.au_supervisor
    services.checklist_item_update(item=item, actor=actor, clearance_required="AU_NV1")
    with pytest.raises(ValidationError) as exc:
        services.checklist_item_update(
            item=item, actor=actor, status="done", clearance_held="AU_BASELINE", **RECOGNISED
        )
    assert "AU Baseline is below the host's requirement of AU Negative Vetting 1" in " ".join(
        exc.value.message_dict["clearance_held"]
    )
    ClearanceRecognition.objects.all().delete()
    services.checklist_item_update(
        item=item, actor=actor, status="done", clearance_held="AU_NV2", **RECOGNISED
    )
    item.refresh_from_db()
    assert item.status == "done"
