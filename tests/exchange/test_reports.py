"""The exchange reports: who sees them (managers and admins, their institute's exchanges
only), the figures on frozen-clock data, the charts with their tables, the downloads and
their safety rules, and the number of queries."""

import csv
import datetime
import io

import pytest
import time_machine
from django.urls import reverse
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from openpyxl import load_workbook

from accounts.models import Role
from exchange import access, reporting, services
from exchange.models import (
    Application,
    ApplicationEvent,
    ChecklistItem,
    ExchangeQuota,
    Secondment,
)
from programmes.services import programme_managers_set
from tests.factories import ProgrammeFactory, UserFactory, enable_totp

from .factories import OpportunityFactory

pytestmark = pytest.mark.django_db

T0 = datetime.datetime(2026, 3, 2, 9, 0, tzinfo=datetime.UTC)
DAY = datetime.timedelta(days=1)
EXPORTS = [
    f"exchange:report_{section}_{fmt}"
    for section in ("applications", "secondments", "person_months", "late_items")
    for fmt in ("csv", "xlsx")
]


def _csv(response) -> list[list[str]]:
    assert response.status_code == 200, response.content[:500]
    assert response["Content-Type"].startswith("text/csv")
    assert response["X-Content-Type-Options"] == "nosniff"
    text = b"".join(response.streaming_content).decode("utf-8-sig")
    return list(csv.reader(io.StringIO(text)))


def _xlsx(response) -> list[tuple]:
    sheet = load_workbook(io.BytesIO(b"".join(response.streaming_content))).active
    return list(sheet.iter_rows(values_only=True))


@pytest.fixture
def data(world):
    """On a frozen clock: applications moved through their stages a known number of days
    apart, secondments each direction, and late checklist items."""
    w = world
    w.uk_admin = UserFactory(institute=w.uk, roles=[Role.INSTITUTE_ADMIN], full_name="Ula Admin")
    enable_totp(w.uk_admin)
    with time_machine.travel(T0, tick=False) as clock:
        # A: submitted day 0, endorsed day 4, accepted day 10 (UK to Australia).
        a = w.draft(applicant=UserFactory(institute=w.uk, full_name="Ann Applicant"))
        services.application_submit(application=a, actor=a.applicant)
        clock.shift(4 * DAY)
        services.application_endorse(application=a, actor=a.line_manager)
        clock.shift(6 * DAY)
        services.application_accept(application=a, actor=w.au_pm, host_supervisor=w.au_supervisor)
        # B: submitted day 10, endorsed day 12, still waiting (Australia to UK).
        b = w.draft(applicant=UserFactory(institute=w.au, full_name="Bea Applicant"))
        services.application_submit(application=b, actor=b.applicant)
        clock.shift(2 * DAY)
        services.application_endorse(application=b, actor=b.line_manager)
        # C: a draft, never submitted: in no report.
        w.draft(applicant=UserFactory(institute=w.uk, full_name="Cal Drafter"))
    w.secondment_a = Secondment.objects.get(application=a)
    # Three of its items ran late before today (3 August 2026), one for each side.
    for side, due in (("secondee", 20), ("home", 25), ("host", 30)):
        item = w.secondment_a.checklist_items.filter(owner_party=side).order_by("pk").first()
        ChecklistItem.objects.filter(pk=item.pk).update(due_date=datetime.date(2026, 7, due))
    w.a, w.b = a, b
    # The outside institute's own exchange, with a programme of its own: never shown to
    # the UK or Australia.
    other_programme = ProgrammeFactory(institutes=[w.other, w.au], reciprocity_target_months=6)
    w.outside = Secondment.objects.create(
        secondee=w.outsider,
        programme=other_programme,
        home_institute=w.other,
        host_institute=w.au,
        direction="UK_AU",
        home_manager=UserFactory(institute=w.other),
        title="Outside role",
        start_date=datetime.date(2026, 5, 1),
        end_date=datetime.date(2026, 11, 1),
        location="Sydney",
    )
    services.checklist_generate(secondment=w.outside)
    return w


