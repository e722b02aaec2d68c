"""The portal checks every ID token and discovery document; a provider that gets any of
them wrong signs nobody in.

The provider under test misbehaves on purpose for one person at a time (its ``faults``).
"""

import logging
from urllib.parse import parse_qs, urlsplit

import pytest
from django.urls import reverse

from accounts.models import User
from tests.sso.idp import (
    PROVIDER_ID,
    SSO_DOMAIN,
    signed_in_user_id,
    sso_at_provider,
    sso_settings,
    sso_sign_in,
    sso_start,
)

pytestmark = pytest.mark.django_db

ERROR_HEADING = "We could not sign you in through your institute"


def assert_refused(journey, client, email, caplog, reason):
    assert journey.response.status_code == 401
    assert ERROR_HEADING in journey.response.content.decode()
    assert signed_in_user_id(client) is None
    assert not User.objects.filter(email=email).exists()
    assert reason in caplog.text


def test_a_token_signed_with_another_key_is_refused(client, sso, caplog):
    """An ID token whose signature is not made with a key the provider publishes is
    refused, even though it came straight from the token endpoint."""
    person = sso.add_person(email=f"forged@{SSO_DOMAIN}", faults={"sign_with_other_key": True})

    with caplog.at_level(logging.WARNING):
        journey = sso_sign_in(client, person)

    assert_refused(journey, client, person.email, caplog, "signature does not match")


def test_a_token_from_another_issuer_is_refused(client, sso, caplog):
    """An ID token naming another issuer is refused."""
    person = sso.add_person(
        email=f"issuer@{SSO_DOMAIN}", faults={"iss": "https://login.example.net/other"}
    )

    with caplog.at_level(logging.WARNING):
        journey = sso_sign_in(client, person)

    assert_refused(journey, client, person.email, caplog, "issuer is not")


def test_a_token_for_another_client_is_refused(client, sso, caplog):
    """An ID token addressed to another client (audience) is refused."""
    person = sso.add_person(email=f"audience@{SSO_DOMAIN}", faults={"aud": "another-client"})

    with caplog.at_level(logging.WARNING):
        journey = sso_sign_in(client, person)

    assert_refused(journey, client, person.email, caplog, "not addressed to client")


def test_a_token_for_another_sign_in_is_refused(client, sso, caplog):
    """The nonce sent with this sign-in must come back in the ID token."""
    person = sso.add_person(email=f"nonce@{SSO_DOMAIN}")
    start = sso_start(client)
    state_id = parse_qs(urlsplit(start["Location"]).query)["state"][0]
    callback = sso_at_provider(start["Location"], person)
    session = client.session
    session["socialaccount_states"][state_id][0]["nonce"] = "another-sign-in"
    session.save()

    with caplog.at_level(logging.WARNING):
        response = client.get(callback.removeprefix("http://testserver"))

    assert response.status_code == 401
    assert signed_in_user_id(client) is None
    assert "nonce" in caplog.text


def test_a_discovery_document_naming_another_issuer_is_refused(
    client, settings, identity_provider, sso_institute, caplog
):
    """The discovery document must name the configured issuer exactly; otherwise the
    portal does not even send the person to the provider."""
    identity_provider.register_client(
        "http://testserver" + reverse("openid_connect_callback", args=[PROVIDER_ID])
    )
    # The same provider, reached by another name: its document says 127.0.0.1.
    sso_settings(settings, identity_provider)
    settings.SSO_PROVIDERS[0]["issuer"] = identity_provider.issuer.replace("127.0.0.1", "localhost")

    with caplog.at_level(logging.WARNING):
        start = sso_start(client)

    assert start.status_code == 401
    assert ERROR_HEADING in start.content.decode()
    assert "names issuer" in caplog.text


def test_an_answer_naming_another_issuer_is_refused(client, sso, caplog):
    """RFC 9207: an authorization response that says it comes from another issuer is
    refused before the code is used."""
    person = sso.add_person(email=f"mixup@{SSO_DOMAIN}")
    start = sso_start(client)
    callback = sso_at_provider(start["Location"], person)

    with caplog.at_level(logging.WARNING):
        response = client.get(
            callback.removeprefix("http://testserver") + "&iss=https%3A%2F%2Fevil.example"
        )

    assert response.status_code == 401
    assert signed_in_user_id(client) is None


def test_an_unreachable_provider_is_a_clear_error_not_a_server_error(
    client, settings, identity_provider, sso_institute
):
    """When the provider cannot be reached, the person sees the portal's error page."""
    sso_settings(settings, identity_provider)
    settings.SSO_PROVIDERS[0]["issuer"] = "http://127.0.0.1:9/o"

    start = sso_start(client)

    assert start.status_code == 401
    assert ERROR_HEADING in start.content.decode()
