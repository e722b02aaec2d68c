"""A line manager names an acting delegate for a fortnight of leave; the delegate finds
the waiting application in their list marked as acting, endorses it, and the
application's history shows who decided on whose behalf. axe checks every page."""

import datetime

import pytest
from django.utils import timezone

from accounts.models import Role
from exchange import services
from exchange.checklist_defaults import install_default_templates
from exchange.models import Application, ChecklistTemplate, ChecklistTemplateItem, Delegation
from tests.e2e.dates import fill_date
from tests.exchange.factories import OpportunityFactory, pdf_upload
from tests.factories import InstituteFactory, ProgrammeFactory, UserFactory, enable_totp

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_line_manager_names_a_delegate_who_endorses_as_acting(
    page, live_server, browser_login, assert_accessible
):
    install_default_templates(ChecklistTemplate, ChecklistTemplateItem)
    uk = InstituteFactory(uk=True)
    au = InstituteFactory(au=True)
    programme = ProgrammeFactory(institutes=[uk, au])
    researcher = UserFactory(institute=uk, full_name="Priya Shah")
    manager = UserFactory(institute=uk, full_name="Tom Ellis")
    deputy = UserFactory(institute=uk, full_name="Dana Reid", roles=[Role.PROGRAMME_MANAGER.value])
    enable_totp(deputy)
    today = timezone.localdate()
    opportunity = OpportunityFactory(
        programme=programme,
        host_institute=au,
        title="Frontier evaluations scientist",
        earliest_start=today + datetime.timedelta(days=30),
        closing_date=today + datetime.timedelta(days=60),
    )
    application = services.application_create(
        applicant=researcher,
        opportunity=opportunity,
        cv=pdf_upload(),
        proposed_start=today + datetime.timedelta(days=90),
        proposed_end=today + datetime.timedelta(days=270),
        skills_to_gain="Evaluation practice.",
        benefit_to_home_team="A shared harness.",
        offer_to_host="Cyber ranges.",
        line_manager=manager,
        has_conflict_of_interest=False,
        declaration_confirmed=True,
    )
    services.application_submit(application=application, actor=researcher)

    # 1. The line manager names Dana Reid for the next fortnight.
    browser_login(page, manager)
    page.goto("/exchanges/delegates/")
    assert page.locator("h1").inner_text() == "Acting delegates"
    assert_accessible(page)
    page.get_by_role("link", name="Name an acting delegate").click()
    page.wait_for_url("**/exchanges/delegates/new/")
    assert_accessible(page)

    # A mistake first: nothing chosen is refused with messages, and nothing is saved.
    page.get_by_role("button", name="Name delegate").click()
    assert page.title().startswith("Error: ")
    assert "Choose your acting delegate." in page.locator(".govuk-error-summary").inner_text()
    assert_accessible(page)
    assert not Delegation.objects.exists()

    page.get_by_label("Line manager decisions").check()
    page.get_by_label("Acting delegate").select_option(label="Dana Reid")
    fill_date(page, "First day", today)
    fill_date(page, "Last day", today + datetime.timedelta(days=13))
    page.get_by_label("Reason (optional)").fill("Annual leave")
    page.get_by_role("button", name="Name delegate").click()
    page.wait_for_url("**/exchanges/delegates/")
    assert "Dana Reid will act for you" in page.content()
    assert "Annual leave" in page.content()
    assert_accessible(page)

    # 2. The delegate sees the application as acting, and endorses it.
    page.context.clear_cookies()
    browser_login(page, deputy)
    page.goto("/exchanges/applications/")
    assert "Acting for Tom Ellis" in page.content()
    assert_accessible(page)
    page.get_by_role("link", name=application.reference).click()
    page.wait_for_url(f"**{application.get_absolute_url()}")
    assert "You decide as acting delegate for Tom Ellis" in page.content()
    assert_accessible(page)
    page.get_by_role("link", name="Endorse").click()
    assert_accessible(page)
    page.get_by_label("Comments for the applicant").fill("Endorsed while Tom is on leave.")
    page.get_by_role("button", name="Endorse this application").click()
    page.wait_for_url(f"**{application.get_absolute_url()}")
    history = page.get_by_role("table").filter(has_text="Every change of status").inner_text()
    assert "Dana Reid (acting for Tom Ellis)" in history
    assert_accessible(page)
    assert Application.objects.get(pk=application.pk).status == "endorsed"

    # 3. The people you act for are listed on the delegate's own page.
    page.goto("/exchanges/delegates/")
    assert "People you act for" in page.content() and "Tom Ellis" in page.content()
    assert_accessible(page)