# --- access ---------------------------------------------------------------------------


def test_staff_and_strangers_get_404_for_the_page_and_every_download(data, client):
    for person in (data.uk_staff, data.outsider):
        client.force_login(person)
        assert client.get(reverse("exchange:reports")).status_code == 404
        for name in EXPORTS:
            assert client.get(reverse(name)).status_code == 404, name
    client.logout()
    assert client.get(reverse("exchange:reports")).status_code == 302


def test_managers_and_admins_see_reports_and_the_navigation_link(data, client):
    for person in (data.uk_pm, data.uk_admin):
        assert access.may_see_exchange_reports(person)
        client.force_login(person)
        page = client.get(reverse("home")).content.decode()
        assert f'href="{reverse("exchange:reports")}"' in page
        assert client.get(reverse("exchange:reports")).status_code == 200
        assert client.get(reverse("exchange:report_applications_csv")).status_code == 200
    client.force_login(data.uk_staff)
    assert (
        f'href="{reverse("exchange:reports")}"' not in client.get(reverse("home")).content.decode()
    )


def test_a_manager_without_mfa_is_sent_to_set_it_up(data, client):
    manager = UserFactory(institute=data.uk, full_name="No Mfa")
    programme_managers_set(programme=data.programme, managers=[data.uk_pm, manager])
    client.force_login(manager)
    response = client.get(reverse("exchange:reports"))
    assert response.status_code == 302 and "/2fa/" in response["Location"]


def test_another_institute_sees_nothing_of_yours(data):
    """The outside institute's admin sees its own exchange only; the UK sees nothing of
    the outside institute's exchange with Australia; Australia sees both."""
    outside_admin = UserFactory(institute=data.other, roles=[Role.INSTITUTE_ADMIN])
    assert set(access.secondments_in_reports(outside_admin)) == {data.outside}
    assert not access.applications_in_reports(outside_admin).exists()
    assert data.outside not in access.secondments_in_reports(data.uk_pm)
    assert data.outside in access.secondments_in_reports(data.au_pm)
    late_uk = access.checklist_items_in_reports(data.uk_admin)
    assert not late_uk.filter(secondment=data.outside).exists()
    # Drafts are in nobody's report.
    assert not access.applications_in_reports(data.uk_admin).filter(status="draft").exists()


def test_the_outside_institute_is_not_in_a_uk_managers_figures_or_exports(data, client):
    client.force_login(data.uk_pm)
    page = client.get(reverse("exchange:reports")).content.decode()
    assert "Outside role" not in page and "NZ-AI" not in page
    rows = _csv(client.get(reverse("exchange:report_secondments_csv")))
    assert all("NZ-AI" not in row for row in rows)
    rows = _csv(client.get(reverse("exchange:report_late_items_csv")))
    assert all("Outside role" not in row for row in rows)


# --- figures --------------------------------------------------------------------------


def test_applications_by_status_with_median_and_mean_days_in_each_stage(data):
    rows = {
        row["status"]: row
        for row in reporting.application_figures(data.uk_pm, reporting.ReportFilters())
    }
    assert rows["accepted"]["count"] == 1 and rows["endorsed"]["count"] == 1
    assert "draft" not in rows or rows["draft"]["count"] == 0
    # Submitted: A waited 4 days, B 2 days. Endorsed: A waited 6 days; B still waits.
    assert rows["submitted"]["stays"] == 2
    assert rows["submitted"]["median_days"] == 3.0
    assert rows["submitted"]["mean_days"] == 3.0
    assert rows["endorsed"]["stays"] == 1 and rows["endorsed"]["median_days"] == 6.0
    assert rows["accepted"]["stays"] is None  # an outcome, not a stage


