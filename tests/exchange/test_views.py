"""Pages: what each person sees and may do, bad input, downloads, and 404s for others."""

import datetime

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from exchange.models import Application, Opportunity, Secondment
from tests.factories import client_for

from .factories import OpportunityFactory, form_data

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
