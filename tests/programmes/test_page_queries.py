"""Programme pages: constant query counts; filtering, sorting and paging the milestone
list; editing a programme."""

import datetime

import pytest
from django.urls import reverse

from tests.factories import UserFactory
from tests.programmes.conftest import TODAY
from tests.programmes.factories import MembershipFactory, MilestoneFactory, ProjectFactory

pytestmark = pytest.mark.django_db


# --- query counts ---------------------------------------------------------------------


def _grow(world, n):
    for i in range(n):
        project = ProjectFactory(
            programme=world.programme,
            lead_institute=world.project.lead_institute,
            partner_institutes=[world.partner.institute],
        )
        member = MembershipFactory(
            project=project, user=UserFactory(institute=world.partner.institute)
        )
        MembershipFactory(project=project, user=world.researcher)
        for j in range(3):
            milestone = MilestoneFactory(
                project=project,
                owner=member.user if j else world.researcher,
                due_date=TODAY + datetime.timedelta(days=10 * j - 5 + i),
            )
            if j == 2:
                MilestoneFactory(project=project, owner=member.user).dependencies.add(milestone)


def _count(client, url):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url)
        if hasattr(response, "streaming_content"):
            b"".join(response.streaming_content)
    assert response.status_code == 200
    return len(ctx.captured_queries)


@pytest.mark.parametrize(
    "url_name",
    [
        "programmes:programme_list",
        "programmes:programme_detail",
        "programmes:milestone_list",
        "programmes:milestone_export_csv",
        "programmes:milestone_export_xlsx",
        "programmes:project_detail",
        "home",
    ],
)
@pytest.mark.parametrize("who", ["manager", "researcher"])
def test_query_counts_do_not_grow_with_rows(
    world, client, url_name, who, django_assert_max_num_queries
):
    """Every list, dashboard, export and My work costs the same number of queries with
    2 milestones as with 60."""
    args = {
        "programmes:programme_detail": [world.programme.pk],
        "programmes:project_detail": [world.project.code],
    }.get(url_name, [])
    url = reverse(url_name, args=args)
    user = getattr(world, who)
    client.force_login(user)
    before = _count(client, url)
    _grow(world, 15)
    for i in range(10):
        MilestoneFactory(
            project=world.project,
            owner=world.researcher,
            due_date=TODAY + datetime.timedelta(days=i),
        )
    with django_assert_max_num_queries(before):
        response = client.get(url + ("?sort=rag" if "milestone" in url_name else ""))
        if hasattr(response, "streaming_content"):
            b"".join(response.streaming_content)
    assert response.status_code == 200


def test_dashboard_query_count_is_pinned(world, client, django_assert_max_num_queries):
    """The dashboard with 80 milestones stays within its pinned query count and paginates."""
    _grow(world, 20)
    client.force_login(world.manager)
    # 15: the page of milestones is found by id first, then fetched whole (late rows).
    with django_assert_max_num_queries(15):
        response = client.get(world.programme.get_absolute_url() + "?status=planned&sort=slippage")
    assert response.status_code == 200
    assert response.context["page_obj"].paginator.count > 25  # paginated


def test_milestone_list_filters_sorts_and_paginates(world, client, frozen_today):
    """The milestone list filters by RAG, owner, status and due range, sorts, and paginates."""
    _grow(world, 12)
    client.force_login(world.researcher)
    url = reverse("programmes:milestone_list")
    page_one = client.get(url + "?sort=due")
    assert page_one.context["page_obj"].paginator.num_pages == 2
    dates = [m.due_date for m in page_one.context["page_obj"]]
    assert dates == sorted(dates)
    red = client.get(url + "?rag=red")
    assert {m.rag for m in red.context["page_obj"]} == {"red"}
    mine = client.get(url + f"?owner={world.researcher.pk}&status=planned")
    assert {m.owner_id for m in mine.context["page_obj"]} == {world.researcher.pk}
    ranged = client.get(url + "?due_after=2026-11-27&due_before=2026-12-01")
    assert all(
        datetime.date(2026, 11, 27) <= m.due_date <= datetime.date(2026, 12, 1)
        for m in ranged.context["page_obj"]
    )
    assert ranged.context["page_obj"].paginator.count > 0
    assert "page=2" in page_one.content.decode()


def test_moving_a_milestone_before_its_dependency_saves_with_a_warning(world, client):
    """A milestone due before a dependency is allowed but the manager is warned."""
    later = MilestoneFactory(
        project=world.project,
        owner=world.researcher,
        title="Data collected",
        due_date=datetime.date(2027, 3, 1),
    )
    world.milestone.dependencies.add(later)
    client.force_login(world.manager)
    response = client.post(
        reverse("programmes:milestone_due_date", args=[world.milestone.pk]),
        {"due_date": "2027-02-01", "reason": "Reordered the plan"},
        follow=True,
    )
    body = response.content.decode()
    assert "is due before its dependency “Data collected”" in body
    world.milestone.refresh_from_db()
    assert world.milestone.due_date == datetime.date(2027, 2, 1)


def test_column_headers_sort_the_filtered_list(world, client, frozen_today):
    """Column headers keep the filters and sort the list."""
    _grow(world, 3)
    client.force_login(world.manager)
    response = client.get(reverse("programmes:milestone_list") + "?status=planned&sort=due")
    body = response.content.decode()
    assert "?status=planned&amp;sort=rag" in body
    assert 'aria-sort="ascending"' in body
    by_rag = client.get(reverse("programmes:milestone_list") + "?status=planned&sort=rag")
    ranks = [m.rag_rank for m in by_rag.context["page_obj"]]
    assert ranks == sorted(ranks)


def test_manager_edits_a_programme(world, client, au_institute):
    """A manager edits a programme and is warned about an institute without a manager."""
    client.force_login(world.manager)
    url = reverse("programmes:programme_edit", args=[world.programme.pk])
    page = client.get(url).content.decode()
    assert world.manager.email in page
    response = client.post(
        url,
        {
            "name": "Renamed programme",
            "start_date": "2026-01-01",
            "end_date": "2029-12-31",
            "institutes": [world.project.lead_institute.pk, au_institute.pk],
            "manager_emails": world.manager.email,
            "reciprocity_target_months": "30",
        },
        follow=True,
    )
    assert "Renamed programme" in response.content.decode()
    assert "Australian AI Safety Institute has no programme manager yet." in (
        response.content.decode()
    )
    world.programme.refresh_from_db()
    assert world.programme.reciprocity_target_months == 30
