"""Sign-up and account pages and emails speak for the portal, in en-GB, with a real
contact; and a sign-in form with errors says so in the page title."""

import re

import pytest
from django.core import mail
from django.urls import reverse

from tests.factories import UserFactory

from .test_signup import signup

pytestmark = pytest.mark.django_db

SUPPORT = "exchange-help@portal.example.org"
ALLAUTH_DEFAULTS = (
    "Hello from",
    "Thank you for using",
    "finalize",
    "Please contact us",
    "contact us",
    "example.com",
    "testserver!",
)


@pytest.fixture(autouse=True)
def _support(settings):
    settings.SUPPORT_EMAIL = SUPPORT


def _title(response) -> str:
    return re.search(r"<title>(.*?)</title>", response.content.decode(), re.S).group(1).strip()


def _speaks_for_the_portal(text: str) -> None:
    for phrase in ALLAUTH_DEFAULTS:
        assert phrase not in text, phrase
    assert "Exchange Portal" in text
    assert SUPPORT in text


def test_sign_up_page_and_email(client, uk_institute):
    response = signup(client, "ada.lovelace@uk-aisi.example.org")
    page = client.get(response.url)
    assert _title(page).startswith("Check your email")
    _speaks_for_the_portal(page.content.decode())
    assert f'href="mailto:{SUPPORT}"' in page.content.decode()

    (email,) = mail.outbox
    assert email.subject == "[Exchange Portal] Confirm your email address"
    _speaks_for_the_portal(email.body)
    assert email.body.startswith("Hello,")
    assert "/accounts/confirm-email/" in email.body


def test_password_reset_page_and_email(client, uk_user):
    page = client.get(reverse("account_reset_password"))
    assert _title(page).startswith("Reset your password")
    _speaks_for_the_portal(page.content.decode())

    response = client.post(reverse("account_reset_password"), {"email": uk_user.email})
    done = client.get(response.url)
    _speaks_for_the_portal(done.content.decode())

    (email,) = mail.outbox
    assert email.subject == "[Exchange Portal] Reset your password"
    _speaks_for_the_portal(email.body)


def test_signing_up_again_with_an_address_in_use_is_told_in_the_portal_voice(client, uk_institute):
    UserFactory(institute=uk_institute, email="ada.lovelace@uk-aisi.example.org")
    signup(client, "ada.lovelace@uk-aisi.example.org")
    (email,) = mail.outbox
    assert email.subject == "[Exchange Portal] You already have an account"
    _speaks_for_the_portal(email.body)


def test_an_expired_confirmation_link_says_what_to_do(client, db):
    page = client.get(reverse("account_confirm_email", args=["not-a-real-key"]))
    body = page.content.decode()
    assert "This link has expired or has already been used." in body
    _speaks_for_the_portal(body)


def test_sign_in_and_sign_up_with_errors_have_error_in_the_title(client, uk_user):
    assert not _title(client.get(reverse("account_login"))).startswith("Error: ")
    response = client.post(reverse("account_login"), {"login": uk_user.email, "password": "no"})
    assert response.status_code == 200
    assert _title(response).startswith("Error: Sign in")
    response = client.post(reverse("account_signup"), {})
    assert _title(response).startswith("Error: Create an account")


def test_a_used_password_reset_link_says_what_to_do(client, uk_user):
    page = client.get(
        reverse("account_reset_password_from_key", kwargs={"uidb36": "zz", "key": "set-password"})
    )
    page = client.get(page.url) if page.status_code == 302 else page
    body = page.content.decode()
    assert "This link does not work" in body
    assert "Bad Token" not in body
    _speaks_for_the_portal(body)


def test_choosing_a_new_password_from_the_emailed_link(client, uk_user):
    client.post(reverse("account_reset_password"), {"email": uk_user.email})
    link = re.search(r"http://testserver(/\S+)", mail.outbox[0].body).group(1)
    page = client.get(link, follow=True)
    assert "Choose a new password" in page.content.decode()
    response = client.post(
        page.redirect_chain[-1][0] if page.redirect_chain else link,
        {"password1": "another-long-passphrase-9", "password2": "another-long-passphrase-9"},
        follow=True,
    )
    assert "Your password has been changed" in response.content.decode()
