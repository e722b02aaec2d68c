"""A programme manager with MFA sets up a joint project and its milestones; a researcher
marks one done; the dashboard's RAG follows. axe checks every page on the way."""

import datetime

import pytest
from django.utils import timezone

from accounts.models import Role
from programmes.models import Milestone, MilestoneStatus, Project
from tests.e2e.dates import fill_date
from tests.factories import InstituteFactory, ProgrammeFactory, UserFactory, enable_totp

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_manager_sets_up_a_project_researcher_completes_a_milestone(
    page, browser_login, assert_accessible
):
    """A manager with MFA creates a project, members and milestones; the researcher marks one done;
    the dashboard turns from amber to green; axe finds nothing on any page."""
    uk = InstituteFactory(uk=True, domains=["aisi.example.gov.uk"])
    au = InstituteFactory(au=True, domains=["aisi.example.gov.au"])
    today = timezone.localdate()
    programme = ProgrammeFactory(
        name="UK–Australia AI Security Partnership",
        institutes=[uk, au],
        start_date=today - datetime.timedelta(days=100),
        end_date=today + datetime.timedelta(days=1000),
    )
    manager = UserFactory(
        institute=uk,
        email="programmes@aisi.example.gov.uk",
        full_name="Grace Okafor",
        roles=[Role.PROGRAMME_MANAGER],
    )
    enable_totp(manager)
    programme.managers.add(manager)
    researcher = UserFactory(
        institute=uk, email="researcher@aisi.example.gov.uk", full_name="Priya Shah"
    )
    au_lead = UserFactory(
        institute=au, email="manager@aisi.example.gov.au", full_name="Sophie Walker"
    )

    browser_login(page, manager)
    page.goto("/programmes/")
    assert_accessible(page)
    page.get_by_role("link", name=programme.name).click()
    page.wait_for_url(f"**/programmes/{programme.pk}/")
    assert_accessible(page)

    # Create the project; a first attempt without a title shows the error beside it.
    page.get_by_role("link", name="Add a project").click()
    assert_accessible(page)
    page.get_by_label("Code").fill("JRP-E2E-01")
    page.get_by_role("group", name="Lead institute").get_by_label(
        "UK AI Security Institute (UK-AISI)"
    ).check()
    fill_date(page, "Start date", today)
    fill_date(page, "End date", today + datetime.timedelta(days=365))
    page.get_by_role("button", name="Add project").click()
    assert page.locator(".govuk-error-summary").is_visible()
    assert "Enter a title." in page.locator("#id_title-error").inner_text()
    assert_accessible(page)
    assert not Project.objects.filter(code="JRP-E2E-01").exists()
    page.get_by_label("Title").fill("End-to-end evaluation study")
    page.get_by_role("group", name="Partner institutes").get_by_label(
        "Australian AI Safety Institute (AU-AISI)"
    ).check()
    page.get_by_role("button", name="Add project").click()
    page.wait_for_url("**/programmes/projects/JRP-E2E-01/members/")
    assert_accessible(page)

    # Members: the researcher, and a lead from the partner institute.
    page.get_by_label("Email address").fill(researcher.email)
    page.get_by_label("Researcher").check()
    page.get_by_role("button", name="Add member").click()
    page.wait_for_url("**/members/")
    page.get_by_label("Email address").fill(au_lead.email)
    page.get_by_label("Institute lead").check()
    page.get_by_role("button", name="Add member").click()
    page.wait_for_url("**/members/")
    assert "Sophie Walker" in page.locator("table").inner_text()
    assert_accessible(page)

    # Two milestones: one due in five days and not started (amber), one later (green).
    page.get_by_role("link", name="Add a milestone").click()
    assert_accessible(page)
    page.get_by_label("Title").fill("Evaluation protocol agreed")
    page.get_by_label("Owner").select_option(label="Priya Shah")
    fill_date(page, "Due date", today + datetime.timedelta(days=5))
    page.get_by_role("button", name="Add and add another").click()
    page.wait_for_url("**/milestones/new/")
    page.get_by_label("Title", exact=True).fill("Joint report published")
    page.get_by_label("Owner").select_option(label="Sophie Walker")
    fill_date(page, "Due date", today + datetime.timedelta(days=90))
    page.get_by_label("Evaluation protocol agreed").check()
    page.get_by_role("button", name="Add milestone", exact=True).click()
    page.wait_for_url("**/programmes/projects/JRP-E2E-01/")
    assert_accessible(page)
    timeline = page.locator(".app-timeline").inner_text()
    assert "Evaluation protocol agreed" in timeline and "Joint report published" in timeline
    assert "Amber" in page.locator("#project-rag").inner_text()

    page.goto(f"/programmes/{programme.pk}/")
    assert "Amber" in page.locator("#project-JRP-E2E-01").inner_text()
    assert_accessible(page)

    first = Milestone.objects.get(title="Evaluation protocol agreed")
    for path in (
        f"/programmes/milestones/{first.pk}/",
        f"/programmes/milestones/{first.pk}/edit/",
        f"/programmes/milestones/{first.pk}/due-date/",
        f"/programmes/milestones/{first.pk}/status/",
        "/programmes/projects/JRP-E2E-01/rag/",
        "/programmes/projects/JRP-E2E-01/edit/",
        f"/programmes/{programme.pk}/edit/",
        "/programmes/new/",
        "/programmes/milestones/?rag=amber",
        "/programmes/calendar/",
    ):
        page.goto(path)
        assert_accessible(page)
    page.get_by_role("button", name="Create my calendar address").click()
    assert "/calendar/" in page.get_by_label("Your calendar address").input_value()
    assert_accessible(page)

    # The researcher signs in and marks their milestone done.
    page.context.clear_cookies()
    browser_login(page, researcher)
    page.goto("/")
    assert "Evaluation protocol agreed" in page.locator("main").inner_text()
    assert_accessible(page)
    page.get_by_role("link", name="JRP-E2E-01: Evaluation protocol agreed").click()
    assert_accessible(page)
    page.get_by_role("link", name="Update status").click()
    assert_accessible(page)
    page.get_by_label("Done").check()
    page.get_by_role("button", name="Save status").click()
    page.wait_for_url(f"**/programmes/milestones/{first.pk}/")
    assert "Done" in page.locator("#milestone-status").inner_text()
    assert_accessible(page)
    first.refresh_from_db()
    assert first.status == MilestoneStatus.DONE

    # The researcher sees the dashboard of their programme: the project is now green.
    page.goto(f"/programmes/{programme.pk}/")
    assert "Green" in page.locator("#project-JRP-E2E-01").inner_text()
    assert page.locator("#total-done").inner_text() == "1"
    assert_accessible(page)
    page.goto("/programmes/milestones/")
    assert_accessible(page)
    page.goto("/programmes/projects/JRP-E2E-01/")
    assert "Green" in page.locator("#project-rag").inner_text()
    assert_accessible(page)

    # The manager's dashboard agrees.
    page.context.clear_cookies()
    browser_login(page, manager)
    page.goto(f"/programmes/{programme.pk}/")
    assert "Green" in page.locator("#project-JRP-E2E-01").inner_text()
