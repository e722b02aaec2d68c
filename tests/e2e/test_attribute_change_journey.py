"""A person asks for a change of nationality from their details, by visible labels, with
axe on each page; the change waits for an admin."""

import pytest

from accounts.models import AttributeChangeRequest
from tests.factories import UserFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_a_person_asks_for_a_change_of_nationality(
    page, browser_login, assert_accessible, au_institute
):
    person = UserFactory(institute=au_institute, nationality="GBR")
    browser_login(page, person)

    page.goto("/accounts/profile/")
    assert_accessible(page)
    page.get_by_role("link", name="Ask for a change to your nationality").click()

    assert page.locator("h1").inner_text() == "Ask for a change to your details"
    page.get_by_role("button", name="Send the request").click()
    assert "There is a problem" in page.content()
    assert_accessible(page)

    page.get_by_label("Nationality").check()
    page.get_by_label("New value").fill("AUS")
    page.get_by_label("Why is the change needed?").fill("Naturalised in May.")
    page.get_by_role("button", name="Send the request").click()

    assert page.locator("h1").inner_text() == "Your details"
    assert "Waiting for an admin" in page.content()
    assert_accessible(page)
    person.refresh_from_db()
    assert person.nationality == "GBR"
    assert AttributeChangeRequest.objects.get(user=person).requested_value == "AUS"
