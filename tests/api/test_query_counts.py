"""A list costs the same number of queries however many rows it has."""

from django.db import connection
from django.test.utils import CaptureQueriesContext

from tests.exchange.factories import OpportunityFactory
from tests.programmes.factories import MilestoneFactory

from .conftest import api_client


def _queries(client, url) -> int:
    with CaptureQueriesContext(connection) as captured:
        assert client.get(url).status_code == 200
    return len(captured)


def test_lists_do_not_grow_with_their_rows(world):
    """Milestones for their manager; applications and handovers for the people in them."""
    cases = [
        (world.uk_pm, "/api/v1/milestones/", lambda: MilestoneFactory(project=world.project)),
        (
            world.uk_staff,
            "/api/v1/applications/",
            lambda: world.draft(
                opportunity=OpportunityFactory(programme=world.programme, host_institute=world.au)
            ),
        ),
    ]
    for person, url, add in cases:
        client = api_client(person)
        _queries(client, url)  # warm: token lookups, content types
        before = _queries(client, url)
        for _ in range(4):
            add()
        assert _queries(client, url) == before, url
