import csv
import datetime
import io

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from icalendar import Calendar
from openpyxl import load_workbook

from programmes import services
from programmes.models import CalendarFeed, MilestoneStatus
from tests.programmes.conftest import TODAY, body
from tests.programmes.factories import MilestoneFactory

pytestmark = pytest.mark.django_db

DAY = datetime.timedelta(days=1)


@pytest.fixture
def milestones(world):
    """A spread of milestones on the world's project, some late, some slipped."""
    made = [world.milestone]
    for i, status in enumerate(
        [MilestoneStatus.PLANNED, MilestoneStatus.IN_PROGRESS, MilestoneStatus.DONE] * 4
    ):
        due = TODAY + (i * 7 - 20) * DAY
        made.append(
            MilestoneFactory(
                project=world.project,
                owner=world.researcher if i % 2 else world.partner,
                title=f"=Step {i}" if i == 0 else f"Step {i}",
                due_date=due,
                baseline_due_date=due - (3 * DAY if i % 3 == 0 else 0 * DAY),
                status=status,
                completed_on=due if status == MilestoneStatus.DONE else None,
            )
        )
    return made


def _csv_rows(response):
    text = b"".join(response.streaming_content).decode("utf-8-sig")
    return list(csv.reader(io.StringIO(text)))


def _page_titles(client, query):
    titles = []
    url = reverse("programmes:milestone_list") + "?" + query
    page = 1
    while True:
        response = client.get(f"{url}&page={page}")
        titles += [m.title for m in response.context["page_obj"]]
        if not response.context["page_obj"].has_next():
            return titles
        page += 1


@pytest.mark.parametrize(
    "query",
    [
        "sort=due",
        "status=planned&sort=-due",
        "rag=red&sort=due",
        "owner={researcher}&sort=title",
        "institute=AU-AISI&sort=due",
        "due_after=2026-11-20&due_before=2026-12-31&sort=slippage",
    ],
)
def test_csv_and_xlsx_match_the_filtered_list(world, milestones, client, frozen_today, query):
    """Both exports hold exactly the milestones of the filtered list, in its order."""
    query = query.format(researcher=world.researcher.pk)
    client.force_login(world.manager)
    expected = _page_titles(client, query)
    assert expected, "the filter should match something"

    response = client.get(reverse("programmes:milestone_export_csv") + "?" + query)
    assert response["Content-Type"].startswith("text/csv")
    assert response["Content-Disposition"].startswith("attachment;")
    rows = _csv_rows(response)
    assert rows[0][:3] == ["Project", "Project title", "Milestone"]
    # Titles that a spreadsheet would run as a formula get an apostrophe in CSV.
    assert [r[2].removeprefix("'") for r in rows[1:]] == expected
    assert all(not r[2].startswith("=") for r in rows[1:])

    response = client.get(reverse("programmes:milestone_export_xlsx") + "?" + query)
    assert response["Content-Disposition"].startswith("attachment;")
    sheet = load_workbook(io.BytesIO(body(response))).active
    xlsx_rows = list(sheet.iter_rows(values_only=True))
    assert [r[2] for r in xlsx_rows[1:]] == expected
    # A title that looks like a formula stays text in the workbook.
    assert all(row[2].data_type == "s" for row in sheet.iter_rows(min_row=2))
    assert len(xlsx_rows) == len(rows)


def test_export_columns_carry_dates_status_rag_and_slippage(world, client, frozen_today):
    """A CSV row carries the project, title, owner, institute, status, RAG, due and baseline dates,
    slippage in days, completion date and deliverable counts; XLSX stores real dates and
    numbers."""
    slipped = MilestoneFactory(
        project=world.project,
        owner=world.researcher,
        title="Slipped one",
        due_date=TODAY - 2 * DAY,
        baseline_due_date=TODAY - 12 * DAY,
    )
    client.force_login(world.researcher)
    rows = _csv_rows(client.get(reverse("programmes:milestone_export_csv") + "?sort=due"))
    row = next(r for r in rows if r[2] == slipped.title)
    assert row == [
        "JRP-EVAL-01",
        world.project.title,
        "Slipped one",
        str(world.researcher),
        "UK-AISI",
        "Planned",
        "Red",
        (TODAY - 2 * DAY).isoformat(),
        (TODAY - 12 * DAY).isoformat(),
        "10",
        "",
        "0",
        "0",
        "0",
    ]
    sheet = load_workbook(
        io.BytesIO(body(client.get(reverse("programmes:milestone_export_xlsx"))))
    ).active
    xrow = next(r for r in sheet.iter_rows(values_only=True) if r[2] == "Slipped one")
    assert xrow[7].date() == TODAY - 2 * DAY
    assert xrow[9] == 10


