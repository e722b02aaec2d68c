"""allauth adapter: signup only for institute domains, and new users affiliated by domain."""

from allauth.account.adapter import DefaultAccountAdapter
from allauth.core.internal.httpkit import get_client_ip
from allauth.mfa.stages import AuthenticateStage
from django import forms
from django.conf import settings
from django.core.cache import cache
from django.core.exceptions import ImproperlyConfigured

from . import events
from .selectors import institute_for_email
from .sso.messages import signup_refused_message, validate_password_allowed
from .sso.mfa import idp_mfa_remember

UNKNOWN_DOMAIN_MESSAGE = (
    "You can only create an account with an email address from a partner institute. "
    "If you work with the programme from another organisation, ask an administrator at "
    "your partner institute to invite you."
)


class PortalAccountAdapter(DefaultAccountAdapter):
    def clean_email(self, email: str) -> str:
        email = super().clean_email(email).strip().lower()
        return email

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
        return super().post_login(request, user, **kwargs)


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
