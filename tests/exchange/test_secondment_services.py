"""Secondments: readiness, dates, checklist rules, reports, uploads."""

import datetime

import pytest
import time_machine
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile

from exchange import services
from exchange.models import ChecklistItem, Secondment, SecondmentDateChange
from exchange.selectors import reciprocity_for

from .factories import PDF_BYTES, PNG_BYTES, pdf_upload

DONE = ChecklistItem.Status.DONE


def finish_mandatory(world, secondment):
    """Complete every mandatory item with the data each kind needs."""
    for item in secondment.checklist_items.filter(mandatory=True):
        fields = {"status": DONE}
        if item.kind == "agreement":
            fields["signing_method"] = "e_signed"
        if item.kind == "clearance":
            fields.update(
                clearance_held="UK_SC",
                clearance_recognition_requested_on=datetime.date(2026, 8, 1),
                clearance_recognition_received_on=datetime.date(2026, 8, 2),
                clearance_expires_on=datetime.date(2031, 1, 1),
            )
        if item.kind == "visa":
            fields.update(
                visa_route="AU_403",
                visa_stream="Government-to-government",
                letter_of_support_on=datetime.date(2026, 7, 1),
                visa_applied_on=datetime.date(2026, 7, 10),
                visa_granted_on=datetime.date(2026, 7, 30),
                visa_expires_on=datetime.date(2027, 6, 1),
            )
        services.checklist_item_update(item=item, actor=owner_side(world, item), **fields)


def owner_side(world, item):
    """Someone on the item's owner side: its owner, else the secondment's party for it."""
    secondment = item.secondment
    return (
        item.owner
        or {
            "secondee": secondment.secondee,
            "home": secondment.home_manager,
            "host": secondment.host_supervisor,
        }[item.owner_party]
    )


def item(secondment, key):
    return secondment.checklist_items.get(key=key)


# --- readiness -------------------------------------------------------------------------


def test_ready_is_refused_while_mandatory_items_are_open_and_names_them(world):
    _, secondment = world.accepted()
    with pytest.raises(ValidationError) as exc:
        services.secondment_mark_ready(secondment=secondment, actor=world.uk_manager)
    message = exc.value.messages[0]
    assert "Sign the three-party secondment agreement" in message
    assert "Get the visa for Australia (subclass 403)" in message
    assert "Hold the mid-point review" not in message
    secondment.refresh_from_db()
    assert secondment.status == Secondment.Status.PLANNING


def test_ready_once_every_mandatory_item_is_done(world):
    """Non-mandatory items (induction, reports) do not block readiness."""
    _, secondment = world.accepted()
    finish_mandatory(world, secondment)
    services.secondment_mark_ready(secondment=secondment, actor=world.au_supervisor)
    secondment.refresh_from_db()
    assert secondment.status == Secondment.Status.READY


@pytest.mark.parametrize("who", ["uk_staff", "au_staff", "outsider"])
def test_the_secondee_and_others_cannot_mark_ready(world, who):
    _, secondment = world.accepted()
    finish_mandatory(world, secondment)
    with pytest.raises(PermissionDenied):
        services.secondment_mark_ready(secondment=secondment, actor=getattr(world, who))


def test_reopening_a_mandatory_item_takes_a_ready_secondment_back_to_planning(world):
    _, secondment = world.accepted()
    finish_mandatory(world, secondment)
    services.secondment_mark_ready(secondment=secondment, actor=world.uk_manager)
    services.checklist_item_update(
        item=item(secondment, "travel"), actor=world.uk_staff, status="in_progress"
    )
    secondment.refresh_from_db()
    assert secondment.status == Secondment.Status.PLANNING
    assert "Book travel" in secondment.status_reason


def test_start_and_complete_follow_the_dates(world):
    """It starts on or after its start date and completes on or after its end date."""
    _, secondment = world.accepted()
    finish_mandatory(world, secondment)
    services.secondment_mark_ready(secondment=secondment, actor=world.uk_manager)
    with pytest.raises(ValidationError, match="cannot start before"):
        services.secondment_start(secondment=secondment, actor=world.uk_manager)
    with time_machine.travel(datetime.datetime(2026, 10, 1, 9, tzinfo=datetime.UTC)):
        services.secondment_start(secondment=secondment, actor=world.au_pm)
        with pytest.raises(ValidationError, match="end it early"):
            services.secondment_complete(secondment=secondment, actor=world.au_pm)
    with time_machine.travel(datetime.datetime(2027, 4, 2, 9, tzinfo=datetime.UTC)):
        services.secondment_complete(secondment=secondment, actor=world.uk_manager)
    secondment.refresh_from_db()
    assert secondment.status == Secondment.Status.COMPLETED


