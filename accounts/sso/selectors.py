"""Reads for single sign-on: the providers set up in the environment and their links."""

from django.conf import settings
from django.urls import reverse

from ..models import SingleSignOn


def provider_list_configured() -> list[dict]:
    """The identity providers of this deployment, from the environment (config/sso.py)."""
    return list(getattr(settings, "SSO_PROVIDERS", []))


def provider_configured(provider_id: str) -> dict | None:
    return next((p for p in provider_list_configured() if p["id"] == provider_id), None)


def _offered():
    ids = [p["id"] for p in provider_list_configured()]
    return SingleSignOn.objects.filter(is_enabled=True, provider_id__in=ids).select_related(
        "institute"
    )


def sign_on_for_provider(*, provider_id: str) -> SingleSignOn | None:
    """The institute a provider signs in, if it is set up and switched on."""
    if provider_configured(provider_id) is None:
        return None
    return _offered().filter(provider_id=provider_id).first()


def sign_on_for_email(*, email: str) -> SingleSignOn | None:
    """The single sign-on offered to this address's domain, if any."""
    if not provider_list_configured() or "@" not in email:
        return None
    domain = email.rsplit("@", 1)[-1].strip().lower()
    return _offered().filter(domains__domain=domain).first()


def sign_on_refusing_password(*, email: str) -> SingleSignOn | None:
    """The sign-on that replaces passwords for this address, if its institute chose so.

    Passwords are refused only while single sign-on is actually offered to the domain, so
    switching a provider off (or removing it from the environment) never locks people out.
    """
    sign_on = sign_on_for_email(email=email)
    return sign_on if sign_on and not sign_on.password_sign_in else None


def sign_on_domain_names(sign_on: SingleSignOn) -> set[str]:
    return {d.domain for d in sign_on.domains.all()}


def sign_on_options() -> list[dict]:
    """One "Sign in with <institute>" choice per institute that offers single sign-on."""
    if not provider_list_configured():
        return []
    return [
        {
            "institute": sign_on.institute,
            "login_url": reverse(
                "openid_connect_login", kwargs={"provider_id": sign_on.provider_id}
            ),
        }
        for sign_on in _offered().order_by("institute__name")
    ]