def test_filters_narrow_the_applications_by_direction_and_year(data):
    uk_to_au = reporting.application_figures(data.uk_pm, reporting.ReportFilters(direction="UK_AU"))
    assert {row["status"]: row["count"] for row in uk_to_au if row["count"]} == {"accepted": 1}
    assert reporting.application_figures(data.uk_pm, reporting.ReportFilters(year=2025)) == []
    in_2026 = reporting.application_figures(data.uk_pm, reporting.ReportFilters(year=2026))
    assert sum(row["count"] for row in in_2026) == 2


def test_secondments_by_direction_institute_team_and_year(data):
    figures = reporting.secondment_figures(data.uk_pm, reporting.ReportFilters())
    assert figures["by_direction"] == [
        {"label": "UK to Australia", "planned": 1, "active": 0, "finished": 0, "cancelled": 0,
         "total": 1}
    ]  # fmt: skip
    assert figures["by_institute"] == [
        {"label": "AU-AISI", "sent": 0, "hosted": 1},
        {"label": "UK-AISI", "sent": 1, "hosted": 0},
    ]
    assert [row["label"] for row in figures["by_team"]] == ["Evaluations"]
    assert [row["label"] for row in figures["by_year"]] == [2026]


def test_person_months_against_the_programme_target(data):
    """Secondment A runs 1 October 2026 to 1 April 2027: 3 months in 2026 and 3 in 2027
    (each month counts the share of its days covered), planned, against a target of 12
    each direction each year; a quota agreed for 2027 replaces the target there."""
    sec = data.secondment_a
    assert (sec.start_date, sec.end_date) == (datetime.date(2026, 10, 1), datetime.date(2027, 4, 1))
    rows = reporting.person_month_figures(data.uk_pm, reporting.ReportFilters())
    keys = ("year", "direction", "planned", "target", "meets_target")
    assert [tuple(row[key] for key in keys) for row in rows] == [
        (2026, "UK to Australia", 3.0, 12, False),
        (2027, "UK to Australia", 3.0, 12, False),
    ]
    ExchangeQuota.objects.create(
        programme=sec.programme, year=2027, direction=sec.direction, agreed=3
    )
    rows = reporting.person_month_figures(data.uk_pm, reporting.ReportFilters())
    assert [tuple(row[key] for key in keys) for row in rows] == [
        (2026, "UK to Australia", 3.0, 12, False),
        (2027, "UK to Australia", 3.0, 3.0, True),
    ]
    only_2027 = reporting.person_month_figures(data.uk_pm, reporting.ReportFilters(year=2027))
    assert [row["year"] for row in only_2027] == [2027]


def test_late_checklist_items_count_and_list_by_owner_side(data):
    today = datetime.date(2026, 8, 3)
    items = ChecklistItem.objects.filter(secondment=data.secondment_a)
    open_late = items.exclude(status__in=ChecklistItem.CLOSED).filter(due_date__lt=today)
    expected = {
        side: open_late.filter(owner_party=side).count() for side in ("secondee", "home", "host")
    }
    assert expected == {"secondee": 1, "home": 1, "host": 1}
    by_side = reporting.late_items_by_side(data.uk_pm, reporting.ReportFilters(), today=today)
    assert {row["side"]: row["count"] for row in by_side} == expected
    listed = list(reporting.late_item_list(data.uk_pm, reporting.ReportFilters(), today=today))
    assert len(listed) == sum(expected.values())
    assert [item.due_date for item in listed] == sorted(item.due_date for item in listed)
    # Closing one takes it off the list.
    first = listed[0]
    ChecklistItem.objects.filter(pk=first.pk).update(status="done")
    after = reporting.late_items_by_side(data.uk_pm, reporting.ReportFilters(), today=today)
    assert sum(row["count"] for row in after) == sum(expected.values()) - 1


# --- the page -------------------------------------------------------------------------


