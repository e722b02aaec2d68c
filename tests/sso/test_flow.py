"""Signing in through an institute's OpenID Connect provider, end to end.

The provider is a real one (django-oauth-toolkit) running on loopback; the portal reaches
it over HTTP. These tests do not depend on the date: the provider's tokens are stamped
with the real clock and checked against the same clock.
"""

import base64
import hashlib
from urllib.parse import parse_qs, urlsplit

import pytest
import requests
from allauth.account.models import EmailAddress
from allauth.socialaccount.models import SocialAccount
from django.urls import reverse

from accounts.models import User
from tests.factories import UserFactory
from tests.sso.idp import (
    CLIENT_ID,
    PROVIDER_ID,
    SSO_DOMAIN,
    signed_in_user_id,
    sso_at_provider,
    sso_sign_in,
    sso_start,
)

pytestmark = pytest.mark.django_db


def test_the_portal_finds_the_provider_through_its_discovery_document(client, sso):
    """Starting a sign-in sends the browser to the authorization endpoint that the
    provider's discovery document names, asking for a code with PKCE and a nonce."""
    discovery = requests.get(f"{sso.issuer}/.well-known/openid-configuration", timeout=10).json()

    start = sso_start(client)

    assert start.status_code == 302
    location = urlsplit(start["Location"])
    assert (
        f"{location.scheme}://{location.netloc}{location.path}"
        == (discovery["authorization_endpoint"])
    )
    params = {k: v[0] for k, v in parse_qs(location.query).items()}
    assert params["client_id"] == CLIENT_ID
    assert params["response_type"] == "code"
    assert set(params["scope"].split()) == {"openid", "profile", "email"}
    assert params["redirect_uri"] == "http://testserver" + reverse(
        "openid_connect_callback", args=[PROVIDER_ID]
    )
    assert params["code_challenge_method"] == "S256"
    assert params["state"] and params["nonce"]


def test_the_code_challenge_is_the_hash_of_the_verifier_the_portal_keeps(client, sso):
    """PKCE: the challenge sent out is SHA-256 of a verifier kept in the session, which
    the portal presents when it exchanges the code."""
    start = sso_start(client)
    params = parse_qs(urlsplit(start["Location"]).query)

    (state, _, _) = client.session["socialaccount_states"][params["state"][0]]
    verifier = state["pkce_code_verifier"]
    digest = hashlib.sha256(verifier.encode()).digest()
    assert params["code_challenge"][0] == base64.urlsafe_b64encode(digest).rstrip(b"=").decode()
    assert len(verifier) >= 43


def test_a_code_exchanged_without_the_right_verifier_is_refused(client, sso):
    """The provider refuses the code unless the portal proves it started the sign-in
    (PKCE), and the portal then signs nobody in."""
    person = sso.add_person(email=f"pkce@{SSO_DOMAIN}")
    start = sso_start(client)
    state_id = parse_qs(urlsplit(start["Location"]).query)["state"][0]
    callback = sso_at_provider(start["Location"], person)
    session = client.session
    session["socialaccount_states"][state_id][0]["pkce_code_verifier"] = "x" * 64
    session.save()

    response = client.get(callback.removeprefix("http://testserver"))

    assert response.status_code == 401
    assert "We could not sign you in through your institute" in response.content.decode()
    assert signed_in_user_id(client) is None
    assert not User.objects.filter(email=person.email).exists()


def test_a_new_person_gets_an_account_at_their_institute(client, sso, sso_institute):
    """The first sign-in creates the account from the claims (name, email, job title),
    joins it to the institute as sign-up does, and links it to the provider's subject."""
    person = sso.add_person(
        email=f"Grace.Hopper@{SSO_DOMAIN}", name="Grace Hopper", job_title="Research Scientist"
    )

    journey = sso_sign_in(client, person)

    assert journey.response.status_code == 302
    assert journey.response["Location"] == reverse("home")
    user = User.objects.get(email=f"grace.hopper@{SSO_DOMAIN}")
    assert signed_in_user_id(client) == str(user.pk)
    assert user.full_name == "Grace Hopper"
    assert user.job_title == "Research Scientist"
    assert user.institute == sso_institute
    assert user.time_zone == "Europe/London"
    assert not user.has_usable_password()
    assert EmailAddress.objects.get(user=user).verified
    account = SocialAccount.objects.get(user=user)
    assert (account.provider, account.uid) == (PROVIDER_ID, person.sub)


def test_the_next_sign_in_finds_the_linked_account(client, sso):
    """A second sign-in by the same subject signs in the same account, and lands on the
    page the person asked for."""
    person = sso.add_person(email=f"again@{SSO_DOMAIN}")
    sso_sign_in(client, person)
    client.logout()

    journey = sso_sign_in(client, person, next_url="/accounts/profile/")

    assert journey.response["Location"] == "/accounts/profile/"
    assert User.objects.filter(email=person.email).count() == 1
    assert signed_in_user_id(client) == str(User.objects.get(email=person.email).pk)


def test_an_existing_account_is_linked_by_its_verified_address(client, sso, sso_institute):
    """Someone who signed up with a password signs in to the same account; what they
    entered themselves is kept, and only blank details are filled from the claims."""
    existing = UserFactory(
        email=f"existing@{SSO_DOMAIN}", institute=sso_institute, full_name="Ada L", job_title=""
    )
    person = sso.add_person(email=existing.email, name="Ada Lovelace", job_title="Analyst")

    journey = sso_sign_in(client, person)

    assert journey.response["Location"] == reverse("home")
    assert signed_in_user_id(client) == str(existing.pk)
    existing.refresh_from_db()
    assert existing.full_name == "Ada L"
    assert existing.job_title == "Analyst"
    assert SocialAccount.objects.get(user=existing).uid == person.sub


def test_a_callback_cannot_be_replayed(client, sso):
    """The state of a sign-in is used once: the same answer from the provider, sent a
    second time, signs nobody in."""
    person = sso.add_person(email=f"replay@{SSO_DOMAIN}")
    journey = sso_sign_in(client, person)
    client.logout()

    again = client.get(journey.callback_url.removeprefix("http://testserver"))

    assert again.status_code == 401
    assert signed_in_user_id(client) is None
