"""Every list page runs a fixed number of queries, however many rows there are."""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from exchange import services
from exchange.models import Application, ApplicationEvent, Secondment
from tests.factories import UserFactory

from .factories import OpportunityFactory
from .test_views import client_for


def add_rows(world, count: int, offset: int) -> None:
    """``count`` more opportunities, submitted/endorsed applications and secondments."""
    for n in range(offset, offset + count):
        opportunity = OpportunityFactory(programme=world.programme, host_institute=world.au)
        applicant = UserFactory(institute=world.uk)
        application = Application.objects.create(
            applicant=applicant,
            opportunity=opportunity,
            programme=world.programme,
            home_institute=world.uk,
            host_institute=world.au,
            direction="UK_AU",
            line_manager=world.uk_manager,
            proposed_start=datetime.date(2026, 10, 1),
            proposed_end=datetime.date(2027, 1, 1),
            status="endorsed" if n % 2 else "submitted",
            submitted_at=timezone.now(),
        )
        ApplicationEvent.objects.create(
            application=application, actor=applicant, to_status="submitted"
        )
        # The line manager also applies themselves, so "mine" grows too.
        Application.objects.create(
            applicant=world.uk_manager,
            opportunity=opportunity,
            programme=world.programme,
            home_institute=world.uk,
            host_institute=world.au,
            direction="UK_AU",
            line_manager=world.uk_pm,
        )
        secondment = Secondment.objects.create(
            secondee=applicant,
            programme=world.programme,
            home_institute=world.uk,
            host_institute=world.au,
            direction="UK_AU",
            home_manager=world.uk_manager,
            host_supervisor=world.au_supervisor,
            title=f"Role {n}",
            start_date=datetime.date(2026, 10, 1),
            end_date=datetime.date(2027, 1, 1),
            location="Canberra",
        )
        services.checklist_generate(secondment=secondment)


PAGES = [
    ("uk_staff", "exchange:opportunity_list", ""),
    ("uk_staff", "exchange:opportunity_list", "?team=eval&duration=4&clearance=AU_BASELINE"),
    ("au_pm", "exchange:opportunity_manage", ""),
    ("uk_manager", "exchange:application_list", ""),
    ("au_pm", "exchange:application_queue", ""),
    ("au_pm", "exchange:application_queue", "?status=endorsed&direction=UK_AU&waiting=7"),
    ("uk_manager", "exchange:secondment_list", ""),
    ("au_pm", "exchange:secondment_list", ""),
    ("au_pm", "exchange:reciprocity", ""),
    ("au_supervisor", "home", ""),
]


def count_queries(client, url) -> int:
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url)
    assert response.status_code == 200, url
    return len(captured)


@pytest.mark.parametrize(("who", "name", "query"), PAGES)
def test_list_page_queries_do_not_grow_with_rows(
    world, django_assert_max_num_queries, who, name, query
):
    client = client_for(getattr(world, who))
    url = reverse(name) + query
    add_rows(world, 3, 0)
    small = count_queries(client, url)
    add_rows(world, 12, 3)
    large = count_queries(client, url)
    assert large == small, f"{url}: {small} queries with few rows, {large} with many"
    with django_assert_max_num_queries(12):
        client.get(url)


def test_the_secondment_page_queries_do_not_grow_with_checklist_items(
    world, django_assert_max_num_queries
):
    _, secondment = world.accepted()
    client = client_for(world.uk_manager)
    small = count_queries(client, secondment.get_absolute_url())
    template = secondment.checklist_items.first()
    for n in range(10):
        template.pk = None
        template.key = f"extra-{n}"
        template.save()
    large = count_queries(client, secondment.get_absolute_url())
    assert large == small
    with django_assert_max_num_queries(20):
        client.get(secondment.get_absolute_url())


def test_my_work_sections_use_two_queries(world, django_assert_num_queries):
    from exchange.selectors import my_work_sections

    add_rows(world, 4, 0)
    world.uk_manager.refresh_from_db()
    # Days waited are reckoned on the person's clock, which reads their institute's time
    # zone: a page has it loaded already (the header names the institute).
    world.uk_manager.institute  # noqa: B018
    with django_assert_num_queries(2):
        sections = my_work_sections(world.uk_manager)
    assert len(sections[0]["items"]) == 2
