"""A UK researcher applies to an Australian opportunity, their manager endorses, the
Australian programme manager (with MFA) accepts, the secondee works the checklist until
the home manager can mark the secondment ready. axe checks every page on the way."""

import datetime

import pytest
from django.conf import settings
from django.test import Client
from django.utils import timezone

from exchange.checklist_defaults import install_default_templates
from exchange.clearance_defaults import install_default_recognitions
from exchange.models import (
    Application,
    ChecklistTemplate,
    ChecklistTemplateItem,
    ClearanceRecognition,
    Secondment,
)
from exchange.services import add_months
from programmes.services import programme_managers_set
from tests.e2e.dates import fill_date
from tests.exchange.factories import PDF_BYTES, OpportunityFactory
from tests.factories import (
    DEFAULT_PASSWORD,
    InstituteFactory,
    ProgrammeFactory,
    UserFactory,
    enable_totp,
)

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def sign_in_with_cookie(page, user) -> None:
    """Managers need MFA, so they arrive with a session made by the test client."""
    client = Client()
    client.force_login(user)
    cookie = client.cookies[settings.SESSION_COOKIE_NAME]
    page.context.clear_cookies()
    page.context.add_cookies(
        [
            {
                "name": settings.SESSION_COOKIE_NAME,
                "value": cookie.value,
                "url": page.url.split("/", 3)[0] + "//" + page.url.split("/", 3)[2],
            }
        ]
    )


