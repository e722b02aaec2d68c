"""Every account page a signed-in person can reach passes axe and renders GOV.UK forms."""

import pytest
from allauth.mfa.models import Authenticator

from tests.factories import UserFactory, enable_totp

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PAGES_WITHOUT_MFA = [
    ("/", "My work"),
    ("/accounts/profile/", "Your details"),
    ("/accounts/email/", "Email"),
    ("/accounts/password/change/", "Password"),
    ("/accounts/2fa/", "Two-Factor"),
]


@pytest.mark.parametrize(("path", "heading"), PAGES_WITHOUT_MFA)
def test_account_pages_are_accessible(
    page, browser_login, assert_accessible, uk_institute, path, heading
):
    browser_login(page, UserFactory(institute=uk_institute))

    page.goto(path)

    assert heading.lower() in page.locator("h1").inner_text().lower()
    assert_accessible(page)


def test_mfa_management_pages_are_accessible(page, browser_login, assert_accessible, uk_institute):
    user = UserFactory(institute=uk_institute)
    enable_totp(user)
    assert Authenticator.objects.filter(user=user).count() == 2
    browser_login(page, user)

    for path in ["/accounts/2fa/", "/accounts/reauthenticate/"]:
        page.goto(path)
        assert_accessible(page)


def test_signed_out_pages_are_accessible(page, assert_accessible, db):
    for path in [
        "/accounts/login/",
        "/accounts/signup/",
        "/accounts/password/reset/",
        "/no-such-page/",
    ]:
        page.goto(path)
        assert_accessible(page)
