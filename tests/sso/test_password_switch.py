"""An institute that signs its people in through its provider may switch passwords off
for the domains the provider serves: password sign-in, reset and sign-up are then
refused with a message that says what to do instead."""

import re

import pytest
from django.core import mail
from django.urls import reverse

from accounts.models import SingleSignOn, User
from tests.factories import DEFAULT_PASSWORD, InstituteFactory, UserFactory
from tests.sso.idp import PROVIDER_ID, SSO_DOMAIN

pytestmark = pytest.mark.django_db

REFUSED = "People at UK AI Security Institute sign in through their institute"


@pytest.fixture
def passwords_off(sso_configured):
    SingleSignOn.objects.update(password_sign_in=False)


def password_sign_in(client, email, password=DEFAULT_PASSWORD):
    return client.post(reverse("account_login"), {"login": email, "password": password})


def test_the_sign_in_page_offers_each_institutes_provider(
    client, sso_configured, django_assert_max_num_queries
):
    """The sign-in page has a "Sign in with <institute>" button posting to the provider's
    sign-in address, above the password form; the page's queries do not grow."""
    InstituteFactory(au=True)
    with django_assert_max_num_queries(3):
        page = client.get(reverse("account_login") + "?next=/accounts/profile/")

    body = page.content.decode()
    login_url = reverse("openid_connect_login", args=[PROVIDER_ID])
    assert f'action="{login_url}"' in body
    assert "Sign in with UK AI Security Institute" in body
    assert "Sign in with Australian" not in body
    assert 'name="next" value="/accounts/profile/"' in body
    assert body.index("Sign in with UK AI Security Institute") < body.index('name="password"')


def test_without_single_sign_on_the_sign_in_page_is_as_before(client, uk_institute):
    """No provider set up: no institute buttons, and no query for them."""
    body = client.get(reverse("account_login")).content.decode()

    assert "Sign in through your institute" not in body
    assert "Sign in to Exchange Portal" in body


def test_password_sign_in_is_refused_when_switched_off(client, passwords_off, sso_institute):
    """Even the right password is refused, with the message next to the email field,
    and no failed attempt is counted against the address."""
    user = UserFactory(email=f"staff@{SSO_DOMAIN}", institute=sso_institute)

    response = password_sign_in(client, user.email)

    assert response.status_code == 200
    body = response.content.decode()
    assert "There is a problem" in body
    assert 'id="id_login-error"' in body
    assert REFUSED in body
    assert "_auth_user_id" not in client.session


def test_password_sign_in_still_works_while_switched_on(client, sso_configured, sso_institute):
    """While the institute allows passwords, both ways of signing in work."""
    user = UserFactory(email=f"staff@{SSO_DOMAIN}", institute=sso_institute)

    response = password_sign_in(client, user.email)

    assert response.status_code == 302
    assert client.session["_auth_user_id"] == str(user.pk)


def test_domains_the_provider_does_not_serve_keep_their_passwords(
    client, passwords_off, sso_institute
):
    """Switching passwords off applies to the domains the provider serves only."""
    user = UserFactory(email="temp@contractors.example.org", institute=sso_institute)

    assert password_sign_in(client, user.email).status_code == 302


def test_passwords_come_back_when_single_sign_on_is_switched_off(
    client, passwords_off, sso_institute
):
    """If the provider is switched off, people are never locked out: passwords work."""
    user = UserFactory(email=f"staff@{SSO_DOMAIN}", institute=sso_institute)
    SingleSignOn.objects.update(is_enabled=False)

    assert password_sign_in(client, user.email).status_code == 302


def test_passwords_come_back_when_the_provider_leaves_the_environment(
    client, passwords_off, sso_institute, settings
):
    """A provider removed from the environment no longer refuses passwords."""
    user = UserFactory(email=f"staff@{SSO_DOMAIN}", institute=sso_institute)
    settings.SSO_PROVIDERS = []

    assert password_sign_in(client, user.email).status_code == 302


def test_password_reset_is_refused_when_switched_off(client, passwords_off, sso_institute):
    """No reset link is sent; the person is told to sign in through the institute."""
    UserFactory(email=f"staff@{SSO_DOMAIN}", institute=sso_institute)

    response = client.post(reverse("account_reset_password"), {"email": f"staff@{SSO_DOMAIN}"})

    assert response.status_code == 200
    assert "there is no portal password to reset" in response.content.decode()
    assert mail.outbox == []


def test_a_reset_link_sent_before_the_switch_no_longer_works(client, sso_configured, sso_institute):
    """A reset link sent while passwords were allowed cannot set one afterwards."""
    user = UserFactory(email=f"staff@{SSO_DOMAIN}", institute=sso_institute)
    client.post(reverse("account_reset_password"), {"email": user.email})
    link = re.search(r"https?://\S+/password/reset/key/\S+/", mail.outbox[0].body).group(0)
    key_url = client.get(link.split("testserver", 1)[1], follow=True).redirect_chain[-1][0]
    SingleSignOn.objects.update(password_sign_in=False)

    response = client.post(
        key_url, {"password1": "a-new-long-passphrase", "password2": "a-new-long-passphrase"}
    )

    assert response.status_code == 200
    body = response.content.decode()
    assert "there is no portal password to reset" in body
    assert 'id="id_password1-error"' in body
    user.refresh_from_db()
    assert user.check_password(DEFAULT_PASSWORD)


def test_sign_up_with_a_password_is_refused_when_switched_off(client, passwords_off):
    """People at the institute get their account by signing in through it."""
    response = client.post(
        reverse("account_signup"),
        {
            "full_name": "Ada Lovelace",
            "email": f"ada@{SSO_DOMAIN}",
            "password1": "a-long-and-unusual-passphrase",
            "password2": "a-long-and-unusual-passphrase",
        },
    )

    assert response.status_code == 200
    body = response.content.decode()
    assert "do not need to create an account" in body
    assert 'id="id_email-error"' in body
    assert not User.objects.filter(email=f"ada@{SSO_DOMAIN}").exists()
