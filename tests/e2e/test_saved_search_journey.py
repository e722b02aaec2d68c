"""A researcher filters the opportunities, saves the search, is told when a matching
opportunity is published, and deletes the search. axe checks every page on the way."""

import pytest

from exchange import services
from exchange.models import Opportunity, SavedSearch
from notifications.models import Notification
from tests.exchange.factories import OpportunityFactory, World

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_save_a_search_and_hear_of_a_match(page, live_server, browser_login, assert_accessible):
    world = World()
    browser_login(page, world.uk_staff)
    page.goto(f"{live_server.url}/exchanges/opportunities/")
    assert_accessible(page)
    page.get_by_label("Team").fill("Evaluations")
    page.get_by_role("button", name="Apply filters").click()
    page.wait_for_url("**/exchanges/opportunities/?*")
    page.get_by_label("Name this search").fill("Evaluations anywhere")
    page.get_by_role("button", name="Save this search").click()
    page.wait_for_url("**/exchanges/opportunities/searches/")
    assert "Team contains “Evaluations”" in page.content()
    assert_accessible(page)
    assert SavedSearch.objects.get().team == "Evaluations"

    # Saving without a name is refused beside the field.
    page.goto(f"{live_server.url}/exchanges/opportunities/searches/new/?team=Evals")
    page.get_by_role("button", name="Save this search").click()
    assert page.title().startswith("Error: ")
    assert_accessible(page)

    # A matching opportunity is published: the researcher is told.
    opportunity = OpportunityFactory(
        programme=world.programme,
        host_institute=world.au,
        team="Evaluations",
        title="Red-team lead",
        status=Opportunity.Status.DRAFT,
    )
    services.opportunity_publish(opportunity=opportunity, actor=world.au_pm)
    assert Notification.objects.filter(
        recipient=world.uk_staff, kind="opportunity_matches_search"
    ).exists()
    page.goto(f"{live_server.url}/notifications/")
    assert "Red-team lead" in page.content()
    assert_accessible(page)

    page.goto(f"{live_server.url}/exchanges/opportunities/searches/")
    page.get_by_role("button", name="Delete Evaluations anywhere").click()
    page.wait_for_url("**/exchanges/opportunities/searches/")
    assert "You have no saved searches." in page.content()
    assert_accessible(page)
    assert not SavedSearch.objects.exists()
