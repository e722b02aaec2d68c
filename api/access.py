"""Who may hold, create and use personal access tokens. Decided here only.

A person sees and revokes their own tokens. Anyone active may create one; a manager or
admin (``accounts.access.user_requires_mfa``) only after MFA in the signed-in session,
as manager pages ask, and their token then works only if it was created so. A token
acts as its person, through the same access rules as the pages; a read-only token
refuses every change.
"""

from django.db.models import QuerySet

from accounts import access as accounts_access

from .models import PersonalAccessToken

MFA_NEEDED = (
    "Managers and administrators must turn on two-factor authentication before they "
    "create a token. Set up an authenticator app, then try again."
)


def tokens_of(user) -> QuerySet[PersonalAccessToken]:
    if not accounts_access.is_active_person(user):
        return PersonalAccessToken.objects.none()
    return PersonalAccessToken.objects.filter(user=user)


def token_refusal(*, user, mfa_done: bool) -> str:
    """Why ``user`` may not create a token now ("" when they may)."""
    if not accounts_access.is_active_person(user):
        return "Sign in to create a token."
    if accounts_access.user_requires_mfa(user) and not mfa_done:
        return MFA_NEEDED
    return ""


def token_refusal_on_use(token: PersonalAccessToken) -> str:
    """Why a presented token does not sign its person in ("" when it does)."""
    user = token.user
    if token.is_revoked:
        return "This token has been revoked."
    if token.is_expired():
        return "This token has expired. Create a new one on your account's API tokens page."
    if not user.is_active:
        return "This account is switched off."
    if accounts_access.user_requires_mfa(user) and not token.created_with_mfa:
        return (
            "Your role needs two-factor authentication, and this token was created without "
            "it. Turn on two-factor authentication and create a new token."
        )
    return ""


def token_may_write(token: PersonalAccessToken | None) -> bool:
    return token is not None and token.may_write
