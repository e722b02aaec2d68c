"""The timeline: its layout arithmetic, who sees which bars, filters, start dates and the
cost of the pages."""

import datetime

import pytest
from django.db import IntegrityError, transaction
from django.urls import reverse

from programmes import timeline
from programmes.models import Milestone, MilestoneStatus, Project
from tests.factories import UserFactory
from tests.programmes.conftest import TODAY
from tests.programmes.factories import MembershipFactory, MilestoneFactory, ProjectFactory

D = datetime.date


def _m(pk, due, *, start=None, baseline=None, status=MilestoneStatus.PLANNED, rag="green"):
    """An unsaved milestone for the layout, which needs no database."""
    milestone = Milestone(
        pk=pk,
        title=f"Milestone {pk}",
        due_date=due,
        baseline_due_date=baseline or due,
        start_date=start,
        status=status,
    )
    milestone.rag = rag
    return milestone


# --- layout arithmetic ----------------------------------------------------------------


def test_window_runs_from_the_first_of_the_earliest_month_to_after_the_latest():
    assert timeline.window([D(2027, 3, 15), D(2027, 5, 2)], today=D(2027, 4, 3)) == (
        D(2027, 3, 1),
        D(2027, 6, 1),
    )
    # Today is always inside, even before every milestone; December rolls into January.
    assert timeline.window([D(2027, 12, 31)], today=D(2027, 1, 10)) == (
        D(2027, 1, 1),
        D(2028, 1, 1),
    )
    assert timeline.window([], today=D(2027, 4, 3)) == (D(2027, 4, 1), D(2027, 5, 1))


def test_scale_maps_the_window_onto_the_plot_linearly():
    scale = timeline.Scale(D(2027, 1, 1), D(2027, 1, 11))  # ten days
    assert scale(D(2027, 1, 1)) == timeline.LABEL_WIDTH
    assert scale(D(2027, 1, 11)) == timeline.LABEL_WIDTH + timeline.PLOT_WIDTH
    assert scale(D(2027, 1, 6)) == timeline.LABEL_WIDTH + timeline.PLOT_WIDTH / 2


@pytest.mark.parametrize(
    ("months", "step"), [(1, 1), (12, 1), (13, 2), (24, 2), (30, 3), (60, 6), (73, 12), (400, 12)]
)
def test_tick_step_keeps_labels_apart(months, step):
    assert timeline.tick_step(months) == step


def test_month_ticks_fall_on_the_first_of_months_and_quarters():
    start, end = D(2027, 2, 1), D(2029, 5, 1)  # 27 months: quarterly
    ticks = timeline.month_ticks(start, end, timeline.Scale(start, end))
    assert [t.label for t in ticks[:3]] == ["Apr 2027", "Jul 2027", "Oct 2027"]
    assert all(a.x < b.x for a, b in zip(ticks, ticks[1:], strict=False))
    yearly = timeline.month_ticks(
        D(2020, 1, 1), D(2030, 1, 1), timeline.Scale(D(2020, 1, 1), D(2030, 1, 1))
    )
    assert [t.label for t in yearly] == [str(year) for year in range(2020, 2030)]


def test_a_bar_starts_at_the_start_date_else_its_latest_earlier_dependency_else_none():
    with_start = _m(1, D(2027, 5, 1), start=D(2027, 3, 1))
    assert timeline.bar_start(with_start, [D(2027, 4, 1)]) == (D(2027, 3, 1), "start date")
    without = _m(2, D(2027, 5, 1))
    assert timeline.bar_start(without, [D(2027, 2, 1), D(2027, 4, 1), D(2027, 6, 1)]) == (
        D(2027, 4, 1),
        "dependency",
    )
    assert timeline.bar_start(without, [D(2027, 6, 1)]) == (None, "")
    assert timeline.bar_start(without, []) == (None, "")


