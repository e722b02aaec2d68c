"""A programme manager (with MFA) opens the exchange reports from the header, filters by
year, reads the charts and their tables, and downloads a section as CSV. axe checks every
page on the way."""

import csv
import datetime
import io

import pytest

from accounts.models import Role
from exchange import services
from exchange.checklist_defaults import install_default_templates
from exchange.models import (
    Application,
    ApplicationEvent,
    ChecklistTemplate,
    ChecklistTemplateItem,
    Secondment,
)
from programmes.services import programme_managers_set
from tests.exchange.factories import OpportunityFactory
from tests.factories import InstituteFactory, ProgrammeFactory, UserFactory, enable_totp

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

UTC = datetime.UTC


def _exchange(uk, au, programme, manager, *, year: int, team: str):
    """A UK secondee's accepted application and its secondment starting in ``year``."""
    applicant = UserFactory(institute=uk, full_name=f"Secondee {year}")
    opportunity = OpportunityFactory(programme=programme, host_institute=au, team=team)
    application = Application.objects.create(
        applicant=applicant,
        opportunity=opportunity,
        programme=programme,
        home_institute=uk,
        host_institute=au,
        direction="UK_AU",
        line_manager=manager,
        status="accepted",
        submitted_at=datetime.datetime(year, 2, 1, tzinfo=UTC),
    )
    for day, status in ((1, "submitted"), (5, "endorsed"), (12, "accepted")):
        ApplicationEvent.objects.create(
            application=application,
            actor=applicant,
            to_status=status,
            at=datetime.datetime(year, 2, day, tzinfo=UTC),
        )
    secondment = Secondment.objects.create(
        application=application,
        secondee=applicant,
        programme=programme,
        home_institute=uk,
        host_institute=au,
        direction="UK_AU",
        home_manager=manager,
        title=f"Evaluations {year}",
        start_date=datetime.date(year, 4, 1),
        end_date=datetime.date(year, 10, 1),
        location="Canberra",
    )
    services.checklist_generate(secondment=secondment)
    return secondment


def test_a_manager_reads_the_reports_filters_by_year_and_downloads_csv(
    page, browser_login, assert_accessible
):
    install_default_templates(ChecklistTemplate, ChecklistTemplateItem)
    uk = InstituteFactory(uk=True)
    au = InstituteFactory(au=True)
    programme = ProgrammeFactory(
        name="UK–Australia AI Security Partnership",
        institutes=[uk, au],
        reciprocity_target_months=6,
    )
    manager = UserFactory(institute=uk, full_name="Grace Okafor", roles=[Role.PROGRAMME_MANAGER])
    line_manager = UserFactory(institute=uk, full_name="Tom Ellis")
    programme_managers_set(programme=programme, managers=[manager])
    enable_totp(manager)
    _exchange(uk, au, programme, line_manager, year=2026, team="Evaluations")
    _exchange(uk, au, programme, line_manager, year=2027, team="Safeguards")

    browser_login(page, manager)
    page.goto("/")
    assert_accessible(page)
    page.get_by_role("navigation", name="Menu").get_by_role("link", name="Reports").click()
    page.wait_for_url("**/exchanges/reports/")
    assert_accessible(page)
    main = page.locator("main")
    assert main.get_by_role("img", name="Applications in each status now").is_visible()
    assert main.get_by_role("table", name="Secondments by start year").is_visible()

    page.get_by_label("Year", exact=True).fill("2027")
    page.get_by_role("button", name="Apply filters").click()
    page.wait_for_url("**/exchanges/reports/?year=2027*")
    assert_accessible(page)
    by_year = main.get_by_role("table", name="Secondments by start year")
    assert "2027" in by_year.inner_text() and "2026" not in by_year.inner_text()
    assert main.get_by_role("img", name="Person-months (used and planned)").count() == 1
    teams = main.get_by_role("table", name="Secondments by host team").inner_text()
    assert "Safeguards" in teams and "Evaluations" not in teams

    with page.expect_download() as info:
        main.get_by_role("link", name="Download secondments (CSV)").click()
    download = info.value
    assert download.suggested_filename.startswith("exchange-secondments-")
    with open(download.path(), encoding="utf-8-sig") as handle:
        rows = list(csv.reader(io.StringIO(handle.read())))
    assert rows[0][0] == "Start year"
    assert [row[0] for row in rows[1:]] == ["2027"]
    assert rows[1][4] == "Safeguards"
