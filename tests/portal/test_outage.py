"""While the database cannot be reached people get a clear 503 page, not a server error.

The real outage (PostgreSQL stopped under gunicorn) is in tests/faults; these check the
page itself.
"""

import pytest
from django.test import Client

pytestmark = pytest.mark.django_db

OUTAGE_URLS = "tests.portal.outage_urls"


@pytest.fixture
def failing_client(settings):
    settings.ROOT_URLCONF = OUTAGE_URLS
    return Client(raise_request_exception=False)


def test_a_lost_database_connection_answers_503_with_the_unavailable_page(failing_client):
    """A clear page with Retry-After, no traceback and nothing cached."""
    response = failing_client.get("/test/database-gone/")

    assert response.status_code == 503
    assert response["Retry-After"] == "30"
    assert response["Cache-Control"] == "no-store"
    html = response.content.decode()
    assert '<h1 class="govuk-heading-l">Sorry, the service is unavailable</h1>' in html
    assert "<title>Sorry, the service is unavailable – Exchange Portal</title>" in html
    assert "Traceback" not in html and "OperationalError" not in html


def test_any_other_error_is_still_the_500_page(failing_client):
    """Only database outages become 503: a bug is a server error."""
    response = failing_client.get("/test/bug/")

    assert response.status_code == 500
    assert "Sorry, there is a problem with the service" in response.content.decode()


def test_the_unavailable_page_shows_no_signed_in_details(failing_client, uk_user):
    """It is drawn without the request, so it never reads the session or the user."""
    failing_client.force_login(uk_user)

    html = failing_client.get("/test/database-gone/").content.decode()

    assert uk_user.get_full_name() not in html
    assert "Sign in" in html


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_the_unavailable_page_is_accessible(settings, page, assert_accessible):
    """The 503 page passes axe like every other page."""
    settings.ROOT_URLCONF = OUTAGE_URLS

    response = page.goto("/test/database-gone/")

    assert response.status == 503
    assert page.locator("h1").inner_text() == "Sorry, the service is unavailable"
    assert_accessible(page)