def test_layout_rows_arrows_today_and_overdue():
    today = D(2027, 4, 3)
    first = _m(
        1, D(2027, 3, 31), start=D(2027, 3, 1), status=MilestoneStatus.IN_PROGRESS, rag="red"
    )
    second = _m(2, D(2027, 6, 30), baseline=D(2027, 5, 31))
    third = _m(3, D(2027, 7, 15), rag="amber")
    deps = {
        2: [(1, "Milestone 1", D(2027, 3, 31), True)],
        3: [(None, "", None, False)],
    }
    chart = timeline.layout([first, second, third], today=today, dependencies=deps)
    assert (chart.start, chart.end) == (D(2027, 3, 1), D(2027, 8, 1))
    one, two, three = chart.rows
    assert one.overdue and one.status_text == "Red, overdue"
    assert not two.overdue and two.status_text == "Green"
    # The second starts when its dependency is due; its baseline ends before its due date.
    assert two.start == D(2027, 3, 31) and two.start_source == "dependency"
    assert two.x_start == one.x_due
    assert two.x_baseline < two.x_due
    # The third has no start: a diamond; its hidden dependency is counted, never named.
    assert three.is_point and three.hidden_dependencies == 1 and three.dependencies == []
    assert one.x_start < chart.today_x < two.x_due
    assert rows_are_stacked(chart.rows)
    assert len(chart.arrows) == 1
    assert chart.arrows[0].path.startswith(f"M{one.x_due},{one.mid_y}")
    assert chart.arrows[0].path.endswith(f"H{two.x_start - 2}")
    assert chart.height == timeline.HEADER_HEIGHT + 3 * timeline.ROW_HEIGHT + 10


def rows_are_stacked(rows) -> bool:
    return all(b.y - a.y == timeline.ROW_HEIGHT for a, b in zip(rows, rows[1:], strict=False))


def test_an_arrow_needs_both_milestones_on_the_chart():
    """A dependency on a milestone on another page is listed but draws no arrow."""
    chart = timeline.layout(
        [_m(5, D(2027, 6, 1))],
        today=D(2027, 4, 3),
        dependencies={5: [(99, "Elsewhere on page two", D(2027, 5, 1), True)]},
    )
    assert chart.arrows == []
    assert chart.rows[0].dependencies == [(99, "Elsewhere on page two")]


def test_long_titles_are_shortened_in_the_chart_only():
    long = _m(1, D(2027, 5, 1))
    long.title = "A" * 100
    row = timeline.layout([long], today=D(2027, 4, 3)).rows[0]
    assert len(row.label) == timeline.LABEL_CHARS and row.label.endswith("…")
    assert row.tooltip.startswith("A" * 100)


# --- pages ----------------------------------------------------------------------------

pytestmark_db = pytest.mark.django_db


def _programme_url(world):
    return reverse("programmes:programme_timeline", args=[world.programme.pk])


@pytestmark_db
def test_member_sees_bars_of_their_projects_only(world, client):
    """A project member's programme timeline has bars for their project's milestones; a
    project of the same programme they are not on, and another programme, never show."""
    sibling = ProjectFactory(
        programme=world.programme,
        code="JRP-SIBLING-02",
        lead_institute=world.project.lead_institute,
    )
    hidden = MilestoneFactory(project=sibling, title="Sibling secret")
    client.force_login(world.researcher)
    response = client.get(_programme_url(world))
    body = response.content.decode()
    assert response.status_code == 200
    assert f'id="gantt-row-{world.milestone.pk}"' in body
    assert "Protocol agreed" in body
    assert f"gantt-row-{hidden.pk}" not in body and "Sibling secret" not in body
    assert "Elsewhere" not in body
    # The programme's manager sees both.
    client.force_login(world.manager)
    body = client.get(_programme_url(world)).content.decode()
    assert f'id="gantt-row-{hidden.pk}"' in body


@pytestmark_db
def test_a_dependency_on_an_unseen_milestone_is_never_named(world, client):
    """Even a dependency across projects (possible in the database) does not leak its
    title: the list says the milestone depends on one you cannot see."""
    world.milestone.dependencies.add(world.other_milestone)
    client.force_login(world.researcher)
    for url in (
        _programme_url(world),
        reverse("programmes:project_timeline", args=[world.project.code]),
    ):
        body = client.get(url).content.decode()
        assert "Elsewhere" not in body
        assert "a milestone you cannot see" in body


@pytestmark_db
@pytest.mark.parametrize("who", ["outsider", "other_manager"])
def test_timelines_are_not_found_for_people_outside(world, client, who):
    client.force_login(getattr(world, who))
    assert client.get(_programme_url(world)).status_code == 404
    url = reverse("programmes:project_timeline", args=[world.project.code])
    assert client.get(url).status_code == 404


@pytestmark_db
def test_anonymous_people_are_sent_to_sign_in(world, client):
    response = client.get(_programme_url(world))
    assert response.status_code == 302 and "login" in response["Location"]


