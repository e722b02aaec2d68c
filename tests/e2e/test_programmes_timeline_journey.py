"""A programme manager opens the programme's timeline, filters it by project and reads
the chart and the list beside it, then adds a deliverable to a milestone; a project
member sees only their project's bars. axe checks every page; the browser reports no CSP
violation; printing hides the filters."""

import datetime
import re

import pytest
from django.utils import timezone

from accounts.models import Role
from programmes.models import MembershipRole, MilestoneStatus
from tests.factories import InstituteFactory, ProgrammeFactory, UserFactory, enable_totp
from tests.handover.factories import make_document
from tests.programmes.factories import MembershipFactory, MilestoneFactory, ProjectFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _world():
    uk = InstituteFactory(uk=True, domains=["aisi.example.gov.uk"])
    au = InstituteFactory(au=True, domains=["aisi.example.gov.au"])
    today = timezone.localdate()
    programme = ProgrammeFactory(
        name="UK–Australia AI Security Partnership",
        institutes=[uk, au],
        start_date=today - datetime.timedelta(days=200),
        end_date=today + datetime.timedelta(days=1000),
    )
    manager = UserFactory(institute=uk, full_name="Grace Okafor", roles=[Role.PROGRAMME_MANAGER])
    enable_totp(manager)
    programme.managers.add(manager)
    researcher = UserFactory(institute=uk, full_name="Priya Shah")
    partner = UserFactory(institute=au, full_name="Sophie Walker")
    evals = ProjectFactory(
        programme=programme,
        code="JRP-EVAL-01",
        title="Evaluation methods",
        lead_institute=uk,
        partner_institutes=[au],
        start_date=today - datetime.timedelta(days=150),
        end_date=today + datetime.timedelta(days=400),
    )
    other = ProjectFactory(
        programme=programme,
        code="JRP-RED-02",
        title="Red teaming",
        lead_institute=au,
        partner_institutes=[uk],
        start_date=today - datetime.timedelta(days=150),
        end_date=today + datetime.timedelta(days=400),
    )
    MembershipFactory(project=evals, user=researcher, role=MembershipRole.RESEARCHER)
    MembershipFactory(project=evals, user=partner, role=MembershipRole.LEAD)
    MembershipFactory(project=other, user=partner, role=MembershipRole.LEAD)
    protocol = MilestoneFactory(
        project=evals,
        owner=researcher,
        title="Evaluation protocol agreed",
        start_date=today - datetime.timedelta(days=60),
        due_date=today - datetime.timedelta(days=5),
        baseline_due_date=today - datetime.timedelta(days=20),
        status=MilestoneStatus.IN_PROGRESS,
    )
    report = MilestoneFactory(
        project=evals,
        owner=partner,
        title="Joint report published",
        due_date=today + datetime.timedelta(days=90),
    )
    report.dependencies.add(protocol)
    MilestoneFactory(
        project=other,
        owner=partner,
        title="Red-team exercise run",
        start_date=today,
        due_date=today + datetime.timedelta(days=45),
    )
    # A document of the manager's institute, to link to a deliverable.
    make_document(manager, title="Evaluation protocol, signed")
    return programme, manager, researcher


