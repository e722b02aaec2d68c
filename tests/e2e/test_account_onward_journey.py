"""A manager signs in, sets up two-factor authentication without confirming the password
again and carries on to the page they asked for; the password reset pages name the
support address; every page passes axe."""

import pytest
from django.core import mail

from accounts.models import Role
from tests.factories import DEFAULT_PASSWORD, InstituteFactory, UserFactory, totp_code

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_a_manager_sets_up_mfa_and_carries_on(page, live_server, assert_accessible):
    institute = InstituteFactory(uk=True)
    manager = UserFactory(institute=institute, roles=[Role.PROGRAMME_MANAGER])

    page.goto("/accounts/login/?next=/exchanges/applications/queue/")
    page.get_by_label("Email").fill(manager.email)
    page.get_by_label("Password").fill(DEFAULT_PASSWORD)
    page.get_by_role("button", name="Sign in").click()

    # Straight to set-up: no "Confirm access" seconds after signing in.
    page.wait_for_url("**/accounts/2fa/totp/activate/")
    assert_accessible(page)
    secret = page.locator("#authenticator_secret").input_value()
    page.get_by_label("Authenticator code").fill(totp_code(secret))
    page.get_by_role("button", name="Activate").click()

    page.wait_for_url("**/accounts/2fa/recovery-codes/")
    assert_accessible(page)
    page.get_by_role("link", name="Continue to the page you asked for").click()
    page.wait_for_url("**/exchanges/applications/queue/")
    assert page.get_by_role("heading", name="Exchange pipeline").is_visible()


def test_password_reset_pages_name_the_support_address(
    page, live_server, assert_accessible, settings
):
    settings.SUPPORT_EMAIL = "exchange-help@portal.example.org"
    user = UserFactory(institute=InstituteFactory(uk=True))

    page.goto("/accounts/password/reset/")
    page.get_by_role("button", name="Send the link").click()
    assert page.title().startswith("Error: Reset your password")
    assert_accessible(page)

    page.get_by_label("Email").fill(user.email)
    page.get_by_role("button", name="Send the link").click()
    page.wait_for_url("**/accounts/password/reset/done/")
    assert_accessible(page)
    assert page.get_by_role("link", name="exchange-help@portal.example.org").is_visible()
    assert len(mail.outbox) == 1
