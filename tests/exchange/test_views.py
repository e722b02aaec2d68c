"""Pages: what each person sees and may do, bad input, downloads, and 404s for others."""

import datetime

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse

from exchange.models import Application, ChecklistEvidence, Opportunity, Secondment

from .factories import PDF_BYTES, PNG_BYTES, OpportunityFactory, pdf_upload


def client_for(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def form_data(world, **overrides):
    data = {
        "proposed_start": "2026-10-01",
        "proposed_end": "2027-04-01",
        "skills_to_gain": "Evaluation at scale",
        "benefit_to_home_team": "Shared tooling",
        "offer_to_host": "Cyber ranges",
        "line_manager": str(world.uk_manager.pk),
        "has_conflict_of_interest": "False",
        "declaration_confirmed": "on",
        "cv_upload": pdf_upload(),
    }
    data.update(overrides)
    return {k: v for k, v in data.items() if v is not None}


# --- opportunities ---------------------------------------------------------------------


def test_staff_see_the_partners_open_opportunities_only(world):
    """A UK researcher sees the AU opportunity, not the UK one, nor drafts or closed ones."""
    OpportunityFactory(
        programme=world.programme, host_institute=world.au, title="Draft role", status="draft"
    )
    OpportunityFactory(
        programme=world.programme, host_institute=world.au, title="Shut role", status="closed"
    )
    response = client_for(world.uk_staff).get(reverse("exchange:opportunity_list"))
    assert response.status_code == 200
    assert list(response.context["page_obj"]) == [world.au_opportunity]
    assert "Draft role" not in response.content.decode()


@pytest.mark.parametrize(
    ("query", "found"),
    [
        ("team=evaluations", True),
        ("team=safeguards", False),
        ("location=canberra", True),
        ("location=london", False),
        ("duration=6", True),
        ("duration=13", False),
        ("clearance=AU_BASELINE", True),
        ("clearance=none", False),
        ("closing_after=2026-12-01", True),
        ("closing_after=2027-01-01", False),
    ],
)
def test_opportunity_filters(world, query, found):
    response = client_for(world.uk_staff).get(reverse("exchange:opportunity_list") + "?" + query)
    assert (world.au_opportunity in list(response.context["page_obj"])) is found


def test_an_invalid_filter_shows_a_message_not_an_error(world):
    response = client_for(world.uk_staff).get(
        reverse("exchange:opportunity_list") + "?duration=lots&closing_after=soon"
    )
    assert response.status_code == 200
    assert "govuk-error-summary" in response.content.decode()


def test_opportunity_detail_offers_apply_to_partner_staff(world):
    response = client_for(world.uk_staff).get(world.au_opportunity.get_absolute_url())
    assert response.status_code == 200 and response.context["may_apply"]
    assert (
        client_for(world.uk_staff).get(world.uk_opportunity.get_absolute_url()).status_code == 404
    )


def test_a_manager_creates_and_publishes_an_opportunity(world):
    client = client_for(world.au_pm)
    response = client.post(
        reverse("exchange:opportunity_create"),
        {
            "programme": world.programme.pk,
            "host_institute": world.au.pk,
            "team": "Red team",
            "title": "Red-team engineer",
            "description": "Adversarial testing.",
            "location": "Sydney",
            "min_duration_months": 3,
            "max_duration_months": 6,
            "earliest_start": "2026-10-01",
            "closing_date": "2026-09-30",
            "places": 1,
            "required_clearance": "AU_NV1",
        },
    )
    opportunity = Opportunity.objects.get(title="Red-team engineer")
    assert response.status_code == 302 and opportunity.status == "draft"
    client.post(reverse("exchange:opportunity_status", args=[opportunity.pk, "publish"]))
    opportunity.refresh_from_db()
    assert opportunity.status == "open"


def test_a_bad_opportunity_is_refused_with_messages_and_nothing_saved(world):
    response = client_for(world.au_pm).post(
        reverse("exchange:opportunity_create"),
        {
            "programme": world.programme.pk,
            "host_institute": world.au.pk,
            "team": "T",
            "title": "Bad role",
            "description": "D",
            "location": "L",
            "min_duration_months": 6,
            "max_duration_months": 3,
            "earliest_start": "2026-10-01",
            "closing_date": "2026-09-30",
            "places": 1,
            "required_clearance": "UK_DV",
        },
    )
    assert response.status_code == 200
    body = response.content.decode()
    assert "The longest duration must be the same as or longer than the shortest." in body
    assert "Choose a level from the host&#x27;s scheme" in body
    assert not Opportunity.objects.filter(title="Bad role").exists()


# --- applying --------------------------------------------------------------------------


def test_apply_and_submit_in_one_go(world):
    client = client_for(world.uk_staff)
    response = client.post(
        reverse("exchange:application_create", args=[world.au_opportunity.pk]),
        {**form_data(world), "submit": "1"},
    )
    application = Application.objects.get()
    assert response.status_code == 302 and response.url == application.get_absolute_url()
    assert application.status == "submitted"
    assert application.cv_name == "cv.pdf"


def test_save_a_draft_without_everything(world):
    client = client_for(world.uk_staff)
    response = client.post(
        reverse("exchange:application_create", args=[world.au_opportunity.pk]),
        {"skills_to_gain": "Something", "save": "1"},
    )
    assert response.status_code == 302
    assert Application.objects.get().status == "draft"


def test_reversed_dates_in_the_form_are_refused_and_nothing_saved(world):
    response = client_for(world.uk_staff).post(
        reverse("exchange:application_create", args=[world.au_opportunity.pk]),
        {**form_data(world, proposed_start="2027-01-01", proposed_end="2026-12-01"), "submit": "1"},
    )
    assert response.status_code == 200
    assert "The end date must be after the start date." in response.content.decode()
    assert not Application.objects.exists()


def test_a_duration_outside_the_range_is_a_message_not_a_500(world):
    response = client_for(world.uk_staff).post(
        reverse("exchange:application_create", args=[world.au_opportunity.pk]),
        {**form_data(world, proposed_end="2026-10-20"), "submit": "1"},
    )
    assert response.status_code == 200
    assert "This opportunity lasts 3 to 12 months" in response.content.decode()
    assert not Application.objects.exists()


def test_submitting_without_a_cv_names_the_cv_field(world):
    response = client_for(world.uk_staff).post(
        reverse("exchange:application_create", args=[world.au_opportunity.pk]),
        {**form_data(world, cv_upload=None), "submit": "1"},
    )
    assert response.status_code == 200
    assert response.context["form"].errors["cv_upload"] == ["Upload your CV."]
    assert not Application.objects.exists()


def test_a_disguised_cv_in_the_form_is_refused(world):
    fake = SimpleUploadedFile("cv.pdf", b"MZ\x90\x00 not a pdf")
    response = client_for(world.uk_staff).post(
        reverse("exchange:application_create", args=[world.au_opportunity.pk]),
        {**form_data(world, cv_upload=fake), "save": "1"},
    )
    assert response.status_code == 200
    assert "is not a real PDF file" in response.content.decode()
    assert not Application.objects.exists()


def test_an_open_application_through_the_form(world):
    response = client_for(world.au_staff).post(
        reverse("exchange:application_create_open"),
        {
            **form_data(world, line_manager=str(world.au_manager.pk)),
            "host_institute": world.uk.pk,
            "save": "1",
        },
    )
    assert response.status_code == 302
    application = Application.objects.get()
    assert application.is_open_application and application.host_institute == world.uk


def test_the_applicant_sees_history_and_their_actions(world):
    application = world.draft()
    response = client_for(world.uk_staff).get(application.get_absolute_url())
    assert response.status_code == 200
    assert response.context["actions"] == ["edit", "submit", "withdraw"]
    assert "Application started." in response.content.decode()


def test_line_manager_endorses_through_the_page(world):
    application = world.submitted()
    client = client_for(world.uk_manager)
    detail = client.get(application.get_absolute_url())
    assert detail.context["actions"] == ["endorse", "return", "decline"]
    response = client.post(
        reverse("exchange:application_action", args=[application.pk, "endorse"]),
        {"reason": "Strong case"},
    )
    assert response.status_code == 302
    application.refresh_from_db()
    assert application.status == "endorsed"


def test_returning_without_a_reason_shows_a_message(world):
    application = world.submitted()
    response = client_for(world.uk_manager).post(
        reverse("exchange:application_action", args=[application.pk, "return"]), {"reason": ""}
    )
    assert response.status_code == 200
    assert "Enter a reason." in response.content.decode()
    application.refresh_from_db()
    assert application.status == "submitted"


def test_the_applicant_cannot_endorse_through_the_page(world):
    application = world.submitted()
    response = client_for(world.uk_staff).post(
        reverse("exchange:application_action", args=[application.pk, "endorse"]), {"reason": ""}
    )
    assert response.status_code == 200
    assert "Only the named line manager" in response.content.decode()
    application.refresh_from_db()
    assert application.status == "submitted"


def test_the_host_programme_manager_accepts_through_the_page(world):
    application = world.endorsed()
    client = client_for(world.au_pm)
    assert "accept" in client.get(application.get_absolute_url()).context["actions"]
    response = client.post(
        reverse("exchange:application_accept", args=[application.pk]),
        {"host_supervisor": world.au_supervisor.pk, "arrangement": "secondment", "reason": ""},
    )
    secondment = Secondment.objects.get()
    assert response.status_code == 302 and response.url == secondment.get_absolute_url()


def test_a_home_side_manager_cannot_accept(world):
    application = world.endorsed()
    client = client_for(world.uk_pm)
    assert "accept" not in client.get(application.get_absolute_url()).context["actions"]
    client.post(
        reverse("exchange:application_accept", args=[application.pk]),
        {"arrangement": "secondment"},
    )
    assert not Secondment.objects.exists()


def test_a_manager_without_mfa_is_sent_to_set_it_up(world):
    from allauth.mfa.models import Authenticator

    Authenticator.objects.filter(user=world.au_pm).delete()
    response = client_for(world.au_pm).get(reverse("exchange:application_queue"))
    assert response.status_code == 302 and "2fa" in response.url


@pytest.mark.parametrize(
    "name", ["application_queue", "opportunity_manage", "opportunity_create", "reciprocity"]
)
def test_manager_pages_are_404_for_staff(world, name):
    assert client_for(world.uk_staff).get(reverse(f"exchange:{name}")).status_code == 404


def test_the_queue_filters_by_status_direction_institute_and_waiting(world):
    endorsed = world.endorsed()
    submitted = world.submitted(applicant=world.au_staff)
    client = client_for(world.au_pm)
    url = reverse("exchange:application_queue")
    assert set(client.get(url).context["page_obj"]) == {endorsed, submitted}
    assert list(client.get(url + "?status=endorsed").context["page_obj"]) == [endorsed]
    assert list(client.get(url + "?direction=AU_UK").context["page_obj"]) == [submitted]
    assert set(client.get(url + f"?institute={world.uk.pk}").context["page_obj"]) == {
        endorsed,
        submitted,
    }
    assert list(client.get(url + "?waiting=7").context["page_obj"]) == []
    Application.objects.filter(pk=endorsed.pk).update(
        status_changed_at=endorsed.status_changed_at - datetime.timedelta(days=10)
    )
    assert list(client.get(url + "?waiting=7").context["page_obj"]) == [endorsed]


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
