"""What keeps programme pages, exports and the feed cheap at scale: a bounded, cached,
conditional iCal feed; dropdowns that do not grow with the data; streamed exports; counts
that stop at a limit. Each query-count test compares a small dataset with one ten times
larger."""

import csv
import datetime
import io

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from icalendar import Calendar
from openpyxl import load_workbook

from portal.pagination import BoundedPaginator
from programmes import calendar_sources, exports, selectors, services
from programmes.models import MilestoneStatus, ProjectMembership
from tests.factories import UserFactory
from tests.programmes.conftest import TODAY, body
from tests.programmes.factories import MembershipFactory, MilestoneFactory, ProjectFactory

pytestmark = pytest.mark.django_db

DAY = datetime.timedelta(days=1)


def _grow(world, projects: int, milestones: int = 3):
    """``projects`` more projects of the world's programme, each with a new member who
    owns ``milestones`` milestones, the researcher a member of each."""
    for _ in range(projects):
        project = ProjectFactory(
            programme=world.programme,
            lead_institute=world.project.lead_institute,
            partner_institutes=[world.partner.institute],
        )
        member = MembershipFactory(
            project=project, user=UserFactory(institute=world.partner.institute)
        )
        MembershipFactory(project=project, user=world.researcher)
        for j in range(milestones):
            MilestoneFactory(project=project, owner=member.user, due_date=TODAY + j * DAY)


def _queries(client, url, **headers) -> tuple[int, object]:
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url, **headers)
        if response.streaming:
            response.content_bytes = b"".join(response.streaming_content)
    return len(ctx.captured_queries), response


# --- the iCal feed --------------------------------------------------------------------


def _feed_url(user) -> str:
    return reverse("calendar_feed", args=[services.calendar_feed_reset(user=user).token])


def _events(response) -> dict:
    data = getattr(response, "content_bytes", None) or body(response)
    return {str(e["summary"]): e for e in Calendar.from_ical(data).walk("VEVENT")}


def test_feed_covers_the_past_90_days_and_the_next_two_years(world, client):
    """Milestones due before the window or after it stay out of the feed."""
    for title, days in [("Too old", -91), ("Oldest kept", -90), ("Last kept", 730), ("Far", 731)]:
        MilestoneFactory(
            project=world.project, owner=world.researcher, title=title, due_date=TODAY + days * DAY
        )
    _, response = _queries(client, _feed_url(world.researcher))
    titles = {summary.split(": ", 1)[1] for summary in _events(response)}
    assert {"Oldest kept", "Last kept", "Protocol agreed"} <= titles
    assert not {"Too old", "Far"} & titles


def test_feed_answers_304_while_nothing_changes_and_is_cached(world, client):
    """The feed carries an ETag; asked with it, it answers 304 until a milestone in it
    changes. A poll without it is served from the cache, the same bytes."""
    url = _feed_url(world.researcher)
    _, first = _queries(client, url)
    assert first.status_code == 200 and first.streaming
    etag = first["ETag"]
    assert first["Cache-Control"] == "private, no-cache"

    again = client.get(url, HTTP_IF_NONE_MATCH=etag)
    assert again.status_code == 304
    assert again["ETag"] == etag
    cached = client.get(url)
    assert not cached.streaming  # from the cache
    assert cached.content == first.content_bytes

    services.milestone_change_due_date(
        actor=world.manager, milestone=world.milestone, due_date=TODAY + 9 * DAY, reason="Moved"
    )
    changed = client.get(url, HTTP_IF_NONE_MATCH=etag)
    assert changed.status_code == 200
    assert changed["ETag"] != etag
    event = _events(changed)[f"JRP-EVAL-01: {world.milestone.title}"]
    assert event.decoded("dtstart") == TODAY + 9 * DAY


@pytest.mark.parametrize(
    "change",
    ["cancel", "new_member_project", "removed_from_project", "rename_project"],
)
def test_feed_version_changes_with_whatever_the_feed_shows(world, client, change):
    """Cancelling a milestone, joining or leaving a project, or a project's new code each
    change the ETag, so no calendar keeps a stale copy."""
    url = _feed_url(world.researcher)
    etag = client.get(url)["ETag"]
    if change == "cancel":
        services.milestone_set_status(
            actor=world.manager, milestone=world.milestone, status=MilestoneStatus.CANCELLED
        )
    elif change == "new_member_project":
        MembershipFactory(project=world.other_project, user=world.researcher)
    elif change == "removed_from_project":
        ProjectMembership.objects.filter(user=world.researcher).delete()
    else:
        world.project.code = "JRP-EVAL-02"
        world.project.save()
    response = client.get(url, HTTP_IF_NONE_MATCH=etag)
    assert response.status_code == 200
    assert response["ETag"] != etag