def test_each_section_has_an_svg_chart_with_title_desc_and_a_table(data, client):
    client.force_login(data.uk_pm)
    response = client.get(reverse("exchange:reports"))
    assert response.status_code == 200
    page = response.content.decode()
    assert page.count('<svg class="app-chart__svg" role="img"') == 4
    for chart in ("applications", "secondments", "person-months", "late"):
        assert f'aria-labelledby="chart-{chart}-title chart-{chart}-desc"' in page
        assert f'<title id="chart-{chart}-title">' in page
        assert f'<desc id="chart-{chart}-desc">' in page
    assert page.count("<table") >= 7
    assert "style=" not in page  # the CSP allows no inline style
    assert "Endorsed: 1" in page  # the chart's description carries the figures


def test_the_year_filter_narrows_the_page_and_a_bad_year_is_an_error(data, client):
    client.force_login(data.uk_pm)
    page = client.get(reverse("exchange:reports") + "?year=2025").content.decode()
    assert "No applications match these filters." in page
    bad = client.get(reverse("exchange:reports") + "?year=99999&direction=nowhere")
    assert bad.status_code == 200
    content = bad.content.decode()
    assert "<title>Error: Exchange reports" in content
    assert "Enter a year up to 2099" in content and "Choose a direction from the list" in content
    export = client.get(reverse("exchange:report_applications_csv") + "?year=abc")
    assert export.status_code == 400


def test_a_programme_of_another_institute_is_not_a_choice(data, client):
    client.force_login(data.uk_pm)
    other = data.outside.programme
    response = client.get(reverse("exchange:reports") + f"?programme={other.pk}")
    assert "Choose a programme from the list" in response.content.decode()


@settings(max_examples=25, deadline=None, suppress_health_check=list(HealthCheck))
@given(
    year=st.one_of(st.text(max_size=30), st.integers().map(str)),
    programme=st.one_of(st.text(max_size=30), st.integers().map(str)),
    direction=st.text(max_size=30),
)
def test_hostile_filters_never_break_the_page_or_the_downloads(
    world, client, year, programme, direction
):
    client.force_login(world.uk_pm)
    query = {"year": year, "programme": programme, "direction": direction}
    assert client.get(reverse("exchange:reports"), query).status_code == 200
    response = client.get(reverse("exchange:report_late_items_csv"), query)
    assert response.status_code in (200, 400)


# --- downloads ------------------------------------------------------------------------


def test_every_section_downloads_as_csv_and_xlsx(data, client):
    client.force_login(data.uk_pm)
    rows = _csv(client.get(reverse("exchange:report_applications_csv")))
    assert rows[0] == reporting.APPLICATION_HEADERS
    assert ["Submitted", "0", "2", "3.0", "3.0"] in rows
    sheet = _xlsx(client.get(reverse("exchange:report_applications_xlsx")))
    assert sheet[0] == tuple(reporting.APPLICATION_HEADERS)
    assert ("Submitted", 0, 2, 3, 3) in sheet
    rows = _csv(client.get(reverse("exchange:report_person_months_csv") + "?year=2026"))
    assert rows[1][:3] == [data.programme.name, "2026", "UK to Australia"]
    rows = _xlsx(client.get(reverse("exchange:report_secondments_xlsx")))
    assert rows[1] == (2026, "UK to Australia", "UK-AISI", "AU-AISI", "Evaluations", "Planning", 1)
    late = _csv(client.get(reverse("exchange:report_late_items_csv")))
    assert late[0] == reporting.LATE_ITEM_HEADERS and len(late) == 4
    assert late[1][0] == data.secondment_a.reference
    assert late[1][5:] == ["Secondee", late[1][6], "2026-07-20", "14"]


