"""A new person signs up, confirms their email, sets up TOTP, signs out and back in."""

import re
import time

import pytest
import time_machine
from django.core import mail

from accounts.models import User
from tests.factories import InstituteFactory, totp_code

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PASSWORD = "a-long-and-unusual-passphrase"


def test_sign_up_verify_set_up_totp_and_sign_in_with_a_code(page, live_server, assert_accessible):
    InstituteFactory(uk=True, domains=["aisi.example.gov.uk"])
    email = "new.starter@aisi.example.gov.uk"

    page.goto("/accounts/signup/")
    assert_accessible(page)
    page.get_by_label("Full name").fill("New Starter")
    page.get_by_label("Email").fill(email)
    page.get_by_label("Job title").fill("Research Engineer")
    page.get_by_label("Password", exact=True).fill(PASSWORD)
    page.get_by_label("Password (again)").fill(PASSWORD)
    page.get_by_role("button", name="Create account").click()

    page.wait_for_url("**/accounts/confirm-email/")
    assert_accessible(page)
    assert len(mail.outbox) == 1
    link = re.search(r"https?://\S+/accounts/confirm-email/\S+/", mail.outbox[0].body).group(0)
    page.goto("/accounts/" + link.split("/accounts/", 1)[1])
    assert_accessible(page)
    page.get_by_role("button", name="Confirm").click()
    page.wait_for_url(f"{live_server.url}/")
    assert "UK AI Security Institute" in page.content()

    page.goto("/accounts/2fa/totp/activate/")
    page.wait_for_url("**/accounts/reauthenticate/**")
    assert_accessible(page)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Confirm").click()
    page.wait_for_url("**/accounts/2fa/totp/activate/")
    assert_accessible(page)
    secret = page.locator("#authenticator_secret").input_value()
    page.get_by_label("Authenticator code").fill(totp_code(secret))
    page.get_by_role("button", name="Activate").click()
    page.wait_for_url(lambda url: "/2fa/" in url and not url.endswith("/totp/activate/"))
    assert_accessible(page)
    assert User.objects.get(email=email).authenticator_set.count() == 2

    page.get_by_role("button", name="Sign out").click()
    page.wait_for_url("**/accounts/login/")
    assert_accessible(page)

    page.get_by_label("Email").fill(email)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url("**/accounts/2fa/authenticate/")
    assert_accessible(page)
    # A code is accepted once: sign in with the next period's code, as a person would
    # some seconds later.
    with time_machine.travel(time.time() + 30, tick=True):
        page.get_by_label("Code", exact=True).fill(totp_code(secret))
        page.get_by_role("button", name="Sign in").click()
        page.wait_for_url(f"{live_server.url}/")
        assert_accessible(page)
    body = page.locator("main").inner_text()
    assert "My work" in body
    assert "UK AI Security Institute" in body
    assert "On" in page.locator(".govuk-summary-list").inner_text()