def test_feed_text_is_escaped_and_folded(world, client):
    """Commas, semicolons, backslashes, new lines and long non-ASCII titles survive a round
    trip through a calendar parser; no physical line is longer than 75 octets."""
    title = "Réunion, partie 2; données\\brutes " + "é" * 120
    MilestoneFactory(project=world.project, owner=world.researcher, title=title, due_date=TODAY)
    _, response = _queries(client, _feed_url(world.researcher))
    assert f"JRP-EVAL-01: {title}" in _events(response)
    assert all(len(line) <= 75 for line in response.content_bytes.split(b"\r\n"))
    assert exports.ical_text("a\nb") == "a\\nb"


def test_feed_query_count_does_not_grow_tenfold(world, client):
    """The feed, its cached copy and its 304 cost the same queries with 4 milestones as
    with 40 times more."""
    url = _feed_url(world.researcher)
    _grow(world, 1)
    small, first = _queries(client, url)
    small_304, _ = _queries(client, url, HTTP_IF_NONE_MATCH=first["ETag"])
    _grow(world, 10, milestones=12)
    large, second = _queries(client, url)
    large_304, _ = _queries(client, url, HTTP_IF_NONE_MATCH=second["ETag"])
    cached, _ = _queries(client, url)
    assert len(_events(second)) > 10 * len(_events(first))
    assert (large, large_304) == (small, small_304)
    # The token, the milestones' version, then each other app's source's version.
    assert small_304 == 2 + len(calendar_sources.sources()) == 5
    assert cached == small_304


# --- dropdowns ------------------------------------------------------------------------


def test_project_filter_becomes_a_text_box_past_the_limit(world, client, monkeypatch):
    """While the projects fit, the project filter is a dropdown; past the limit it is a
    text box for the code, and the code still filters (case-insensitively)."""
    client.force_login(world.manager)
    url = reverse("programmes:milestone_list")
    page = client.get(url).content.decode()
    assert '<select name="project"' in page
    monkeypatch.setattr(selectors, "PROJECT_CHOICES_LIMIT", 0)
    page = client.get(url).content.decode()
    assert '<select name="project"' not in page
    assert 'name="project"' in page
    filtered = client.get(url + "?project=jrp-eval-01")
    assert {m.project_id for m in filtered.context["page_obj"]} == {world.project.pk}


def test_owner_dropdown_lists_you_and_the_chosen_projects_owners_only(world, client):
    """Without a project, the owner dropdown offers the person themself; with one, the
    owners of its milestones. A chosen owner the person cannot see is never named."""
    _grow(world, 3)
    client.force_login(world.manager)
    url = reverse("programmes:milestone_list")

    def owners(query=""):
        response = client.get(url + query)
        return dict(response.context["filter"].form.fields["owner"].widget.choices)

    assert set(owners()) == {"", str(world.manager.pk)}
    chosen = owners("?project=JRP-EVAL-01")
    assert set(chosen) == {"", str(world.manager.pk), str(world.researcher.pk)}
    hidden = world.other_milestone.owner
    assert str(hidden.pk) not in owners(f"?owner={hidden.pk}")
    assert str(world.partner.pk) not in owners(f"?owner={world.partner.pk}")  # owns nothing
    assert str(world.researcher.pk) in owners(f"?owner={world.researcher.pk}")


@pytest.mark.parametrize(
    "query",
    [
        "",
        "?project=JRP-EVAL-01&owner={owner}",
        "?status=planned&institute=UK-AISI&due_before=2027-03-01&sort=owner",
    ],
)
@pytest.mark.parametrize("url_name", ["programmes:milestone_list", "programmes:programme_detail"])
def test_filtered_lists_cost_the_same_at_ten_times_the_data(world, client, query, url_name):
    """Filtered lists, with their dropdowns, run as many queries with 4 projects as with
    40, and their HTML does not grow with the number of people and projects."""
    client.force_login(world.manager)
    args = [world.programme.pk] if url_name == "programmes:programme_detail" else []
    url = reverse(url_name, args=args) + query.format(owner=world.researcher.pk)
    _grow(world, 3)
    small, small_page = _queries(client, url)
    _grow(world, 36)
    large, large_page = _queries(client, url)
    assert large == small
    select = large_page.content.decode().split('name="owner"')[1].split("</select>")[0]
    assert select.count("<option") <= 3


