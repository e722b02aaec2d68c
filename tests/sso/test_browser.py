"""Signing in through the institute's provider in a real browser, with axe on every
portal page of the journey (the provider's own pages are not the portal's)."""

import pytest
from django.urls import reverse

from accounts.models import User
from tests.sso.idp import PASSWORD, PROVIDER_ID, SSO_DOMAIN, sso_settings

# The identity provider runs in a process of its own, on the machine's clock, and signs
# tokens with its time: the portal must read the same clock to accept them.
pytestmark = [
    pytest.mark.browser,
    pytest.mark.real_clock,
    pytest.mark.django_db(transaction=True),
]


@pytest.fixture
def browser_sso(settings, live_server, identity_provider, sso_institute):
    identity_provider.register_client(
        live_server.url + reverse("openid_connect_callback", args=[PROVIDER_ID])
    )
    sso_settings(settings, identity_provider)
    return identity_provider


def sign_in_at_provider(page, person):
    page.get_by_label("Username").fill(person.username)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in to the provider").click()


def test_a_person_signs_in_through_their_institute(
    page, live_server, browser_sso, assert_accessible
):
    """From the portal's sign-in page to the provider and back to My work."""
    person = browser_sso.add_person(
        email=f"katherine@{SSO_DOMAIN}", name="Katherine Johnson", job_title="Analyst"
    )
    page.goto(reverse("account_login"))
    assert_accessible(page)

    page.get_by_role("button", name="Sign in with UK AI Security Institute").click()
    page.wait_for_url(f"{browser_sso.url}/**")
    sign_in_at_provider(page, person)
    page.wait_for_url(live_server.url + reverse("home"))

    assert page.locator("h1").inner_text() == "My work"
    assert "Katherine Johnson" in page.locator(".app-header__account").inner_text()
    assert_accessible(page)
    assert User.objects.get(email=person.email).job_title == "Analyst"


def test_a_refused_sign_in_explains_itself(page, browser_sso, assert_accessible):
    """An address the provider may not sign in gets the portal's refusal page."""
    person = browser_sso.add_person(email="someone@elsewhere.example.org")
    page.goto(reverse("account_login"))

    page.get_by_role("button", name="Sign in with UK AI Security Institute").click()
    sign_in_at_provider(page, person)
    page.get_by_role("heading", name="You cannot sign in this way").wait_for()

    assert "someone@elsewhere.example.org is not an address" in page.content()
    assert_accessible(page)


def test_a_provider_error_is_a_clear_page(page, browser_sso, assert_accessible):
    """A token the portal cannot accept ends on the portal's error page."""
    person = browser_sso.add_person(
        email=f"forged@{SSO_DOMAIN}", faults={"sign_with_other_key": True}
    )
    page.goto(reverse("account_login"))

    page.get_by_role("button", name="Sign in with UK AI Security Institute").click()
    sign_in_at_provider(page, person)
    page.get_by_role("heading", name="We could not sign you in through your institute").wait_for()

    assert_accessible(page)
