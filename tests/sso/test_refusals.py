"""Who may not sign in through an institute's provider, and what they are told."""

import logging
from urllib.parse import urlsplit

import pytest
from allauth.socialaccount.models import SocialAccount
from django.urls import reverse

from accounts.models import SingleSignOn, User
from tests.factories import InstituteFactory, UserFactory
from tests.sso.idp import (
    PROVIDER_ID,
    SSO_DOMAIN,
    signed_in_user_id,
    sso_at_provider,
    sso_sign_in,
    sso_start,
)

pytestmark = pytest.mark.django_db


def test_a_switched_off_account_is_refused(client, sso, sso_institute):
    """An account an admin switched off cannot sign in through the provider either."""
    user = UserFactory(email=f"inactive@{SSO_DOMAIN}", institute=sso_institute, is_active=False)
    person = sso.add_person(email=user.email)

    journey = sso_sign_in(client, person)

    assert journey.response["Location"] == reverse("account_inactive")
    assert signed_in_user_id(client) is None
    page = client.get(journey.response["Location"]).content.decode()
    assert "Your account is switched off" in page
    assert not SocialAccount.objects.filter(user=user).exists()


def test_a_linked_account_switched_off_later_is_refused(client, sso, sso_institute):
    """Switching off an account that has signed in through the provider before stops
    its next sign-in."""
    person = sso.add_person(email=f"leaver@{SSO_DOMAIN}")
    sso_sign_in(client, person)
    client.logout()
    User.objects.filter(email=person.email).update(is_active=False)

    journey = sso_sign_in(client, person)

    assert journey.response["Location"] == reverse("account_inactive")
    assert signed_in_user_id(client) is None


def test_an_address_outside_the_institutes_domains_is_refused(client, sso, caplog):
    """A provider may only sign in addresses at the domains it serves: an address at
    another institute's domain is refused, and no account is created or signed in."""
    InstituteFactory(au=True, domains=["aisi.example.gov.au"])
    victim = UserFactory(email="researcher@aisi.example.gov.au")
    person = sso.add_person(email=victim.email)

    with caplog.at_level(logging.WARNING):
        journey = sso_sign_in(client, person)

    assert journey.response.status_code == 403
    page = journey.response.content.decode()
    assert "You cannot sign in this way" in page
    assert "researcher@aisi.example.gov.au is not an address that UK AI Security" in page
    assert signed_in_user_id(client) is None
    assert not SocialAccount.objects.exists()
    assert "domain_mismatch" in caplog.text


def test_a_domain_of_the_institute_not_served_by_the_provider_is_refused(client, sso):
    """The institute's other domains, not chosen for single sign-on, are refused too."""
    person = sso.add_person(email="temp@contractors.example.org")

    journey = sso_sign_in(client, person)

    assert journey.response.status_code == 403
    assert not User.objects.filter(email=person.email).exists()


def test_an_address_the_provider_has_not_verified_is_refused(client, sso):
    """The provider must say it verified the address (email_verified)."""
    person = sso.add_person(email=f"unverified@{SSO_DOMAIN}", email_verified=False)

    journey = sso_sign_in(client, person)

    assert journey.response.status_code == 403
    assert "has not confirmed that" in journey.response.content.decode()
    assert not User.objects.filter(email=person.email).exists()


def test_a_sign_in_without_an_address_is_refused(client, sso):
    """Without an email address the portal cannot tell whose account it is."""
    person = sso.add_person(email=None)

    journey = sso_sign_in(client, person)

    assert journey.response.status_code == 403
    assert "did not tell the portal your email address" in journey.response.content.decode()
    assert not User.objects.exists()


def test_an_account_at_another_institute_is_refused(client, sso):
    """An account an admin placed at another institute is not signed in by this one's
    provider, even at a matching address."""
    other = InstituteFactory(au=True, domains=["aisi.example.gov.au"])
    user = UserFactory(email=f"moved@{SSO_DOMAIN}", institute=other)
    person = sso.add_person(email=user.email)

    journey = sso_sign_in(client, person)

    assert journey.response.status_code == 403
    assert signed_in_user_id(client) is None


def test_a_provider_switched_off_by_the_admin_cannot_be_used(client, sso):
    """When single sign-on is switched off, its sign-in address answers 404."""
    SingleSignOn.objects.update(is_enabled=False)

    assert sso_start(client).status_code == 404
    callback = reverse("openid_connect_callback", args=[PROVIDER_ID])
    assert client.get(callback, {"code": "x", "state": "y"}).status_code == 404


def test_connecting_a_provider_account_by_hand_is_refused(client, sso, sso_institute):
    """Linking happens at sign-in only; the "connect" process is refused."""
    user = UserFactory(email=f"connect@{SSO_DOMAIN}", institute=sso_institute)
    person = sso.add_person(email=f"someone-else@{SSO_DOMAIN}")
    client.force_login(user)

    start = client.post(reverse("openid_connect_login", args=[PROVIDER_ID]), {"process": "connect"})
    callback = sso_at_provider(start["Location"], person)
    parts = urlsplit(callback)
    response = client.get(f"{parts.path}?{parts.query}")

    assert response.status_code == 403
    assert not SocialAccount.objects.exists()
