"""A researcher searches from the header, filters the results by kind, opens one, and
meets the no-results help; a stranger finds nothing. axe checks every page on the way."""

import re

import pytest
from playwright.sync_api import expect

from tests.search.world import build

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_search_from_the_header_filter_by_kind_and_open_a_result(
    page, browser_login, assert_accessible
):
    world = build()
    browser_login(page, world.researcher)
    page.goto("/")
    assert_accessible(page)

    # The header's search box, by its label.
    header_search = page.get_by_role("search")
    header_search.get_by_label("Search the portal").fill("zephyr")
    header_search.get_by_role("button", name="Search").click()
    page.wait_for_url(re.compile(r"/search/\?q=zephyr$"))
    assert_accessible(page)
    expect(page.get_by_role("heading", level=1)).to_have_text("Search")
    expect(page.get_by_role("status")).to_have_text("7 results for “zephyr”")
    expect(page.get_by_role("heading", name="Projects (1)")).to_be_visible()
    expect(page.get_by_role("heading", name="Documents (3)")).to_be_visible()
    # What the researcher may not open is not there.
    expect(page.get_by_text("Zephyr draft role")).to_have_count(0)
    expect(page.get_by_text("Zephyr eyes only")).to_be_visible()

    # Filter by kind.
    filters = page.get_by_role("navigation", name="Filter results by kind")
    filters.get_by_role("link", name="Milestones (1)").click()
    page.wait_for_url("**/search/?q=zephyr&kind=milestones")
    assert_accessible(page)
    expect(page.get_by_role("heading", name="Milestones", exact=True)).to_be_visible()
    expect(page.get_by_role("status")).to_have_text("1 result for “zephyr”")
    expect(page.locator("mark").first).to_have_text("Zephyr")

    # Open the result.
    page.get_by_role("link", name="Zephyr protocol agreed").click()
    page.wait_for_url(f"**{world.milestone.get_absolute_url()}")
    assert_accessible(page)
    expect(page.get_by_role("heading", level=1)).to_contain_text("Zephyr protocol agreed")

    # Search again, for one kind, from the results page's own form: nothing matches.
    page.goto("/search/?q=zephyr")
    page.get_by_label("Search the portal").fill("quokka")
    page.get_by_label("Show").select_option(label="Documents")
    page.get_by_role("button", name="Search").click()
    page.wait_for_url("**/search/?q=quokka&kind=documents")
    assert_accessible(page)
    expect(page.get_by_text("Nothing you can open matches “quokka” in documents.")).to_be_visible()
    page.get_by_role("link", name="search everything").click()
    page.wait_for_url("**/search/?q=quokka")
    assert_accessible(page)


def test_a_stranger_finds_nothing(page, browser_login, assert_accessible):
    world = build()
    browser_login(page, world.au_stranger)
    page.goto("/")
    page.get_by_role("search").get_by_label("Search the portal").fill("zephyr")
    page.get_by_role("search").get_by_role("button", name="Search").click()
    page.wait_for_url(re.compile(r"/search/\?q=zephyr$"))
    assert_accessible(page)
    expect(page.get_by_role("status")).to_have_text("0 results for “zephyr”")
    expect(page.get_by_text("Nothing you can open matches “zephyr”.")).to_be_visible()
