"""Helpers for the single sign-on tests: the test provider's handle, the portal's
settings for it, and a person's journey through it.

The provider (``tests/sso/provider/``, django-oauth-toolkit) runs as a subprocess (see
``conftest.py``). The portal side runs in the test process (Django's test client) and
talks to the provider over real HTTP for discovery, keys, tokens and userinfo; the
person's browser at the provider is a ``requests`` session that follows the provider's
own redirects, and hands the final redirect back to the portal's test client.
"""

import copy
import itertools
import secrets
from dataclasses import dataclass, field
from urllib.parse import parse_qs, urljoin, urlsplit

import requests
from django.urls import reverse

from config.sso import form_action_sources, provider_from_env

PROVIDER_ID = "uk-aisi"
CLIENT_ID = "exchange-portal"
SSO_DOMAIN = "aisi.example.gov.uk"
PASSWORD = "provider-password-0123"

_usernames = itertools.count(1)


@dataclass
class IdentityProvider:
    """The running test provider, and the tests' handle on its control API."""

    url: str
    control_token: str
    client_secret: str = field(default_factory=lambda: secrets.token_urlsafe(24))

    @property
    def issuer(self) -> str:
        return f"{self.url}/o"

    def _control(self, path: str, data: dict) -> dict:
        response = requests.post(
            f"{self.url}{path}",
            json=data,
            headers={"Authorization": f"Bearer {self.control_token}"},
            timeout=10,
        )
        response.raise_for_status()
        return response.json()

    def register_client(self, *redirect_uris: str) -> None:
        self._control(
            "/control/client/",
            {
                "client_id": CLIENT_ID,
                "client_secret": self.client_secret,
                "redirect_uris": list(redirect_uris),
            },
        )

    def add_person(self, *, email: str, faults: dict | None = None, **claims) -> "IdpPerson":
        """A person at the provider whose tokens carry ``email`` and ``claims``."""
        username = f"person{next(_usernames)}"
        claims = {"email": email, "email_verified": True, "name": "Ada Lovelace", **claims}
        claims = {k: v for k, v in claims.items() if v is not None}
        answer = self._control(
            "/control/person/",
            {"username": username, "password": PASSWORD, "claims": claims, "faults": faults or {}},
        )
        return IdpPerson(username=username, sub=answer["sub"], email=email)


@dataclass
class IdpPerson:
    username: str
    sub: str
    email: str


def sso_settings(settings, provider: IdentityProvider, **env) -> dict:
    """Point the portal at ``provider`` exactly as the environment would (config/sso.py)."""
    prefix = "SSO_UK_AISI_"
    environ = {
        "SSO_PROVIDERS": PROVIDER_ID,
        f"{prefix}ISSUER": provider.issuer,
        f"{prefix}CLIENT_ID": CLIENT_ID,
        f"{prefix}CLIENT_SECRET": provider.client_secret,
        f"{prefix}NAME": "UK AI Security Institute staff sign-in",
        **{prefix + k: v for k, v in env.items()},
    }
    config = provider_from_env(PROVIDER_ID, environ)
    settings.SSO_PROVIDERS = [config]
    csp = copy.deepcopy(settings.CONTENT_SECURITY_POLICY)
    csp["DIRECTIVES"]["form-action"] = form_action_sources([config])
    settings.CONTENT_SECURITY_POLICY = csp
    return config


@dataclass
class Journey:
    """One sign-in through the provider: where the portal sent the browser, and the
    portal's answer when the browser came back."""

    authorize_url: str
    callback_url: str
    response: object


def sso_start(client, next_url: str | None = None):
    data = {"process": "login"}
    if next_url:
        data["next"] = next_url
    return client.post(reverse("openid_connect_login", args=[PROVIDER_ID]), data)


def sso_at_provider(authorize_url: str, person: IdpPerson) -> str:
    """The person's browser at the provider: sign in there, and return the redirect
    back to the portal (the provider's answer to the authorization request)."""
    browser = requests.Session()
    answer = browser.get(authorize_url, allow_redirects=False, timeout=10)
    assert answer.status_code == 302, answer.text[:500]
    sign_in_url = urljoin(authorize_url, answer.headers["Location"])
    next_url = parse_qs(urlsplit(sign_in_url).query)["next"][0]
    answer = browser.post(
        urljoin(authorize_url, "/login/"),
        data={"username": person.username, "password": PASSWORD, "next": next_url},
        allow_redirects=False,
        timeout=10,
    )
    assert answer.status_code == 302, answer.text[:500]
    answer = browser.get(
        urljoin(authorize_url, answer.headers["Location"]), allow_redirects=False, timeout=10
    )
    assert answer.status_code == 302, answer.text[:500]
    return answer.headers["Location"]


def sso_sign_in(client, person: IdpPerson, *, next_url: str | None = None) -> Journey:
    """Sign ``person`` in to the portal through the provider, end to end."""
    start = sso_start(client, next_url)
    assert start.status_code == 302, start.content.decode()[:2000]
    authorize_url = start["Location"]
    callback_url = sso_at_provider(authorize_url, person)
    parts = urlsplit(callback_url)
    response = client.get(f"{parts.path}?{parts.query}")
    return Journey(authorize_url=authorize_url, callback_url=callback_url, response=response)


def signed_in_user_id(client) -> str | None:
    return client.session.get("_auth_user_id")
