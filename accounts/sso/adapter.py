"""allauth's social account adapter for the institutes' identity providers.

Every sign-in through a provider passes ``sign_in_check`` before anyone is signed in:
the provider must be linked to an institute, the address must be verified by the
provider and be one of the domains that institute serves through it, and an existing
account must belong to that institute and be active.
"""

import logging

from allauth.core.exceptions import ImmediateHttpResponse
from allauth.core.internal.datakit import parse_bool_safely
from allauth.socialaccount.adapter import DefaultSocialAccountAdapter
from allauth.socialaccount.models import SocialApp
from allauth.socialaccount.providers.base import AuthProcess
from django.shortcuts import redirect, render

from ..adapter import user_affiliate_by_email
from ..models import SingleSignOn
from .provider import merged_claims
from .selectors import (
    provider_list_configured,
    sign_on_domain_names,
    sign_on_for_provider,
)
from .services import user_fill_from_claims, user_profile_from_claims

logger = logging.getLogger(__name__)


class SignInRefused(Exception):
    def __init__(self, message: str, *, reason: str):
        super().__init__(message)
        self.message = message
        self.reason = reason


def sign_in_check(*, provider_id: str, claims: dict, user, process: str) -> SingleSignOn:
    """The institute's sign-on this sign-in may use, or SignInRefused saying why not."""
    if process not in (AuthProcess.LOGIN, None):
        raise SignInRefused(
            "Your institute account is linked to the portal when you sign in with it, so "
            "there is nothing to connect by hand.",
            reason="process",
        )
    sign_on = sign_on_for_provider(provider_id=provider_id)
    if sign_on is None:
        raise SignInRefused(
            "This sign-in service is not set up for any institute in the portal. Sign in "
            "with your email address and password, or ask your institute's administrator.",
            reason="not_linked",
        )
    institute = sign_on.institute.name
    email = str(claims.get("email") or "").strip().lower()
    if not email:
        raise SignInRefused(
            f"{institute}'s sign-in service did not tell the portal your email address, so "
            "the portal cannot tell which account is yours. Ask your IT service desk to "
            "release your email address to Exchange Portal.",
            reason="no_email",
        )
    if not parse_bool_safely(claims.get("email_verified")):
        raise SignInRefused(
            f"{institute}'s sign-in service has not confirmed that {email} is yours. Ask "
            "your IT service desk to confirm your email address, then try again.",
            reason="email_unverified",
        )
    domain = email.rsplit("@", 1)[-1]
    if domain not in sign_on_domain_names(sign_on):
        raise SignInRefused(
            f"{email} is not an address that {institute} signs in to the portal. Sign in "
            f"with your {institute} address, or through your own institute.",
            reason="domain_mismatch",
        )
    if user is not None and user.pk and user.institute_id not in (None, sign_on.institute_id):
        raise SignInRefused(
            f"Your portal account belongs to another institute, not {institute}. Sign in "
            "through your own institute, or ask an administrator to check your account.",
            reason="other_institute",
        )
    return sign_on


class PortalSocialAccountAdapter(DefaultSocialAccountAdapter):
    def list_apps(self, request, provider=None, client_id=None):
        """Providers come from the environment only: none is read from the database, so
        no client secret is ever stored there."""
        apps = []
        for config in provider_list_configured():
            app_settings = {
                "server_url": config["issuer"],
                "oauth_pkce_enabled": True,
                "email_authentication": True,
                "fetch_userinfo": True,
            }
            if config["token_auth_method"]:
                app_settings["token_auth_method"] = config["token_auth_method"]
            app = SocialApp(
                provider="openid_connect",
                provider_id=config["id"],
                name=config["name"],
                client_id=config["client_id"],
                secret=config["client_secret"],
                settings=app_settings,
            )
            if client_id and app.client_id != client_id:
                continue
            if provider and provider not in (app.provider, app.provider_id):
                continue
            apps.append(app)
        return apps

    def pre_social_login(self, request, sociallogin):
        user = sociallogin.user if sociallogin.is_existing else None
        claims = merged_claims(sociallogin.account.extra_data)
        try:
            sign_in_check(
                provider_id=sociallogin.account.provider,
                claims=claims,
                user=user,
                process=sociallogin.state.get("process"),
            )
        except SignInRefused as refusal:
            logger.warning(
                "Single sign-on through %s refused (%s) for subject %s",
                sociallogin.account.provider,
                refusal.reason,
                sociallogin.account.uid,
            )
            raise ImmediateHttpResponse(
                render(
                    request, "account/sso_refused.html", {"message": refusal.message}, status=403
                )
            ) from refusal
        if user is not None:
            if not user.is_active:
                raise ImmediateHttpResponse(redirect("account_inactive"))
            user_fill_from_claims(
                user=user, claims=claims, provider_id=sociallogin.account.provider
            )

    def populate_user(self, request, sociallogin, data):
        user = sociallogin.user
        user.email = data.get("email") or ""
        profile = user_profile_from_claims(
            claims=merged_claims(sociallogin.account.extra_data),
            provider_id=sociallogin.account.provider,
        )
        for field, value in profile.items():
            setattr(user, field, value)
        return user

    def save_user(self, request, sociallogin, form=None):
        # A new account joins its institute by its address, as password sign-up does.
        user_affiliate_by_email(sociallogin.user)
        return super().save_user(request, sociallogin, form)

    def on_authentication_error(
        self, request, provider, error=None, exception=None, extra_context=None
    ):
        logger.warning(
            "Single sign-on through %s failed (%s): %s",
            getattr(getattr(provider, "app", None), "provider_id", provider),
            error,
            exception,
        )