def test_exports_are_limited_to_what_the_person_sees(world, client):
    """Exports hold only visible milestones, even when the filter names another project."""
    client.force_login(world.outsider)
    csv_rows = _csv_rows(client.get(reverse("programmes:milestone_export_csv")))
    assert [r[2] for r in csv_rows[1:]] == [world.other_milestone.title]
    # A filter naming someone else's project yields nothing, not their rows.
    rows = _csv_rows(
        client.get(reverse("programmes:milestone_export_csv") + "?project=JRP-EVAL-01")
    )
    assert world.milestone.title not in {r[2] for r in rows}


# --- iCal -----------------------------------------------------------------------------


def _feed(client, user):
    token = services.calendar_feed_reset(user=user).token
    response = client.get(reverse("calendar_feed", args=[token]))
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/calendar")
    return Calendar.from_ical(body(response)), token


def test_ical_round_trip_has_stable_uids_right_dates_and_no_description(world, milestones, client):
    """Parsed back with icalendar, the feed has one all-day event per visible, non-cancelled
    milestone with a stable UID, the due date, a title and no description; a moved milestone
    keeps its UID."""
    cancelled = MilestoneFactory(
        project=world.project,
        owner=world.researcher,
        title="Dropped",
        status=MilestoneStatus.CANCELLED,
    )
    calendar, token = _feed(client, world.researcher)
    events = {str(e["uid"]): e for e in calendar.walk("VEVENT")}
    visible = milestones
    assert len(events) == len(visible)
    for milestone in visible:
        event = events[f"milestone-{milestone.pk}@exchange-portal"]
        assert event["summary"] == f"{world.project.code}: {milestone.title}"
        assert event.decoded("dtstart") == milestone.due_date
        assert not isinstance(event.decoded("dtstart"), datetime.datetime)  # all-day
        assert event.decoded("dtend") == milestone.due_date + DAY
        assert "description" not in event
        assert "location" not in event
        assert "dtstamp" in event
    assert f"milestone-{cancelled.pk}@exchange-portal" not in events
    assert calendar["version"] == "2.0"
    assert calendar["prodid"]

    # The UID of an event survives a change of title and date.
    services.milestone_change_due_date(
        actor=world.manager,
        milestone=world.milestone,
        due_date=TODAY + 9 * DAY,
        reason="Moved",
    )
    again = Calendar.from_ical(body(client.get(reverse("calendar_feed", args=[token]))))
    moved = {str(e["uid"]): e for e in again.walk("VEVENT")}[
        f"milestone-{world.milestone.pk}@exchange-portal"
    ]
    assert moved.decoded("dtstart") == TODAY + 9 * DAY


def test_feed_shows_only_milestones_the_person_may_see(world, client):
    """A person's feed has only the milestones of projects they may see."""
    calendar, _ = _feed(client, world.outsider)
    summaries = {str(e["summary"]) for e in calendar.walk("VEVENT")}
    assert summaries == {f"JRP-OTHER-09: {world.other_milestone.title}"}


def test_reset_token_stops_the_old_url_at_once(world, client):
    """After a reset the old address is a 404 and the new one works."""
    old = services.calendar_feed_reset(user=world.researcher).token
    assert client.get(reverse("calendar_feed", args=[old])).status_code == 200
    client.force_login(world.researcher)
    response = client.post(reverse("programmes:calendar_settings"))
    assert response.status_code == 302
    new = CalendarFeed.objects.get(user=world.researcher).token
    assert new != old
    client.logout()
    assert client.get(reverse("calendar_feed", args=[old])).status_code == 404
    assert client.get(reverse("calendar_feed", args=[new])).status_code == 200


def test_unknown_token_and_inactive_person_get_404(world, client):
    """An unknown token, or the token of a deactivated person, is a 404."""
    assert client.get(reverse("calendar_feed", args=["not-a-token"])).status_code == 404
    token = services.calendar_feed_reset(user=world.researcher).token
    world.researcher.is_active = False
    world.researcher.save()
    assert client.get(reverse("calendar_feed", args=[token])).status_code == 404


def test_calendar_page_creates_and_shows_the_address(world, client):
    """The calendar page creates the personal address on request and then shows it with a reset
    button."""
    client.force_login(world.researcher)
    page = client.get(reverse("programmes:calendar_settings")).content.decode()
    assert "Create my calendar address" in page
    client.post(reverse("programmes:calendar_settings"))
    token = CalendarFeed.objects.get(user=world.researcher).token
    page = client.get(reverse("programmes:calendar_settings")).content.decode()
    assert f"/calendar/{token}.ics" in page
    assert "Reset the address" in page


def test_feed_query_count_does_not_grow(world, client, django_assert_max_num_queries):
    """The feed's query count does not grow with the number of milestones."""
    token = services.calendar_feed_reset(user=world.researcher).token
    url = reverse("calendar_feed", args=[token])
    with CaptureQueriesContext(connection) as ctx:
        client.get(url)
    for _ in range(40):
        MilestoneFactory(project=world.project, owner=world.researcher)
    with django_assert_max_num_queries(len(ctx.captured_queries)):
        response = client.get(url)
    assert len(Calendar.from_ical(body(response)).walk("VEVENT")) == 41