def test_cancel_needs_a_reason_and_closes_the_checklist(world):
    _, secondment = world.accepted()
    with pytest.raises(ValidationError):
        services.secondment_cancel(secondment=secondment, actor=world.au_pm, reason="")
    services.secondment_cancel(secondment=secondment, actor=world.au_pm, reason="Budget")
    with pytest.raises(ValidationError, match="checklist is\\s+closed"):
        services.checklist_item_update(
            item=item(secondment, "travel"), actor=world.uk_staff, status=DONE
        )


def test_ending_early_keeps_who_when_and_why(world):
    _, secondment = world.accepted()
    Secondment.objects.filter(pk=secondment.pk).update(status=Secondment.Status.ACTIVE)
    with pytest.raises(ValidationError) as exc:
        services.secondment_end_early(
            secondment=secondment,
            actor=world.uk_manager,
            end_date=datetime.date(2027, 5, 1),
            reason="Ill health",
        )
    assert "end_date" in exc.value.message_dict
    services.secondment_end_early(
        secondment=secondment,
        actor=world.uk_manager,
        end_date=datetime.date(2027, 1, 15),
        reason="Ill health",
    )
    secondment.refresh_from_db()
    assert secondment.status == Secondment.Status.ENDED_EARLY
    assert secondment.end_date == datetime.date(2027, 1, 15)
    change = secondment.date_changes.get()
    assert (change.changed_by, change.kind, change.reason) == (
        world.uk_manager,
        "early_end",
        "Ill health",
    )


# --- dates -----------------------------------------------------------------------------


def test_an_extension_is_recorded_and_open_items_are_re_dated(world):
    _, secondment = world.accepted()
    services.secondment_change_dates(
        secondment=secondment,
        actor=world.au_supervisor,
        start_date=datetime.date(2026, 10, 1),
        end_date=datetime.date(2027, 7, 1),
        reason="Project extended",
    )
    change = SecondmentDateChange.objects.get()
    assert change.kind == "extension"
    assert (change.old_end, change.new_end) == (
        datetime.date(2027, 4, 1),
        datetime.date(2027, 7, 1),
    )
    assert item(secondment, "return-report").due_date == datetime.date(2027, 7, 15)


def test_reversed_dates_are_refused(world):
    _, secondment = world.accepted()
    with pytest.raises(ValidationError) as exc:
        services.secondment_change_dates(
            secondment=secondment,
            actor=world.uk_manager,
            start_date=datetime.date(2027, 1, 1),
            end_date=datetime.date(2026, 12, 1),
            reason="x",
        )
    assert "end_date" in exc.value.message_dict
    assert not SecondmentDateChange.objects.exists()


def test_a_date_change_may_not_overlap_another_planned_secondment(world):
    """Two secondments for one person, then moving one onto the other is refused."""
    _, first = world.accepted()
    second = Secondment.objects.create(
        secondee=world.uk_staff,
        programme=world.programme,
        home_institute=world.uk,
        host_institute=world.au,
        direction="UK_AU",
        home_manager=world.uk_manager,
        title="Later exchange",
        start_date=datetime.date(2027, 6, 1),
        end_date=datetime.date(2027, 9, 1),
        location="Sydney",
    )
    with pytest.raises(ValidationError, match="cannot overlap"):
        services.secondment_change_dates(
            secondment=first,
            actor=world.uk_manager,
            start_date=datetime.date(2026, 10, 1),
            end_date=datetime.date(2027, 7, 1),
            reason="Extend",
        )
    # A cancelled secondment no longer blocks the dates.
    services.secondment_cancel(secondment=second, actor=world.uk_manager, reason="Dropped")
    services.secondment_change_dates(
        secondment=first,
        actor=world.uk_manager,
        start_date=datetime.date(2026, 10, 1),
        end_date=datetime.date(2027, 7, 1),
        reason="Extend",
    )


@pytest.mark.parametrize("who", ["uk_staff", "au_staff", "outsider"])
def test_only_managers_change_dates(world, who):
    _, secondment = world.accepted()
    with pytest.raises(PermissionDenied):
        services.secondment_change_dates(
            secondment=secondment,
            actor=getattr(world, who),
            start_date=datetime.date(2026, 10, 1),
            end_date=datetime.date(2027, 5, 1),
            reason="x",
        )


# --- checklist rules -------------------------------------------------------------------


@pytest.mark.parametrize("who", ["au_staff", "au_manager", "outsider"])
def test_people_outside_the_secondment_cannot_work_its_checklist(world, who):
    _, secondment = world.accepted()
    with pytest.raises(PermissionDenied):
        services.checklist_item_update(
            item=item(secondment, "travel"), actor=getattr(world, who), status=DONE
        )