# --- exports --------------------------------------------------------------------------


def test_exports_stream_a_few_hundred_rows_at_a_time(world, client, monkeypatch):
    """CSV and XLSX are sent in pieces as rows are read, and the pieces add up to files
    that read back whole."""
    monkeypatch.setattr(exports, "CHUNK_ROWS", 5)
    _grow(world, 4, milestones=5)
    client.force_login(world.manager)
    expected = 1 + 4 * 5
    response = client.get(reverse("programmes:milestone_export_csv"))
    chunks = list(response.streaming_content)
    assert len(chunks) >= expected // 5
    rows = list(csv.reader(io.StringIO(b"".join(chunks).decode("utf-8-sig"))))
    assert len(rows) == 1 + expected

    response = client.get(reverse("programmes:milestone_export_xlsx"))
    assert response.streaming
    chunks = list(response.streaming_content)
    assert len(chunks) >= expected // 5
    sheet = load_workbook(io.BytesIO(b"".join(chunks))).active
    assert sheet.max_row == 1 + expected
    assert [c.value for c in sheet[1]][:3] == ["Project", "Project title", "Milestone"]


def test_exports_compute_no_dropdown_choices(world, client, monkeypatch):
    """An export never shows the filter form, so it never asks for its choices."""

    def refuse(**kwargs):
        raise AssertionError("choices computed for an export")

    monkeypatch.setattr(selectors, "milestone_filter_choices", refuse)
    client.force_login(world.manager)
    for name in ("programmes:milestone_export_csv", "programmes:milestone_export_xlsx"):
        response = client.get(reverse(name) + "?project=JRP-EVAL-01")
        assert response.status_code == 200
        b"".join(response.streaming_content)


# --- counts ---------------------------------------------------------------------------


def test_long_lists_count_to_the_limit_and_still_page_through_every_row(world, client, monkeypatch):
    """Past the count limit the list says "more than", and Next still reaches every row,
    in order, at the same cost per page."""
    monkeypatch.setattr(BoundedPaginator, "count_limit", 30)
    _grow(world, 20)  # 61 milestones
    client.force_login(world.manager)
    url = reverse("programmes:milestone_list") + "?sort=due"
    first = client.get(url)
    assert "More than 30 milestones" in first.content.decode()
    titles, page, costs = [], 1, set()
    while True:
        cost, response = _queries(client, f"{url}&page={page}")
        page_obj = response.context["page_obj"]
        titles += [m.pk for m in page_obj]
        if not page_obj.has_next():
            break
        costs.add(cost)
        page += 1
    assert page == 3
    expected = list(
        selectors.milestone_list_for_page(user=world.manager)
        .order_by("due_date", "pk")
        .values_list("pk", flat=True)
    )
    assert titles == expected
    assert len(costs) == 1
    # A page past the end falls back to the first.
    assert client.get(f"{url}&page=99").context["page_obj"].number == 1


def test_xlsx_keeps_special_characters_and_drops_what_xml_cannot_carry(world, client):
    """Ampersands and angle brackets read back as written, leading spaces are kept, and
    control characters (which XML cannot carry) are dropped rather than breaking the file."""
    MilestoneFactory(project=world.project, owner=world.researcher, title="A & <b> \x01ok")
    MilestoneFactory(project=world.project, owner=world.researcher, title="  indented")
    client.force_login(world.manager)
    response = client.get(reverse("programmes:milestone_export_xlsx"))
    sheet = load_workbook(io.BytesIO(b"".join(response.streaming_content))).active
    titles = {row[2] for row in sheet.iter_rows(min_row=2, values_only=True)}
    assert {"A & <b> ok", "  indented"} <= titles


def test_filter_dropdowns_carry_no_text_box_attributes(world, client):
    """The institute dropdown is a plain select (its length is bounded by the field)."""
    client.force_login(world.manager)
    page = client.get(reverse("programmes:milestone_list")).content.decode()
    select = page.split('<select name="institute"')[1].split(">")[0]
    assert "maxlength" not in select
    long = client.get(reverse("programmes:milestone_list") + "?institute=" + "X" * 300)
    assert long.status_code == 200
    assert long.context["filter"].form.errors["institute"]
