"""A person creates an API token in a real browser, sees it once, uses it, and revokes
it; the token page and the API reference pass axe."""

import re

import pytest
from rest_framework.test import APIClient

from api.models import PersonalAccessToken
from tests.factories import UserFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_create_use_and_revoke_a_token(page, browser_login, assert_accessible, uk_institute):
    person = UserFactory(institute=uk_institute)
    browser_login(page, person)

    page.goto("/accounts/profile/")
    page.get_by_role("link", name="API tokens").click()
    assert page.locator("h1").inner_text() == "API tokens"
    assert_accessible(page)

    page.get_by_role("button", name="Create token").click()
    assert "Enter what the token is for." in page.locator(".govuk-error-summary").inner_text()
    assert_accessible(page)

    page.get_by_label("What is the token for?").fill("Milestone dashboard")
    page.get_by_label("Read and write").check()
    page.get_by_label("How long should it last?").select_option("90")
    page.get_by_role("button", name="Create token").click()

    raw = page.locator("#new-token").inner_text()
    assert re.fullmatch(r"ep_[0-9a-f]{8}_\S+", raw)
    assert_accessible(page)
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {raw}")
    assert client.get("/api/v1/me/").json()["id"] == person.pk

    page.goto("/accounts/tokens/")
    assert raw not in page.content()
    page.get_by_role("button", name="Revoke Milestone dashboard").click()
    assert "was revoked" in page.locator(".govuk-notification-banner").inner_text()
    assert PersonalAccessToken.objects.get(user=person).revoked_at is not None
    assert client.get("/api/v1/me/").status_code == 401


def test_the_api_reference_is_accessible(page, assert_accessible, db):
    page.goto("/api/v1/docs/")
    assert page.locator("h1").inner_text() == "API reference"
    assert_accessible(page)