def test_completing_an_item_records_who_and_when(world):
    _, secondment = world.accepted()
    updated = services.checklist_item_update(
        item=item(secondment, "travel"), actor=world.uk_staff, status=DONE, notes="Booked"
    )
    assert updated.completed_by == world.uk_staff and updated.completed_at
    reopened = services.checklist_item_update(
        item=updated, actor=world.uk_staff, status="in_progress"
    )
    assert reopened.completed_at is None


def test_a_wet_signed_agreement_needs_the_signed_copy(world):
    _, secondment = world.accepted()
    agreement = item(secondment, "agreement")
    with pytest.raises(ValidationError) as exc:
        services.checklist_item_update(item=agreement, actor=world.uk_manager, status=DONE)
    assert "signing_method" in exc.value.message_dict
    with pytest.raises(ValidationError, match="Upload the signed agreement"):
        services.checklist_item_update(
            item=agreement, actor=world.uk_manager, status=DONE, signing_method="wet_signed"
        )
    services.checklist_evidence_add(
        item=agreement, actor=world.uk_manager, upload=pdf_upload("agreement.pdf")
    )
    services.checklist_item_update(
        item=agreement, actor=world.uk_manager, status=DONE, signing_method="wet_signed"
    )


def test_clearance_rules(world):
    """Required level in the host scheme; received not before requested; done needs all."""
    _, secondment = world.accepted()
    clearance = item(secondment, "clearance")
    with pytest.raises(ValidationError) as exc:
        services.checklist_item_update(
            item=clearance, actor=world.au_supervisor, clearance_required="UK_SC"
        )
    assert "clearance_required" in exc.value.message_dict
    with pytest.raises(ValidationError) as exc:
        services.checklist_item_update(
            item=clearance,
            actor=world.au_supervisor,
            clearance_recognition_requested_on=datetime.date(2026, 8, 2),
            clearance_recognition_received_on=datetime.date(2026, 8, 1),
        )
    assert "clearance_recognition_received_on" in exc.value.message_dict
    with pytest.raises(ValidationError) as exc:
        services.checklist_item_update(item=clearance, actor=world.au_supervisor, status=DONE)
    assert {"clearance_held", "clearance_expires_on"} <= set(exc.value.message_dict)


def test_clearance_held_is_compared_with_required_in_one_scheme(world):
    """In one scheme the order decides; across schemes the recognition table does
    (tests/exchange/test_clearance_recognition.py); a level not entered is unknown."""
    item = ChecklistItem(clearance_required="AU_NV1", clearance_held="AU_BASELINE")
    assert services.clearance_meets_requirement(item) is False
    item.clearance_held = "AU_NV2"
    assert services.clearance_meets_requirement(item) is True
    item.clearance_held = "UK_SC"
    assert services.clearance_meets_requirement(item) is True
    item.clearance_held = ""
    assert services.clearance_meets_requirement(item) is None


def test_the_certificate_of_sponsorship_rule_for_uk_visas(world):
    """Into the UK: the CoS is assigned no earlier than 3 months before applying."""
    _, secondment = world.accepted(applicant=world.au_staff)
    visa = item(secondment, "visa")
    assert visa.visa_route == ""
    with pytest.raises(ValidationError) as exc:
        services.checklist_item_update(item=visa, actor=world.au_staff, visa_route="AU_403")
    assert "visa_route" in exc.value.message_dict
    with pytest.raises(ValidationError) as exc:
        services.checklist_item_update(
            item=visa,
            actor=world.au_staff,
            visa_route="UK_GAE",
            cos_assigned_on=datetime.date(2026, 3, 1),
            visa_applied_on=datetime.date(2026, 6, 15),
        )
    assert "no earlier than 3 months" in exc.value.message_dict["cos_assigned_on"][0]
    services.checklist_item_update(
        item=visa,
        actor=world.au_staff,
        visa_route="UK_GAE",
        cos_assigned_on=datetime.date(2026, 4, 1),
        visa_applied_on=datetime.date(2026, 6, 15),
        visa_granted_on=datetime.date(2026, 7, 1),
        visa_expires_on=datetime.date(2027, 7, 1),
        status=DONE,
    )


def test_a_subclass_403_visa_needs_its_stream_and_letter_of_support(world):
    _, secondment = world.accepted()
    with pytest.raises(ValidationError) as exc:
        services.checklist_item_update(
            item=item(secondment, "visa"),
            actor=world.uk_staff,
            status=DONE,
            visa_granted_on=datetime.date(2026, 7, 1),
            visa_expires_on=datetime.date(2027, 7, 1),
        )
    assert {"visa_stream", "letter_of_support_on"} <= set(exc.value.message_dict)


# --- uploads ---------------------------------------------------------------------------


