"""Identity providers come from the environment, checked when the portal starts."""

import pytest
from allauth.core import context
from allauth.socialaccount.adapter import get_adapter
from allauth.socialaccount.models import SocialApp
from allauth.socialaccount.providers.base import Provider
from django.core.exceptions import ImproperlyConfigured

from config.sso import form_action_sources, providers_from_env

BASE = {
    "SSO_PROVIDERS": "uk-aisi",
    "SSO_UK_AISI_ISSUER": "https://login.aisi.example.gov.uk/realms/staff",
    "SSO_UK_AISI_CLIENT_ID": "exchange-portal",
    "SSO_UK_AISI_CLIENT_SECRET": "s3cret",
}


def test_no_providers_means_no_single_sign_on():
    """With SSO_PROVIDERS unset the portal has passwords only."""
    assert providers_from_env({}) == []


def test_a_provider_is_read_with_its_defaults():
    """Issuer, client and secret are required; MFA claims and the rest have defaults."""
    (provider,) = providers_from_env(BASE)

    assert provider["id"] == "uk-aisi"
    assert provider["issuer"] == BASE["SSO_UK_AISI_ISSUER"]
    assert provider["client_secret"] == "s3cret"
    assert provider["mfa_amr"] == ("mfa", "otp", "hwk")
    assert provider["mfa_acr"] == ()
    assert provider["algorithms"] == ("RS256",)
    assert provider["job_title_claim"] == "job_title"
    assert provider["sign_in_origins"] == ("https://login.aisi.example.gov.uk",)


def test_optional_settings_are_read():
    (provider,) = providers_from_env(
        {
            **BASE,
            "SSO_UK_AISI_MFA_AMR": "mfa",
            "SSO_UK_AISI_MFA_ACR": "urn:a, urn:b",
            "SSO_UK_AISI_ALGORITHMS": "RS256,ES256",
            "SSO_UK_AISI_JOB_TITLE_CLAIM": "title",
            "SSO_UK_AISI_SIGN_IN_ORIGINS": "https://adfs.aisi.example.gov.uk/adfs/ls",
        }
    )

    assert provider["mfa_amr"] == ("mfa",)
    assert provider["mfa_acr"] == ("urn:a", "urn:b")
    assert provider["algorithms"] == ("RS256", "ES256")
    assert provider["job_title_claim"] == "title"
    assert form_action_sources([provider]) == [
        "'self'",
        "https://login.aisi.example.gov.uk",
        "https://adfs.aisi.example.gov.uk",
    ]


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"SSO_UK_AISI_CLIENT_SECRET": ""}, "SSO_UK_AISI_CLIENT_SECRET is not set"),
        ({"SSO_UK_AISI_ISSUER": "http://login.example.gov.uk"}, "must be an https:// address"),
        ({"SSO_PROVIDERS": "UK_AISI"}, "not a valid provider id"),
        ({"SSO_PROVIDERS": "uk-aisi,uk-aisi"}, "names a provider twice"),
        ({"SSO_UK_AISI_ALGORITHMS": "HS256"}, "HS256 not supported"),
        ({"SSO_UK_AISI_TOKEN_AUTH_METHOD": "none"}, "TOKEN_AUTH_METHOD must be"),
    ],
)
def test_a_misconfigured_provider_stops_the_portal_starting(change, message):
    """A missing secret or an unsafe setting is an error at start, never a silent default."""
    with pytest.raises(ImproperlyConfigured, match=message):
        providers_from_env({**BASE, **change})


def test_plain_http_is_accepted_on_loopback_only():
    (provider,) = providers_from_env({**BASE, "SSO_UK_AISI_ISSUER": "http://127.0.0.1:8080/o"})

    assert provider["issuer"] == "http://127.0.0.1:8080/o"


@pytest.mark.django_db
def test_providers_are_never_read_from_the_database(settings):
    """A "social application" stored in the database (with a secret) is ignored: only
    the environment's providers exist."""
    settings.SSO_PROVIDERS = providers_from_env(BASE)
    SocialApp.objects.create(
        provider="openid_connect", provider_id="rogue", name="Rogue", client_id="x", secret="y"
    )

    apps = get_adapter().list_apps(None)

    assert [(a.provider_id, a.client_id) for a in apps] == [("uk-aisi", "exchange-portal")]
    assert apps[0].settings["oauth_pkce_enabled"] is True


def test_a_paused_sign_in_finds_its_provider_when_two_share_a_client_id(settings, rf):
    """Two institutes' providers may give the portal the same client id; a sign-in
    paused for the portal's MFA code still finds the right provider again."""
    settings.SSO_PROVIDERS = providers_from_env(
        {
            **BASE,
            "SSO_PROVIDERS": "uk-aisi,au-aisi",
            "SSO_AU_AISI_ISSUER": "https://login.aisi.example.gov.au",
            "SSO_AU_AISI_CLIENT_ID": "exchange-portal",
            "SSO_AU_AISI_CLIENT_SECRET": "other",
        }
    )
    request = rf.get("/")
    provider = get_adapter().get_provider(request, provider="au-aisi")

    with context.request_context(request):
        again = Provider.deserialize(provider.serialize())

    assert again.app.provider_id == "au-aisi"
    assert again.app.settings["server_url"] == "https://login.aisi.example.gov.au"
