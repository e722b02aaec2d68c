"""allauth adapter: signup only for institute domains, and new users affiliated by domain."""

import logging

from allauth.account.adapter import DefaultAccountAdapter
from allauth.account.internal.flows.login import AUTHENTICATION_METHODS_SESSION_KEY
from allauth.core import context
from allauth.core.internal.httpkit import get_client_ip
from allauth.mfa.stages import AuthenticateStage
from django import forms
from django.conf import settings
from django.contrib.auth.hashers import make_password
from django.contrib.sites.shortcuts import get_current_site
from django.core.cache import cache
from django.core.exceptions import ImproperlyConfigured
from django.utils.crypto import get_random_string

from . import events
from .mail import send_in_background
from .models import User
from .selectors import institute_for_email
from .sso.messages import signup_refused_message, validate_password_allowed
from .sso.mfa import idp_mfa_remember

logger = logging.getLogger(__name__)

EMAIL_MAX_LENGTH = User._meta.get_field("email").max_length

UNKNOWN_DOMAIN_MESSAGE = (
    "You can only create an account with an email address from a partner institute. "
    "If you work with the programme from another organisation, ask an administrator at "
    "your partner institute to invite you."
)


class PortalAccountAdapter(DefaultAccountAdapter):
    def clean_email(self, email: str) -> str:
        email = super().clean_email(email).strip().lower()
        if len(email) > EMAIL_MAX_LENGTH:
            # Longer addresses were cut to fit, then clashed with the cut copy (a 500).
            raise forms.ValidationError(
                f"Enter an email address of {EMAIL_MAX_LENGTH} characters or fewer.",
                code="too_long",
            )
        return email

    def get_client_ip(self, request) -> str:
        """The client address, for sign-in limits: from ``X-Forwarded-For`` as far as the
        ``TRUSTED_PROXY_COUNT`` proxies in front of the portal vouch for it (settings).

        A request that reached the portal through fewer proxies than configured (a probe
        from inside the network) is counted by the address that connected."""
        try:
            return super().get_client_ip(request)
        except ImproperlyConfigured:
            logger.warning("X-Forwarded-For has fewer addresses than TRUSTED_PROXY_COUNT.")
            return request.META.get("REMOTE_ADDR") or "unknown"

    def send_mail(self, template_prefix: str, email: str, context_data: dict) -> None:
        """Render here, send from the worker (``accounts.mail``). Account emails speak for
        the portal and name a real contact, not the site host."""
        request = context.request
        ctx = {
            "request": request,
            "email": email,
            "current_site": get_current_site(request),
            "portal_name": settings.PORTAL_NAME,
            "support_email": settings.SUPPORT_EMAIL,
        }
        ctx.update(context_data)
        send_in_background(self.render_mail(template_prefix, email, ctx))

    def send_account_already_exists_mail(self, email: str) -> None:
        # A new account's password is hashed while it is created; hash one here too, so
        # that sign-up takes as long for an address that already has an account.
        make_password(get_random_string(32))
        super().send_account_already_exists_mail(email)

    def save_user(self, request, user, form, commit=True):
        user = super().save_user(request, user, form, commit=False)
        user_affiliate_by_email(user)
        if commit:
            user.save()
        return user

    def pre_authenticate(self, request, **credentials):
        try:
            super().pre_authenticate(request, **credentials)
        except forms.ValidationError:
            sign_in_locked_out_record(request, login=credentials.get("email") or "")
            raise

    def get_from_email(self) -> str:
        return settings.DEFAULT_FROM_EMAIL

    def get_login_stages(self) -> list[str]:
        # The MFA step that knows when the institute's identity provider already did MFA.
        allauth_stage = f"{AuthenticateStage.__module__}.{AuthenticateStage.__name__}"
        return [
            "accounts.sso.stages.AuthenticateStage" if stage == allauth_stage else stage
            for stage in super().get_login_stages()
        ]

    def post_login(self, request, user, **kwargs):
        idp_mfa_remember(
            request, user=user, sociallogin=(kwargs.get("signal_kwargs") or {}).get("sociallogin")
        )
        response = super().post_login(request, user, **kwargs)
        sign_in_counts_as_recent(request)
        return response


def sign_in_counts_as_recent(request) -> None:
    """A fresh sign-in counts as a recent confirmation of access.

    allauth asks for the password again ("Confirm access") before sensitive changes such
    as turning on two-factor authentication, unless the person confirmed it within
    ``ACCOUNT_REAUTHENTICATION_TIMEOUT`` seconds; but it counts only confirmations, not
    the sign-in itself, so a manager sent to set up two-factor authentication straight
    after signing in was asked for the password twice. The steps of this sign-in are
    marked as confirmations; they age like any other.
    """
    records = request.session.get(AUTHENTICATION_METHODS_SESSION_KEY)
    if not records:
        return
    request.session[AUTHENTICATION_METHODS_SESSION_KEY] = [
        {**record, "reauthenticated": True} for record in records
    ]


# A lock-out is recorded once per account (or, for an address with no account, once per
# client address) in this many seconds, however many refused attempts follow it.
LOCKED_OUT_RECORD_SECONDS = 300


def sign_in_locked_out_record(request, *, login: str) -> None:
    """Record, at most once a window, that sign-in for ``login`` was refused because of
    repeated failures (the rate limits in ``ACCOUNT_RATE_LIMITS``)."""
    from .models import User

    login = login.strip().lower()[:254]
    account = User.objects.select_related("institute").filter(email__iexact=login).first()
    try:
        ip = (get_client_ip(request) if request is not None else "") or ""
    except ImproperlyConfigured:
        ip = request.META.get("REMOTE_ADDR", "")
    key = f"audit:locked-out:{'account:' + str(account.pk) if account else 'ip:' + ip}"
    if not cache.add(key, 1, timeout=LOCKED_OUT_RECORD_SECONDS):
        return
    events.record(
        event="locked_out",
        actor=None,
        actor_label=login,
        obj=account,
        object_label=None if account else login,
        institute=account.institute if account else institute_for_email(email=login),
        request=request,
        summary="Sign-in refused after repeated failures.",
    )


def user_affiliate_by_email(user) -> None:
    """A new account joins the institute whose domain its address is at."""
    user.institute = institute_for_email(email=user.email)
    if user.institute and not user.time_zone:
        user.time_zone = user.institute.time_zone


def validate_signup_email(email: str) -> None:
    if institute_for_email(email=email) is None:
        raise forms.ValidationError(UNKNOWN_DOMAIN_MESSAGE, code="unknown_domain")
    validate_password_allowed(email, signup_refused_message)