def test_uk_researcher_to_australia_from_application_to_ready(page, live_server, assert_accessible):
    # Transactional tests flush the tables, including the templates the migration installed.
    install_default_templates(ChecklistTemplate, ChecklistTemplateItem)
    install_default_recognitions(ClearanceRecognition)
    uk = InstituteFactory(uk=True, domains=["aisi.example.gov.uk"])
    au = InstituteFactory(au=True, domains=["aisi.example.gov.au"])
    researcher = UserFactory(
        institute=uk, email="researcher@aisi.example.gov.uk", full_name="Priya Shah"
    )
    manager = UserFactory(institute=uk, email="manager@aisi.example.gov.uk", full_name="Tom Ellis")
    au_pm = UserFactory(
        institute=au, email="programmes@aisi.example.gov.au", full_name="Aisha Karim"
    )
    supervisor = UserFactory(
        institute=au, email="supervisor@aisi.example.gov.au", full_name="Sophie Walker"
    )
    programme = ProgrammeFactory(institutes=[uk, au])
    programme_managers_set(programme=programme, managers=[au_pm])
    enable_totp(au_pm)
    today = timezone.localdate()
    opportunity = OpportunityFactory(
        programme=programme,
        host_institute=au,
        title="Frontier evaluations scientist",
        earliest_start=today + datetime.timedelta(days=30),
        closing_date=today + datetime.timedelta(days=60),
    )
    start = today + datetime.timedelta(days=90)
    end = add_months(start, 6)

    # 1. The researcher signs in through the form and finds the opportunity.
    page.goto("/accounts/login/")
    page.get_by_label("Email").fill(researcher.email)
    page.get_by_label("Password").fill(DEFAULT_PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url(f"{live_server.url}/")
    page.get_by_role("link", name="Exchanges").click()
    page.wait_for_url("**/exchanges/opportunities/")
    assert_accessible(page)
    page.get_by_label("Location").fill("Canberra")
    page.get_by_role("button", name="Apply filters").click()
    page.wait_for_url("**/exchanges/opportunities/?*")
    assert_accessible(page)
    page.get_by_role("link", name=opportunity.title).click()
    page.wait_for_url(f"**/exchanges/opportunities/{opportunity.pk}/")
    assert_accessible(page)
    page.get_by_role("link", name="Apply for this secondment").click()
    page.wait_for_url("**/apply/")
    assert_accessible(page)

    # A mistake first: the end before the start is refused with a message.
    fill_date(page, "Proposed start date", start)
    fill_date(page, "Proposed end date", start - datetime.timedelta(days=10))
    page.get_by_role("button", name="Submit application").click()
    assert page.locator(".govuk-error-summary").is_visible()
    assert "The end date must be after the start date." in page.content()
    assert_accessible(page)
    assert not Application.objects.exists()

    fill_date(page, "Proposed start date", start)
    fill_date(page, "Proposed end date", end)
    page.get_by_label("Skills you will gain").fill("Pre-deployment evaluation practice.")
    page.get_by_label("Benefit to your home team").fill("A shared evaluation harness.")
    page.get_by_label("What you offer the host").fill("Cyber range engineering.")
    page.get_by_label("Your line manager").select_option(label=str(manager))
    page.get_by_role("group", name="Do you have a conflict of interest").get_by_label("No").check()
    page.get_by_label("Upload your CV").set_input_files(
        files=[{"name": "priya-cv.pdf", "mimeType": "application/pdf", "buffer": PDF_BYTES}]
    )
    page.get_by_label("I confirm that the information I have given is correct").check()
    page.get_by_role("button", name="Submit application").click()
    page.wait_for_url("**/exchanges/applications/*/")
    assert "Your application was submitted" in page.content()
    assert_accessible(page)
    application = Application.objects.get()
    assert application.status == "submitted"

    # 2. The line manager endorses it.
    sign_in_with_cookie(page, manager)
    page.goto("/")
    assert "asks you to endorse this" in page.content()
    assert_accessible(page)
    page.goto("/exchanges/applications/")
    assert_accessible(page)
    page.get_by_role("link", name=application.reference).click()
    page.wait_for_url(f"**/exchanges/applications/{application.pk}/")
    assert_accessible(page)
    page.get_by_role("link", name="Endorse").click()
    page.wait_for_url("**/endorse/")
    assert_accessible(page)
    page.get_by_label("Comments for the applicant").fill("Strong case; we can cover.")
    page.get_by_role("button", name="Endorse this application").click()
    page.wait_for_url(f"**/exchanges/applications/{application.pk}/")
    assert "You endorsed the application" in page.content()
    application.refresh_from_db()
    assert application.status == "endorsed"

    # 3. The Australian programme manager (MFA on) accepts from the pipeline.
    sign_in_with_cookie(page, au_pm)
    page.goto("/exchanges/applications/queue/")
    assert_accessible(page)
    page.get_by_label("Status").select_option("endorsed")
    page.get_by_role("button", name="Apply filters").click()
    page.wait_for_url("**/queue/?*")
    page.get_by_role("link", name=application.reference).click()
    page.wait_for_url(f"**/exchanges/applications/{application.pk}/")
    page.get_by_role("link", name="Accept", exact=True).click()
    page.wait_for_url("**/accept/")
    assert_accessible(page)
    page.get_by_label("Host supervisor").select_option(label=str(supervisor))
    page.get_by_role("button", name="Accept and set up the secondment").click()
    page.wait_for_url("**/exchanges/secondments/*/")
    assert_accessible(page)
    secondment = Secondment.objects.get()
    assert secondment.status == "planning" and secondment.host_supervisor == supervisor
    page.goto("/exchanges/reciprocity/")
    assert_accessible(page)

    # 4. The mandatory checklist items are worked through, each by its owner side: the
    # secondee's by the secondee, the home institute's by the line manager, the host's
    # (recognising the clearance) by the host supervisor.
    sign_in_with_cookie(page, researcher)
    page.goto(secondment.get_absolute_url())
    assert "cannot be marked ready until" in page.content()
    assert_accessible(page)
    mandatory = list(
        secondment.checklist_items.filter(mandatory=True)
        .order_by("order")
        .values_list("title", "kind", "owner_party")
    )
    side = {"secondee": researcher, "home": manager, "host": supervisor}
    checked_kinds = set()
    signed_in = researcher
    for title, kind, party in mandatory:
        if side[party] != signed_in:
            signed_in = side[party]
            sign_in_with_cookie(page, signed_in)
        page.goto(secondment.get_absolute_url())
        page.get_by_role("link", name=title).click()
        page.wait_for_url("**/items/*/")
        if kind not in checked_kinds:
            assert_accessible(page)
            checked_kinds.add(kind)
        page.get_by_role("group", name="Status").get_by_label("Done").check()
        if kind == "agreement":
            page.get_by_label("E-signed").check()
        if kind == "clearance":
            page.get_by_label("Level held").select_option("UK_SC")
            fill_date(page, "Recognition requested on", today)
            fill_date(page, "Recognition received on", today)
            fill_date(page, "Clearance expires on", today.replace(year=today.year + 4))
        if kind == "visa":
            assert page.get_by_label("Visa route").input_value() == "AU_403"
            page.get_by_label("Visa stream").fill("Government Agreement")
            fill_date(page, "Letter of support issued on", today)
            fill_date(page, "Visa applied for on", today)
            fill_date(page, "Visa granted on", today)
            fill_date(page, "Visa expires on", end + datetime.timedelta(days=90))
        if kind == "travel":
            page.get_by_label("Upload evidence").set_input_files(
                files=[
                    {"name": "itinerary.pdf", "mimeType": "application/pdf", "buffer": PDF_BYTES}
                ]
            )
        page.get_by_role("button", name="Save").click()
        page.wait_for_url(f"**/exchanges/secondments/{secondment.pk}/")
        assert "was updated" in page.content(), title
    assert "Every mandatory checklist item is done" in page.content()
    assert_accessible(page)
    page.goto("/")
    assert_accessible(page)

    # 5. The home manager marks it ready.
    sign_in_with_cookie(page, manager)
    page.goto(secondment.get_absolute_url())
    page.get_by_role("button", name="Mark as ready").click()
    page.wait_for_url(f"**/exchanges/secondments/{secondment.pk}/")
    assert "The secondment is ready." in page.content()
    assert_accessible(page)
    secondment.refresh_from_db()
    assert secondment.status == "ready"


def test_every_other_exchange_page_passes_axe(page, live_server, assert_accessible):
    """The pages the journey does not pass through, each seen by someone who may use it,
    with a form error shown where the page has a form."""
    from exchange import services
    from tests.exchange.factories import World

    world = World()
    application, secondment = world.accepted()
    services.checklist_item_update(
        item=secondment.checklist_items.get(key="travel"),
        actor=world.uk_staff,
        status="done",
        notes="Booked",
    )
    returned = world.submitted(applicant=world.au_staff)
    Secondment.objects.filter(pk=secondment.pk).update(status="active")
    induction = secondment.checklist_items.get(key="induction")
    clearance = secondment.checklist_items.get(key="clearance")
    s = secondment.pk
    visits = {
        world.au_pm: [
            "/exchanges/opportunities/manage/",
            "/exchanges/opportunities/new/",
            f"/exchanges/opportunities/{world.au_opportunity.pk}/",
            f"/exchanges/opportunities/{world.au_opportunity.pk}/edit/",
            "/exchanges/applications/",
            "/exchanges/secondments/",
            f"/exchanges/secondments/{s}/supervisor/",
        ],
        world.au_manager: [
            f"/exchanges/applications/{returned.pk}/",
            f"/exchanges/applications/{returned.pk}/return/",
            f"/exchanges/applications/{returned.pk}/decline/",
        ],
        world.uk_manager: [
            f"/exchanges/secondments/{s}/dates/",
            f"/exchanges/secondments/{s}/end-early/",
            f"/exchanges/secondments/{s}/midpoint-review/",
        ],
        world.uk_staff: [
            "/exchanges/applications/open/",
            f"/exchanges/applications/{application.pk}/",
            f"/exchanges/applications/{application.pk}/withdraw/",
            f"/exchanges/secondments/{s}/items/{induction.pk}/",
            f"/exchanges/secondments/{s}/return-report/",
        ],
        # The clearance item is the host's to keep: its form is the host supervisor's.
        world.au_supervisor: [f"/exchanges/secondments/{s}/items/{clearance.pk}/"],
    }
    page.goto("/accounts/login/")
    for user, urls in visits.items():
        sign_in_with_cookie(page, user)
        for url in urls:
            page.goto(url)
            assert page.locator("h1").count() == 1, url
            assert_accessible(page)
            submit = page.locator("main form[method=post] button[type=submit]")
            if "/items/" not in url and submit.count() and "/opportunities/" not in url:
                # Post the form empty: the error summary and field errors are checked too.
                submit.first.click()
                page.wait_for_load_state()
                if page.url.endswith(url):  # refused, not saved: the errors are shown
                    assert page.locator(".govuk-error-summary").count() == 1, url
                assert_accessible(page)