@pytestmark_db
def test_filters_by_project_institute_and_status(world, client):
    second = ProjectFactory(
        programme=world.programme, code="JRP-SECOND-02", lead_institute=world.project.lead_institute
    )
    partner_milestone = MilestoneFactory(
        project=world.project, owner=world.partner, title="Partner report", status="in_progress"
    )
    MilestoneFactory(project=second, title="Second project work")
    client.force_login(world.manager)
    url = _programme_url(world)

    def titles(query):
        response = client.get(url + query)
        assert response.status_code == 200
        return {row.milestone.title for row in response.context["chart"].rows}

    assert titles("") == {"Protocol agreed", "Partner report", "Second project work"}
    assert titles("?project=JRP-SECOND-02") == {"Second project work"}
    au = world.partner.institute.code
    assert titles(f"?institute={au}") == {partner_milestone.title}
    assert titles("?status=in_progress") == {"Partner report"}
    assert titles(f"?project={world.project.code}&status=planned") == {"Protocol agreed"}


@pytestmark_db
@pytest.mark.parametrize(
    "query",
    [
        "?status=exploded",
        "?project=" + "X" * 500,
        "?institute=%00%01",
        "?page=99999",
        "?page=-1",
        "?project=<script>alert(1)</script>",
    ],
)
def test_hostile_filter_values_never_break_the_page(world, client, query):
    client.force_login(world.manager)
    response = client.get(_programme_url(world) + query)
    assert response.status_code == 200
    assert b"<script>alert" not in response.content


@pytestmark_db
def test_a_bad_filter_says_error_in_the_title(world, client):
    client.force_login(world.manager)
    body = client.get(_programme_url(world) + "?status=exploded").content.decode()
    assert "<title>Error: Timeline" in body
    assert "govuk-error-summary" in body


@pytestmark_db
def test_the_chart_is_drawn_without_inline_styles_or_scripts(world, client):
    """Strict CSP: no style attribute or element and no script in the chart; the SVG is an
    image named by its title, and every bar has its own title."""
    MilestoneFactory(project=world.project, owner=world.researcher, title="Second step")
    client.force_login(world.researcher)
    response = client.get(reverse("programmes:project_timeline", args=[world.project.code]))
    body = response.content.decode()
    svg = body[
        body.index('<svg class="app-gantt"') : body.index("</svg>", body.index('app-gantt"'))
    ]
    assert "style=" not in svg and "<style" not in svg and "<script" not in svg
    assert 'role="img"' in svg and 'aria-labelledby="gantt-title gantt-desc"' in svg
    assert svg.count("<title>") == 2
    assert "app-gantt__today" in svg
    assert 'id="timeline-list"' in body


@pytestmark_db
def test_today_follows_the_viewers_time_zone(world, client):
    """At 15:00 UTC the partner in Australia is already on the next day; the researcher
    in London is not. Each sees today's line on their own date."""
    import time_machine

    client.force_login(world.partner)
    with time_machine.travel(datetime.datetime(2026, 11, 27, 15, 0, tzinfo=datetime.UTC)):
        chart = client.get(_programme_url(world)).context["chart"]
    assert chart.today == TODAY + datetime.timedelta(days=1)
    client.force_login(world.researcher)
    with time_machine.travel(datetime.datetime(2026, 11, 27, 15, 0, tzinfo=datetime.UTC)):
        chart = client.get(_programme_url(world)).context["chart"]
    assert chart.today == TODAY


@pytestmark_db
def test_empty_timeline_says_so(world, client):
    client.force_login(world.manager)
    body = client.get(_programme_url(world) + "?status=cancelled").content.decode()
    assert 'id="timeline-empty"' in body and '<svg class="app-gantt"' not in body


def _grow(world, projects: int):
    for i in range(projects):
        project = ProjectFactory(
            programme=world.programme,
            lead_institute=world.project.lead_institute,
            partner_institutes=[world.partner.institute],
        )
        member = MembershipFactory(
            project=project, user=UserFactory(institute=world.partner.institute)
        )
        MembershipFactory(project=project, user=world.researcher)
        previous = None
        for j in range(4):
            milestone = MilestoneFactory(
                project=project,
                owner=member.user,
                start_date=TODAY + datetime.timedelta(days=10 * j),
                due_date=TODAY + datetime.timedelta(days=10 * j + 20 + i),
            )
            if previous is not None:
                milestone.dependencies.add(previous)
            previous = milestone