def test_downloads_guard_against_formula_injection(data, client):
    """A team or title that a spreadsheet would run as a formula is quoted in CSV and
    stays plain text in XLSX."""
    data.au_opportunity.team = '=HYPERLINK("http://evil")'
    data.au_opportunity.save()
    Secondment.objects.filter(pk=data.secondment_a.pk).update(title="+SUM(A1:A9)")
    ChecklistItem.objects.filter(secondment=data.secondment_a).update(title="@cmd")
    client.force_login(data.uk_pm)
    rows = _csv(client.get(reverse("exchange:report_secondments_csv")))
    assert rows[1][4] == '\'=HYPERLINK("http://evil")'
    late = _csv(client.get(reverse("exchange:report_late_items_csv")))
    sheet = _xlsx(client.get(reverse("exchange:report_late_items_xlsx")))
    assert late[1][1] == "'+SUM(A1:A9)" and late[1][4] == "'@cmd"
    # XLSX keeps the text as written, as an inline string: never a formula.
    assert sheet[1][1] == "+SUM(A1:A9)" and sheet[1][4] == "@cmd"


# --- queries --------------------------------------------------------------------------


def _grow(world, count: int) -> None:
    for n in range(count):
        opportunity = OpportunityFactory(
            programme=world.programme, host_institute=world.au, team=f"Team {n}"
        )
        applicant = UserFactory(institute=world.uk)
        application = Application.objects.create(
            applicant=applicant,
            opportunity=opportunity,
            programme=world.programme,
            home_institute=world.uk,
            host_institute=world.au,
            direction="UK_AU",
            line_manager=world.uk_manager,
            status="endorsed",
            submitted_at=T0,
        )
        ApplicationEvent.objects.create(
            application=application, actor=applicant, to_status="submitted", at=T0
        )
        ApplicationEvent.objects.create(
            application=application, actor=applicant, to_status="endorsed", at=T0 + DAY
        )
        secondment = Secondment.objects.create(
            application=application,
            secondee=applicant,
            programme=world.programme,
            home_institute=world.uk,
            host_institute=world.au,
            direction="UK_AU",
            home_manager=world.uk_manager,
            title=f"Role {n}",
            start_date=datetime.date(2025 + n % 3, 3, 1),
            end_date=datetime.date(2025 + n % 3, 9, 1),
            location="Canberra",
        )
        services.checklist_generate(secondment=secondment)


PAGE_QUERY_LIMIT = 20
EXPORT_QUERY_LIMIT = 12


def test_the_page_and_downloads_cost_the_same_few_queries_however_much_data(
    data, client, django_assert_max_num_queries
):
    client.force_login(data.uk_pm)
    url = reverse("exchange:reports") + "?direction=UK_AU"
    client.get(url)  # warm the session
    _grow(data, 2)
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    def cost(address):
        with CaptureQueriesContext(connection) as queries:
            response = client.get(address)
            if getattr(response, "streaming", False):
                b"".join(response.streaming_content)
        return len(queries)

    small = {name: cost(reverse(name)) for name in EXPORTS} | {"page": cost(url)}
    _grow(data, 12)
    large = {name: cost(reverse(name)) for name in EXPORTS} | {"page": cost(url)}
    assert small == large
    with django_assert_max_num_queries(PAGE_QUERY_LIMIT):
        client.get(url)
    for name in EXPORTS:
        with django_assert_max_num_queries(EXPORT_QUERY_LIMIT):
            b"".join(client.get(reverse(name)).streaming_content)


def test_the_outside_institutes_admin_sees_only_its_own_exchange_on_the_page(data, client):
    outside_admin = UserFactory(institute=data.other, roles=[Role.INSTITUTE_ADMIN])
    enable_totp(outside_admin)
    client.force_login(outside_admin)
    page = client.get(reverse("exchange:reports")).content.decode()
    assert "NZ-AI" in page  # its own secondment, sent to Australia
    assert "UK-AISI" not in page and "Evaluations" not in page
    assert "No applications have been submitted to or from your institute yet." in page
    rows = _csv(client.get(reverse("exchange:report_secondments_csv")))
    assert [row[2:4] for row in rows[1:]] == [["NZ-AI", "AU-AISI"]]
