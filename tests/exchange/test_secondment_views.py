"""Secondment pages, and what someone with no part in a record gets: 404s and empty lists."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from exchange.models import Application, ChecklistEvidence, Secondment
from tests.factories import client_for

from .factories import PDF_BYTES, PNG_BYTES, OpportunityFactory, form_data, pdf_upload

# --- secondments -----------------------------------------------------------------------


def test_the_checklist_page_shows_what_blocks_readiness(world):
    _, secondment = world.accepted()
    client = client_for(world.uk_manager)
    response = client.get(secondment.get_absolute_url())
    body = response.content.decode()
    assert "govuk-task-list" in body
    assert "cannot be marked ready until these mandatory items are done" in body
    response = client.post(
        reverse("exchange:secondment_step", args=[secondment.pk, "ready"]), follow=True
    )
    assert "Sign the three-party secondment agreement" in response.content.decode()
    secondment.refresh_from_db()
    assert secondment.status == "planning"


def test_an_item_is_updated_with_evidence_and_the_evidence_downloads_safely(world):
    _, secondment = world.accepted()
    item = secondment.checklist_items.get(key="travel")
    client = client_for(world.uk_staff)
    url = reverse("exchange:checklist_item_update", args=[secondment.pk, item.pk])
    response = client.post(
        url,
        {
            "status": "done",
            "notes": "Flights booked",
            "evidence_upload": SimpleUploadedFile("itinerary.png", PNG_BYTES),
        },
    )
    assert response.status_code == 302
    evidence = ChecklistEvidence.objects.get()
    download = client.get(reverse("exchange:evidence_download", args=[secondment.pk, evidence.pk]))
    assert download.status_code == 200
    assert download["X-Content-Type-Options"] == "nosniff"
    assert download["Content-Disposition"].startswith("attachment")
    assert 'filename="itinerary.png"' in download["Content-Disposition"]
    assert b"".join(download.streaming_content) == PNG_BYTES


def test_a_disguised_evidence_file_is_refused_and_the_item_unchanged(world):
    _, secondment = world.accepted()
    item = secondment.checklist_items.get(key="travel")
    response = client_for(world.uk_staff).post(
        reverse("exchange:checklist_item_update", args=[secondment.pk, item.pk]),
        {"status": "done", "evidence_upload": SimpleUploadedFile("x.pdf", b"<script>")},
    )
    assert response.status_code == 200
    assert "is not a real PDF file" in response.content.decode()
    item.refresh_from_db()
    assert item.status == "not_started" and not ChecklistEvidence.objects.exists()


def test_a_bad_visa_entry_is_refused_next_to_the_field(world):
    _, secondment = world.accepted(applicant=world.au_staff)
    item = secondment.checklist_items.get(key="visa")
    response = client_for(world.au_staff).post(
        reverse("exchange:checklist_item_update", args=[secondment.pk, item.pk]),
        {
            "status": "in_progress",
            "visa_route": "UK_IA",
            "cos_assigned_on": "2026-01-01",
            "visa_applied_on": "2026-06-01",
        },
    )
    assert response.status_code == 200
    assert "cos_assigned_on" in response.context["form"].errors
    item.refresh_from_db()
    assert item.visa_route == ""


def test_the_cv_downloads_only_as_an_attachment(world):
    application = world.submitted()
    for user in (world.uk_staff, world.uk_manager):
        response = client_for(user).get(reverse("exchange:application_cv", args=[application.pk]))
        assert response.status_code == 200
        assert response["X-Content-Type-Options"] == "nosniff"
        assert response["Content-Disposition"].startswith("attachment")
        assert b"".join(response.streaming_content) == PDF_BYTES


def test_date_change_page_records_the_change(world):
    _, secondment = world.accepted()
    response = client_for(world.au_supervisor).post(
        reverse("exchange:secondment_dates", args=[secondment.pk]),
        {"start_date": "2026-10-01", "end_date": "2027-06-01", "reason": "More work"},
    )
    assert response.status_code == 302
    assert secondment.date_changes.get().reason == "More work"


def test_date_change_without_reason_or_with_reversed_dates_is_refused(world):
    _, secondment = world.accepted()
    response = client_for(world.au_supervisor).post(
        reverse("exchange:secondment_dates", args=[secondment.pk]),
        {"start_date": "2027-06-01", "end_date": "2026-10-01", "reason": ""},
    )
    assert response.status_code == 200
    body = response.content.decode()
    assert "The end date must be after the start date." in body
    assert "Enter the reason for the change." in body
    assert not secondment.date_changes.exists()


def test_midpoint_review_and_return_report_pages(world):
    _, secondment = world.accepted()
    Secondment.objects.filter(pk=secondment.pk).update(status="active")
    client = client_for(world.uk_staff)
    response = client.post(
        reverse("exchange:midpoint_review", args=[secondment.pk]),
        {"progress": "on_track", "achievements": "Shipped two evals", "objectives_changed": ""},
    )
    assert response.status_code == 302
    response = client.get(reverse("exchange:midpoint_review", args=[secondment.pk]))
    assert "Shipped two evals" in response.content.decode()
    response = client.post(reverse("exchange:return_report", args=[secondment.pk]), {})
    assert response.status_code == 200
    assert "Say whether you would recommend the exchange." in response.content.decode()


def test_reciprocity_page(world):
    world.accepted()
    response = client_for(world.au_pm).get(reverse("exchange:reciprocity"))
    assert response.status_code == 200
    assert "UK to Australia" in response.content.decode()


def test_my_work_lists_what_waits_on_me(world):
    world.submitted()
    response = client_for(world.uk_manager).get(reverse("home"))
    body = response.content.decode()
    assert "Exchange applications waiting on you" in body
    assert "asks you to endorse this" in body
    _, secondment = world.accepted(applicant=world.au_staff)
    body = client_for(world.au_staff).get(reverse("home")).content.decode()
    assert "Get the visa for the UK (Temporary Work)" in body


# --- another person's records ----------------------------------------------------------


def record_urls(world):
    """Every exchange URL that names a record, for one application and its secondment."""
    application, secondment = world.accepted()
    item = secondment.checklist_items.get(key="travel")
    from exchange import services

    evidence = services.checklist_evidence_add(
        item=item, actor=world.uk_staff, upload=pdf_upload("ticket.pdf")
    )
    draft_opportunity = OpportunityFactory(
        programme=world.programme, host_institute=world.au, status="draft"
    )
    a, s = application.pk, secondment.pk
    return [
        ("get", reverse("exchange:opportunity_detail", args=[draft_opportunity.pk])),
        ("get", reverse("exchange:opportunity_edit", args=[world.au_opportunity.pk])),
        ("post", reverse("exchange:opportunity_status", args=[world.au_opportunity.pk, "close"])),
        ("get", reverse("exchange:application_detail", args=[a])),
        ("get", reverse("exchange:application_edit", args=[a])),
        ("post", reverse("exchange:application_submit", args=[a])),
        ("get", reverse("exchange:application_accept", args=[a])),
        ("get", reverse("exchange:application_cv", args=[a])),
        ("get", reverse("exchange:application_action", args=[a, "endorse"])),
        ("post", reverse("exchange:application_action", args=[a, "withdraw"])),
        ("get", reverse("exchange:secondment_detail", args=[s])),
        ("get", reverse("exchange:checklist_item_update", args=[s, item.pk])),
        ("post", reverse("exchange:checklist_item_update", args=[s, item.pk])),
        ("get", reverse("exchange:evidence_download", args=[s, evidence.pk])),
        ("get", reverse("exchange:secondment_dates", args=[s])),
        ("get", reverse("exchange:secondment_end_early", args=[s])),
        ("get", reverse("exchange:secondment_cancel", args=[s])),
        ("get", reverse("exchange:secondment_supervisor", args=[s])),
        ("post", reverse("exchange:secondment_step", args=[s, "ready"])),
        ("get", reverse("exchange:midpoint_review", args=[s])),
        ("get", reverse("exchange:return_report", args=[s])),
    ]


@pytest.mark.parametrize("who", ["outsider", "au_staff", "au_manager"])
def test_another_institutes_or_unrelated_user_gets_404_on_every_record_url(world, who):
    """Someone with no part in the application or secondment learns nothing: 404."""
    client = client_for(getattr(world, who))
    for method, url in record_urls(world):
        response = getattr(client, method)(url)
        assert response.status_code == 404, (method, url, response.status_code)
    assert Application.objects.get().status == "accepted"
    assert Secondment.objects.get().status == "planning"


def test_the_outsider_sees_empty_lists(world):
    world.accepted()
    client = client_for(world.outsider)
    for name in ("opportunity_list", "application_list", "secondment_list"):
        response = client.get(reverse(f"exchange:{name}"))
        assert response.status_code == 200
        assert len(response.context["page_obj" if name != "application_list" else "mine"]) == 0


def test_a_draft_is_invisible_to_the_line_manager_until_submitted(world):
    application = world.draft()
    url = application.get_absolute_url()
    assert client_for(world.uk_manager).get(url).status_code == 404
    assert client_for(world.au_pm).get(url).status_code == 404


def test_the_item_and_secondment_pages_show_who_changed_what(world):
    _, secondment = world.accepted()
    item = secondment.checklist_items.get(key="travel")
    client = client_for(world.uk_staff)
    url = reverse("exchange:checklist_item_update", args=[secondment.pk, item.pk])
    client.post(url, {"status": "done", "notes": "Booked"})
    history = client.get(url).context["history"]
    assert history[0]["who"] == world.uk_staff
    assert "Status: Not started → Done" in history[0]["changes"]
    assert history[-1]["changes"] == ["Created"]
    client_for(world.uk_manager).post(
        reverse("exchange:secondment_dates", args=[secondment.pk]),
        {"start_date": "2026-10-01", "end_date": "2027-05-01", "reason": "More"},
    )
    body = client.get(secondment.get_absolute_url()).content.decode()
    assert "End date: 1 Apr 2027 → 1 May 2027" in body


def test_a_returned_application_shows_the_comment_and_is_resubmitted(world):
    from exchange import services

    application = world.submitted()
    services.application_return(
        application=application, actor=world.uk_manager, reason="Add the team name."
    )
    client = client_for(world.uk_staff)
    url = reverse("exchange:application_edit", args=[application.pk])
    page = client.get(url)
    assert "Add the team name." in page.content.decode()
    assert "Returned for changes by" in page.content.decode()
    response = client.post(
        url, {**form_data(world, cv_upload=None, offer_to_host="Team: Evals"), "submit": "1"}
    )
    assert response.status_code == 302
    application.refresh_from_db()
    assert application.status == "submitted" and application.offer_to_host == "Team: Evals"
    assert application.cv_name == "cv.pdf"


def test_withdrawing_through_the_page_and_then_nothing_more(world):
    application = world.submitted()
    client = client_for(world.uk_staff)
    client.post(
        reverse("exchange:application_action", args=[application.pk, "withdraw"]),
        {"reason": "Changed my plans"},
    )
    application.refresh_from_db()
    assert application.status == "withdrawn"
    assert client.get(application.get_absolute_url()).context["actions"] == []
    response = client.get(reverse("exchange:application_edit", args=[application.pk]))
    assert response.status_code == 302