@pytestmark_db
@pytest.mark.parametrize("who", ["manager", "researcher"])
@pytest.mark.parametrize("kind", ["programme", "project"])
def test_timeline_query_count_does_not_grow_with_rows(
    world, client, who, kind, django_assert_max_num_queries
):
    """The timeline costs the same number of queries with 1 milestone as with 81, and
    shows 50 rows a page."""
    client.force_login(getattr(world, who))
    if kind == "programme":
        url = _programme_url(world)
    else:
        url = reverse("programmes:project_timeline", args=[world.project.code])
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as ctx:
        assert client.get(url).status_code == 200
    before = len(ctx.captured_queries)
    _grow(world, 20)
    for i in range(60):
        MilestoneFactory(
            project=world.project,
            owner=world.researcher,
            due_date=TODAY + datetime.timedelta(days=i),
        )
    with django_assert_max_num_queries(before):
        response = client.get(url + "?page=2")
    assert response.status_code == 200
    assert len(response.context["chart"].rows) <= 50
    assert response.context["page_obj"].paginator.count > 50


@pytestmark_db
def test_timeline_query_count_is_pinned(world, client, django_assert_max_num_queries):
    _grow(world, 5)
    client.force_login(world.manager)
    with django_assert_max_num_queries(14):
        response = client.get(_programme_url(world) + "?status=planned")
    assert response.status_code == 200
    assert response.context["chart"].arrows  # dependencies drawn as arrows


# --- start dates ----------------------------------------------------------------------


@pytestmark_db
def test_manager_sets_a_start_date_that_shows_as_the_bar_start(world, client):
    client.force_login(world.manager)
    response = client.post(
        reverse("programmes:milestone_create", args=[world.project.code]),
        {
            "title": "Report",
            "owner": world.researcher.pk,
            "start_date": "2027-03-01",
            "due_date": "2027-05-01",
        },
    )
    assert response.status_code == 302
    milestone = Milestone.objects.get(title="Report")
    assert milestone.start_date == D(2027, 3, 1)
    chart = client.get(reverse("programmes:project_timeline", args=[world.project.code])).context[
        "chart"
    ]
    row = next(r for r in chart.rows if r.milestone.pk == milestone.pk)
    assert row.start_source == "start date" and not row.is_point


@pytestmark_db
@pytest.mark.parametrize(
    ("start", "message"),
    [
        ("2027-06-01", "The start date must be on or before the due date"),
        ("2025-06-01", "The start date must be within the project’s dates"),
        ("1999-12-31", "Enter a date on or after"),
        ("not a date", "Enter the start date as a real date"),
    ],
)
def test_a_bad_start_date_is_refused_beside_the_field(world, client, start, message):
    client.force_login(world.manager)
    response = client.post(
        reverse("programmes:milestone_create", args=[world.project.code]),
        {
            "title": "Report",
            "owner": world.researcher.pk,
            "start_date": start,
            "due_date": "2027-05-01",
        },
    )
    assert response.status_code == 200
    assert message in response.content.decode()
    assert not Milestone.objects.filter(title="Report").exists()


@pytestmark_db
def test_editing_keeps_or_clears_the_start_date(world, client):
    world.milestone.start_date = D(2026, 11, 1)
    world.milestone.save()
    client.force_login(world.manager)
    url = reverse("programmes:milestone_edit", args=[world.milestone.pk])
    data = {"title": "Protocol agreed", "owner": world.researcher.pk, "start_date": "2026-11-02"}
    assert client.post(url, data).status_code == 302
    world.milestone.refresh_from_db()
    assert world.milestone.start_date == D(2026, 11, 2)
    data["start_date"] = ""
    assert client.post(url, data).status_code == 302
    world.milestone.refresh_from_db()
    assert world.milestone.start_date is None


@pytestmark_db
def test_due_date_cannot_move_before_the_start(world, client):
    world.milestone.start_date = D(2026, 11, 20)
    world.milestone.save()
    client.force_login(world.manager)
    response = client.post(
        reverse("programmes:milestone_due_date", args=[world.milestone.pk]),
        {"due_date": "2026-11-10", "reason": "Earlier"},
    )
    assert response.status_code == 200
    assert "cannot be before the milestone’s start date" in response.content.decode()
    world.milestone.refresh_from_db()
    assert world.milestone.due_date == TODAY


@pytestmark_db
def test_the_database_refuses_a_start_after_the_due_date(world):
    with pytest.raises(IntegrityError), transaction.atomic():
        Milestone.objects.filter(pk=world.milestone.pk).update(start_date=D(2027, 1, 1))
    assert Project.objects.exists()
