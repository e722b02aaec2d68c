import datetime

import pytest

from accounts.clock import today_for
from programmes import access, selectors, services
from programmes.models import Milestone, MilestoneStatus, Rag
from tests.factories import InstituteFactory, UserFactory
from tests.programmes.conftest import TODAY
from tests.programmes.factories import MilestoneFactory

pytestmark = pytest.mark.django_db

DAY = datetime.timedelta(days=1)


def _rag_in_sql(milestone, today):
    return (
        selectors.with_milestone_rag(Milestone.objects.filter(pk=milestone.pk), today=today)
        .get()
        .rag
    )


@pytest.mark.parametrize(
    ("offset", "status", "expected"),
    [
        (-1, MilestoneStatus.PLANNED, Rag.RED),  # due yesterday: overdue
        (-1, MilestoneStatus.IN_PROGRESS, Rag.RED),
        (0, MilestoneStatus.PLANNED, Rag.AMBER),  # due today is not yet overdue
        (0, MilestoneStatus.IN_PROGRESS, Rag.GREEN),  # started, so not amber
        (14, MilestoneStatus.PLANNED, Rag.AMBER),  # the last day of the 14-day window
        (15, MilestoneStatus.PLANNED, Rag.GREEN),  # the first day outside it
        (14, MilestoneStatus.IN_PROGRESS, Rag.GREEN),
        (-30, MilestoneStatus.DONE, Rag.GREEN),  # done milestones are never overdue
        (-30, MilestoneStatus.CANCELLED, Rag.GREEN),
        (5, MilestoneStatus.MISSED, Rag.RED),
    ],
)
def test_milestone_rag_at_the_boundaries(world, frozen_today, offset, status, expected):
    """RAG: overdue → red; due within 14 days and not started → amber; else green.
    The SQL and the Python rule agree."""
    milestone = MilestoneFactory(
        project=world.project,
        owner=world.researcher,
        due_date=TODAY + offset * DAY,
        status=status,
        completed_on=TODAY if status == MilestoneStatus.DONE else None,
    )
    assert _rag_in_sql(milestone, today_for(world.researcher)) == expected
    assert selectors.milestone_rag(milestone=milestone, today=TODAY) == expected


def test_rag_turns_red_the_day_after_the_due_date(world, time_machine):
    """Travelling through time: amber on the due date, red the next morning in London."""
    milestone = world.milestone  # due TODAY, planned
    time_machine.move_to(datetime.datetime(2026, 11, 27, 23, 30, tzinfo=datetime.UTC))
    # 23:30 UTC is still 27 November in London (GMT).
    assert _rag_in_sql(milestone, today_for(world.researcher)) == Rag.AMBER
    time_machine.move_to(datetime.datetime(2026, 11, 28, 0, 30, tzinfo=datetime.UTC))
    assert _rag_in_sql(milestone, today_for(world.researcher)) == Rag.RED


def test_today_follows_the_persons_time_zone(world, time_machine):
    """At 20:00 UTC it is already tomorrow in Sydney."""
    time_machine.move_to(datetime.datetime(2026, 11, 27, 20, 0, tzinfo=datetime.UTC))
    assert today_for(world.researcher) == TODAY
    assert today_for(world.partner) == TODAY + DAY


def _project(world):
    return selectors.programme_dashboard_projects(
        user=world.manager, programme=world.programme
    ).get(pk=world.project.pk)


def test_project_rag_is_the_worst_of_its_open_milestones(world, frozen_today):
    """A project's RAG is the worst of its open milestones; done and cancelled ones do not count."""
    world.milestone.status = MilestoneStatus.IN_PROGRESS
    world.milestone.save()  # due today, started: green
    assert _project(world).shown_rag == Rag.GREEN
    amber = MilestoneFactory(project=world.project, owner=world.researcher, due_date=TODAY + DAY)
    assert _project(world).shown_rag == Rag.AMBER
    red = MilestoneFactory(project=world.project, owner=world.researcher, due_date=TODAY - DAY)
    project = _project(world)
    assert (project.shown_rag, project.overdue_count) == (Rag.RED, 1)
    # Closed milestones do not count, however late they were.
    red.status = MilestoneStatus.CANCELLED
    red.save()
    amber.status = MilestoneStatus.DONE
    amber.completed_on = TODAY
    amber.save()
    project = _project(world)
    assert project.shown_rag == Rag.GREEN
    assert (project.done_count, project.milestone_count) == (1, 3)


def test_a_project_with_no_open_milestones_is_green(world, frozen_today):
    """A project without open milestones is green."""
    Milestone.objects.all().delete()
    assert _project(world).shown_rag == Rag.GREEN


