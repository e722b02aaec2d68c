"""Identity providers for single sign-on, read from the environment.

Everything that decides whom the portal trusts (issuer, client id, client secret, which
claims count as multi-factor authentication) comes from the deployment's environment;
the admin only links a provider to an institute and its email domains. This module is
plain Python (no Django models) because ``config.settings`` imports it.

    SSO_PROVIDERS=uk-aisi,au-aisi
    SSO_UK_AISI_ISSUER=https://login.example.gov.uk/realms/staff
    SSO_UK_AISI_CLIENT_ID=exchange-portal
    SSO_UK_AISI_CLIENT_SECRET=...
"""

import ipaddress
import re
from collections.abc import Mapping
from urllib.parse import urlsplit

from django.core.exceptions import ImproperlyConfigured

PROVIDER_ID = re.compile(r"^[a-z][a-z0-9-]{0,28}[a-z0-9]$")
DEFAULT_MFA_AMR = ("mfa", "otp", "hwk")
DEFAULT_ALGORITHMS = ("RS256",)
SUPPORTED_ALGORITHMS = {"RS256", "RS384", "RS512", "PS256", "PS384", "PS512", "ES256", "ES384"}
TOKEN_AUTH_METHODS = {"client_secret_post", "client_secret_basic"}


def env_prefix(provider_id: str) -> str:
    return "SSO_" + provider_id.upper().replace("-", "_") + "_"


def _is_loopback(host: str) -> bool:
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def _origin(url: str) -> str:
    parts = urlsplit(url)
    return f"{parts.scheme}://{parts.netloc}"


def _check_url(name: str, url: str) -> str:
    parts = urlsplit(url)
    if parts.scheme == "https" and parts.hostname:
        return url
    if parts.scheme == "http" and parts.hostname and _is_loopback(parts.hostname):
        return url
    raise ImproperlyConfigured(
        f"{name} must be an https:// address (plain http is accepted only on loopback for "
        f"local testing), not {url!r}."
    )


def _list(value: str) -> tuple[str, ...]:
    return tuple(item.strip() for item in value.split(",") if item.strip())


def provider_from_env(provider_id: str, environ: Mapping[str, str]) -> dict:
    """One provider's settings, or ImproperlyConfigured naming what is missing."""
    if not PROVIDER_ID.match(provider_id):
        raise ImproperlyConfigured(
            f"SSO_PROVIDERS: {provider_id!r} is not a valid provider id: use 2 to 30 "
            "lower-case letters, digits and hyphens, starting with a letter."
        )
    prefix = env_prefix(provider_id)
    missing = [
        prefix + key
        for key in ("ISSUER", "CLIENT_ID", "CLIENT_SECRET")
        if not environ.get(prefix + key, "").strip()
    ]
    if missing:
        raise ImproperlyConfigured(
            f"Single sign-on provider {provider_id!r} is listed in SSO_PROVIDERS but "
            f"{', '.join(missing)} {'is' if len(missing) == 1 else 'are'} not set."
        )
    issuer = _check_url(prefix + "ISSUER", environ[prefix + "ISSUER"].strip())
    algorithms = _list(environ.get(prefix + "ALGORITHMS", "")) or DEFAULT_ALGORITHMS
    unsupported = set(algorithms) - SUPPORTED_ALGORITHMS
    if unsupported:
        raise ImproperlyConfigured(
            f"{prefix}ALGORITHMS: {', '.join(sorted(unsupported))} not supported; use "
            f"asymmetric signatures ({', '.join(sorted(SUPPORTED_ALGORITHMS))})."
        )
    token_auth_method = environ.get(prefix + "TOKEN_AUTH_METHOD", "").strip()
    if token_auth_method and token_auth_method not in TOKEN_AUTH_METHODS:
        raise ImproperlyConfigured(
            f"{prefix}TOKEN_AUTH_METHOD must be one of {', '.join(sorted(TOKEN_AUTH_METHODS))}."
        )
    sign_in_origins = [_origin(issuer)]
    for url in _list(environ.get(prefix + "SIGN_IN_ORIGINS", "")):
        sign_in_origins.append(_origin(_check_url(prefix + "SIGN_IN_ORIGINS", url)))
    amr = environ.get(prefix + "MFA_AMR")
    return {
        "id": provider_id,
        "name": environ.get(prefix + "NAME", "").strip() or provider_id,
        "issuer": issuer,
        "client_id": environ[prefix + "CLIENT_ID"].strip(),
        "client_secret": environ[prefix + "CLIENT_SECRET"].strip(),
        "mfa_amr": DEFAULT_MFA_AMR if amr is None else _list(amr),
        "mfa_acr": _list(environ.get(prefix + "MFA_ACR", "")),
        "job_title_claim": environ.get(prefix + "JOB_TITLE_CLAIM", "").strip() or "job_title",
        "algorithms": algorithms,
        "token_auth_method": token_auth_method,
        "sign_in_origins": tuple(dict.fromkeys(sign_in_origins)),
    }


def providers_from_env(environ: Mapping[str, str]) -> list[dict]:
    """Every provider named in ``SSO_PROVIDERS`` (comma-separated ids), in that order."""
    ids = _list(environ.get("SSO_PROVIDERS", ""))
    if len(set(ids)) != len(ids):
        raise ImproperlyConfigured("SSO_PROVIDERS names a provider twice.")
    return [provider_from_env(provider_id, environ) for provider_id in ids]


def form_action_sources(providers: list[dict]) -> list[str]:
    """The origins a sign-in form may be sent on to: the portal and each provider.

    Browsers apply the form-action policy to the redirect that follows a form post,
    so "Sign in with <institute>" needs the provider's sign-in origin allowed.
    """
    sources = ["'self'"]
    for provider in providers:
        sources.extend(o for o in provider["sign_in_origins"] if o not in sources)
    return sources
