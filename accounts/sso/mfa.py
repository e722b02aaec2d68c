"""Multi-factor authentication done at the identity provider.

A provider says how the person signed in through the ID token's ``amr`` (authentication
methods, RFC 8176) and ``acr`` (context class) claims. When they say MFA was done, as
the operator configured (``SSO_<ID>_MFA_AMR``, ``SSO_<ID>_MFA_ACR``), the portal does not
ask for its own code at sign-in, and the session counts as MFA for manager pages and the
admin. Otherwise the portal's own TOTP rules apply unchanged.
"""

from .selectors import provider_configured

SESSION_KEY = "portal_idp_mfa"


def claims_assert_mfa(*, claims: dict, provider: dict) -> bool:
    amr = claims.get("amr")
    if isinstance(amr, str):
        amr = [amr]
    if isinstance(amr, list) and {str(m) for m in amr} & set(provider["mfa_amr"]):
        return True
    acr = claims.get("acr")
    return isinstance(acr, str) and acr in provider["mfa_acr"]


def sociallogin_asserts_mfa(sociallogin) -> bool:
    """Whether this sign-in's ID token (signed, so trusted) says MFA was done."""
    if sociallogin is None:
        return False
    provider = provider_configured(sociallogin.account.provider)
    extra = sociallogin.account.extra_data
    claims = extra.get("id_token") if isinstance(extra, dict) else None
    if provider is None or not isinstance(claims, dict):
        return False
    return claims_assert_mfa(claims=claims, provider=provider)


def idp_mfa_remember(request, *, user, sociallogin) -> None:
    """Called once a person is signed in: remember for this session whether the
    provider did MFA; any other kind of sign-in forgets it."""
    if sociallogin_asserts_mfa(sociallogin):
        request.session[SESSION_KEY] = {
            "user": str(user.pk),
            "provider": sociallogin.account.provider,
        }
    else:
        request.session.pop(SESSION_KEY, None)


def idp_mfa_done(request) -> bool:
    session = getattr(request, "session", None)
    record = session.get(SESSION_KEY) if session is not None else None
    user = getattr(request, "user", None)
    return (
        isinstance(record, dict)
        and user is not None
        and user.is_authenticated
        and record.get("user") == str(user.pk)
    )