def test_override_wins_over_the_derived_rag_but_both_are_known(world, frozen_today):
    """A manual override is shown, and the derived RAG stays available beside it."""
    MilestoneFactory(project=world.project, owner=world.researcher, due_date=TODAY - DAY)
    services.project_rag_override(
        actor=world.manager, project=world.project, rag=Rag.AMBER, reason="Recovery plan agreed"
    )
    project = _project(world)
    assert (project.shown_rag, project.derived_rag) == (Rag.AMBER, Rag.RED)


def test_dashboard_counts_due_soon_and_slippage(world, frozen_today):
    """The dashboard counts open milestones due within 30 days (inclusive) and slipped ones, with
    the largest slippage."""
    MilestoneFactory(project=world.project, owner=world.researcher, due_date=TODAY + 30 * DAY)
    MilestoneFactory(project=world.project, owner=world.researcher, due_date=TODAY + 31 * DAY)
    slipped = MilestoneFactory(
        project=world.project,
        owner=world.researcher,
        due_date=TODAY + 60 * DAY,
        baseline_due_date=TODAY + 40 * DAY,
    )
    project = _project(world)
    assert project.due_soon_count == 2  # today's and the one 30 days out
    assert project.slipped_count == 1
    assert project.max_slippage == slipped.due_date - slipped.baseline_due_date


# --- visibility -----------------------------------------------------------------------


def test_members_see_their_projects_managers_their_programmes(world):
    """Members see their projects; managers see every project of their programmes and no other."""
    assert set(access.projects_visible_to(world.researcher)) == {world.project}
    assert set(access.projects_visible_to(world.manager)) == {world.project}
    assert set(access.projects_visible_to(world.other_manager)) == {world.other_project}
    assert set(access.milestones_visible_to(world.researcher)) == {world.milestone}
    assert set(access.programmes_visible_to(world.partner)) == {world.programme}


def test_a_non_member_sees_none_of_the_programme(world):
    """The outsider at the partner institute, and someone at a third institute, see
    nothing of the programme."""
    third = UserFactory(institute=InstituteFactory())
    for person in (world.outsider, third):
        assert world.project not in access.projects_visible_to(person)
        assert world.milestone not in access.milestones_visible_to(person)
        assert world.programme not in access.programmes_visible_to(person)
        assert selectors.calendar_milestones(user=person).filter(project=world.project).count() == 0


def test_inactive_people_see_nothing(world):
    """A deactivated person sees no milestones."""
    world.researcher.is_active = False
    world.researcher.save()
    assert not access.milestones_visible_to(world.researcher).exists()


# --- my work --------------------------------------------------------------------------


def test_my_work_lists_open_milestones_i_own_soonest_first_with_overdue_flagged(
    world, frozen_today, django_assert_max_num_queries
):
    """My work lists the open milestones I own, soonest first, with overdue ones flagged, in one
    query."""
    late = MilestoneFactory(
        project=world.project, owner=world.researcher, title="Late", due_date=TODAY - 3 * DAY
    )
    MilestoneFactory(
        project=world.project,
        owner=world.researcher,
        title="Done already",
        due_date=TODAY - 10 * DAY,
        status=MilestoneStatus.DONE,
        completed_on=TODAY,
    )
    MilestoneFactory(project=world.project, owner=world.partner, title="Not mine")
    with django_assert_max_num_queries(1):
        sections = selectors.my_work_sections(world.researcher)
    (section,) = sections
    titles = [item["title"] for item in section["items"]]
    assert titles == [f"JRP-EVAL-01: {late.title}", "JRP-EVAL-01: Protocol agreed"]
    assert section["items"][0]["overdue"] is True
    assert "Overdue" in section["items"][0]["detail"]
    assert section["items"][1]["detail"].startswith("Due today")
    assert section["items"][0]["url"] == late.get_absolute_url()


def test_my_work_stays_one_query_as_milestones_grow(world, django_assert_max_num_queries):
    """My work stays one query and is capped, with a link to the full list, however many milestones
    I own."""
    for _ in range(30):
        MilestoneFactory(project=world.project, owner=world.researcher)
    with django_assert_max_num_queries(1):
        (section,) = selectors.my_work_sections(world.researcher)
    assert len(section["items"]) == selectors.MY_WORK_LIMIT + 1  # plus "all your milestones"
    assert section["items"][-1]["title"] == "All your milestones"


def test_my_work_is_empty_with_a_message(world):
    """Someone who owns no open milestone gets an empty section with a message."""
    (section,) = selectors.my_work_sections(world.outsider)
    assert section["items"] == []
    assert section["empty"]