def test_manager_filters_the_programme_timeline_by_project(page, browser_login, assert_accessible):
    programme, manager, researcher = _world()
    violations = []
    page.on(
        "console",
        lambda msg: violations.append(msg.text) if "Content Security Policy" in msg.text else None,
    )

    browser_login(page, manager)
    page.goto(f"/programmes/{programme.pk}/")
    page.get_by_role("link", name="View the programme timeline").click()
    page.wait_for_url(f"**/programmes/{programme.pk}/timeline/")
    assert_accessible(page)
    chart = page.get_by_role("img", name="Timeline of 3 milestones")
    assert chart.is_visible()
    listing = page.get_by_role("table", name="Milestones on the timeline")
    for title in ("Evaluation protocol agreed", "Joint report published", "Red-team exercise run"):
        assert listing.get_by_role("link", name=title).is_visible()
    overdue_row = listing.get_by_role("row", name=re.compile("^Evaluation protocol agreed"))
    assert "Overdue" in overdue_row.inner_text()
    assert (
        "Evaluation protocol agreed"
        in listing.get_by_role("row", name="Joint report published").inner_text()
    )

    # Filter by project: only that project's bars and rows remain.
    page.get_by_label("Project").select_option(label="JRP-RED-02: Red teaming")
    page.get_by_role("button", name="Apply filters").click()
    page.wait_for_url("**/timeline/?*project=JRP-RED-02*")
    assert_accessible(page)
    assert page.get_by_role("img", name="Timeline of 1 milestone").is_visible()
    listing = page.get_by_role("table", name="Milestones on the timeline")
    assert listing.get_by_role("link", name="Red-team exercise run").is_visible()
    assert listing.get_by_role("link", name="Joint report published").count() == 0

    # Filter by the owner's institute and status.
    page.get_by_role("link", name="Clear filters").click()
    page.get_by_label("Owner’s institute").select_option(label="UK AI Security Institute")
    page.get_by_label("Status").select_option(label="In progress")
    page.get_by_role("button", name="Apply filters").click()
    assert page.get_by_role("img", name="Timeline of 1 milestone").is_visible()
    assert_accessible(page)

    # Printed, the chart and list stay; the filters go.
    page.emulate_media(media="print")
    assert page.get_by_role("img", name="Timeline of 1 milestone").is_visible()
    assert not page.get_by_role("button", name="Apply filters").is_visible()
    page.emulate_media(media="screen")

    # The project's own timeline, from the project page.
    page.goto("/programmes/projects/JRP-EVAL-01/")
    page.get_by_role("link", name="View the project timeline").click()
    assert_accessible(page)
    assert page.get_by_role("img", name="Timeline of 2 milestones").is_visible()

    # The manager adds a deliverable to the overdue milestone; a first try with no title
    # shows the error beside the field.
    page.get_by_role("link", name="Evaluation protocol agreed").click()
    assert_accessible(page)
    page.get_by_role("link", name="Add a deliverable").click()
    assert_accessible(page)
    page.get_by_role("button", name="Add deliverable").click()
    assert page.title().startswith("Error: ")
    assert "Enter a title." in page.locator("#id_title-error").inner_text()
    assert_accessible(page)
    page.get_by_label("Title").fill("Protocol document (PDF)")
    page.get_by_label("Owner").select_option(label="Priya Shah")
    page.get_by_label("In progress").check()
    page.get_by_role("button", name="Add deliverable").click()
    page.wait_for_url("**/milestones/*/#deliverables")
    deliverables = page.get_by_role("table", name="Deliverables of this milestone")
    row = deliverables.get_by_role("row", name=re.compile("^Protocol document"))
    assert "Priya Shah" in row.inner_text() and "In progress" in row.inner_text()
    assert "Overdue" in row.inner_text()
    assert_accessible(page)

    # The deliverable is the signed protocol: the manager links that document's version,
    # after a first try with nothing chosen.
    row.get_by_role("link", name=re.compile("^Link a document")).click()
    assert_accessible(page)
    page.get_by_role("button", name="Link document").click()
    assert page.title().startswith("Error: ")
    assert_accessible(page)
    page.get_by_label("Document version").select_option(index=1)
    page.get_by_role("button", name="Link document").click()
    deliverables = page.get_by_role("table", name="Deliverables of this milestone")
    row = deliverables.get_by_role("row", name=re.compile("^Protocol document"))
    assert "Evaluation protocol, signed" in row.inner_text()
    assert_accessible(page)
    page.goto(f"/programmes/{programme.pk}/")
    assert page.locator("#total-deliverables").inner_text() == "0 of 1"
    assert page.locator("#total-deliverables-overdue").inner_text() == "1"
    assert_accessible(page)

    # A researcher on one project sees only its bars on the programme's timeline.
    page.context.clear_cookies()
    browser_login(page, researcher)
    page.goto(f"/programmes/{programme.pk}/timeline/")
    assert_accessible(page)
    assert page.get_by_role("img", name="Timeline of 2 milestones").is_visible()
    assert "Red-team exercise run" not in page.locator("main").inner_text()
    assert violations == []