def test_evidence_is_stored_under_a_generated_name(world):
    _, secondment = world.accepted()
    evidence = services.checklist_evidence_add(
        item=item(secondment, "travel"),
        actor=world.uk_staff,
        upload=SimpleUploadedFile("My Itinerary.png", PNG_BYTES),
    )
    assert evidence.original_name == "My Itinerary.png"
    assert evidence.content_type == "image/png"
    assert "Itinerary" not in evidence.file.name


def test_an_oversized_upload_is_refused(world, settings):
    settings.UPLOAD_MAX_BYTES = 1024 * 1024
    _, secondment = world.accepted()
    big = SimpleUploadedFile("big.pdf", PDF_BYTES + b"0" * (1024 * 1024))
    with pytest.raises(ValidationError, match="smaller than 1.0"):
        services.checklist_evidence_add(
            item=item(secondment, "travel"), actor=world.uk_staff, upload=big
        )
    assert not secondment.checklist_items.filter(evidence__isnull=False).exists()


@pytest.mark.parametrize(
    ("name", "content"),
    [
        ("itinerary.pdf", b"MZ\x90\x00 an executable pretending to be a PDF"),
        ("itinerary.pdf", PNG_BYTES),
        ("itinerary.exe", PDF_BYTES),
        ("itinerary.html", b"<html><script>alert(1)</script></html>"),
    ],
)
def test_a_disguised_or_disallowed_upload_is_refused(world, name, content):
    _, secondment = world.accepted()
    with pytest.raises(ValidationError):
        services.checklist_evidence_add(
            item=item(secondment, "travel"),
            actor=world.uk_staff,
            upload=SimpleUploadedFile(name, content),
        )


def test_a_disguised_cv_is_refused(world):
    with pytest.raises(ValidationError, match="not a real PDF"):
        world.draft(cv=SimpleUploadedFile("cv.pdf", b"just some text"))


def test_an_oversized_cv_is_refused(world, settings):
    settings.UPLOAD_MAX_BYTES = 20
    with pytest.raises(ValidationError, match="smaller than"):
        world.draft(cv=pdf_upload())


# --- reports ---------------------------------------------------------------------------


def _active(world):
    _, secondment = world.accepted()
    Secondment.objects.filter(pk=secondment.pk).update(status=Secondment.Status.ACTIVE)
    secondment.refresh_from_db()
    return secondment


def test_the_midpoint_review_is_recorded_once_by_a_party(world):
    secondment = _active(world)
    with pytest.raises(PermissionDenied):
        services.midpoint_review_submit(
            secondment=secondment, actor=world.au_pm, progress="on_track", achievements="x"
        )
    with pytest.raises(ValidationError) as exc:
        services.midpoint_review_submit(
            secondment=secondment,
            actor=world.uk_manager,
            progress="on_track",
            achievements="Good",
            objectives_changed=True,
        )
    assert "objectives_change_details" in exc.value.message_dict
    services.midpoint_review_submit(
        secondment=secondment, actor=world.uk_manager, progress="on_track", achievements="Good"
    )
    assert item(secondment, "midpoint-review").status == DONE
    with pytest.raises(ValidationError, match="already"):
        services.midpoint_review_submit(
            secondment=secondment, actor=world.uk_staff, progress="on_track", achievements="x"
        )


def test_the_midpoint_review_waits_for_the_secondment_to_start(world):
    _, secondment = world.accepted()
    with pytest.raises(ValidationError, match="active"):
        services.midpoint_review_submit(
            secondment=secondment, actor=world.uk_staff, progress="on_track", achievements="x"
        )


def test_only_the_secondee_writes_the_return_report(world):
    secondment = _active(world)
    report = {
        "work_summary": "Built evaluations",
        "skills_gained": "Cyber ranges",
        "knowledge_handed_over": "Runbooks",
        "benefit_to_home": "New tooling",
        "would_recommend": True,
    }
    with pytest.raises(PermissionDenied):
        services.return_report_submit(secondment=secondment, actor=world.uk_manager, **report)
    services.return_report_submit(secondment=secondment, actor=world.uk_staff, **report)
    assert item(secondment, "return-report").status == DONE


# --- reciprocity -----------------------------------------------------------------------


def test_reciprocity_counts_person_months_by_direction_and_year(world):
    """1 Oct 2026 to 1 Apr 2027 UK→AU: 3 months in 2026 and 3 in 2027, all planned."""
    world.accepted()
    report = reciprocity_for(world.au_pm)
    assert [entry["programme"] for entry in report] == [world.programme]
    years = {year["year"]: year["directions"] for year in report[0]["years"]}
    assert set(years) == {2026, 2027}
    uk_au_2026 = years[2026][0]
    assert uk_au_2026["direction"] == "UK to Australia"
    assert uk_au_2026["planned"] == 3.0 and uk_au_2026["used"] == 0
    assert uk_au_2026["meets_target"] is False
    assert years[2026][1]["total"] == 0
    assert reciprocity_for(world.uk_staff) == []
