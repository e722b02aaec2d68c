"""Checks an ID token the way OpenID Connect Core 1.0, section 3.1.3.7, asks.

allauth skips the signature check when the token came straight from the token endpoint
over TLS (the specification allows it). The portal checks it anyway: a token is accepted
only when it is signed by a key the provider publishes, with an algorithm the operator
allowed, for this client, by the configured issuer, unexpired, and carrying the nonce
this sign-in sent.
"""

import hmac

import jwt
from allauth.socialaccount.providers.oauth2.client import OAuth2Error

# Clocks of the portal and the provider may drift a little.
LEEWAY_SECONDS = 60


class IdTokenRejected(OAuth2Error):
    """The provider's ID token failed a check; the message says which, for the log."""


def _signing_key(jwks: dict, kid: str | None, alg: str):
    keys = [
        k for k in (jwks.get("keys") or []) if isinstance(k, dict) and k.get("use", "sig") == "sig"
    ]
    if kid is not None:
        keys = [k for k in keys if k.get("kid") == kid]
    if len(keys) != 1:
        raise IdTokenRejected(
            f"no single signing key with kid {kid!r} among the provider's published keys"
        )
    jwk = keys[0]
    if jwk.get("alg") not in (None, alg):
        raise IdTokenRejected(f"key {kid!r} is for {jwk['alg']}, the token says {alg}")
    try:
        return jwt.PyJWK(jwk, algorithm=alg).key
    except jwt.PyJWTError as exc:
        raise IdTokenRejected(f"the provider's key {kid!r} cannot check {alg}: {exc}") from exc


def id_token_verify(
    *,
    token: str,
    jwks: dict,
    issuer: str,
    client_id: str,
    algorithms: tuple[str, ...],
    nonce: str | None,
) -> dict:
    """The token's claims, or IdTokenRejected saying which check failed."""
    try:
        header = jwt.get_unverified_header(token)
    except jwt.PyJWTError as exc:
        raise IdTokenRejected("the ID token is not a signed JWT") from exc
    alg = header.get("alg")
    if alg not in algorithms:
        raise IdTokenRejected(f"the ID token is signed with {alg!r}, not {', '.join(algorithms)}")
    key = _signing_key(jwks, header.get("kid"), alg)
    try:
        claims = jwt.decode(
            token,
            key=key,
            algorithms=[alg],
            audience=client_id,
            issuer=issuer,
            leeway=LEEWAY_SECONDS,
            options={"require": ["iss", "sub", "aud", "exp", "iat"]},
        )
    except jwt.InvalidSignatureError as exc:
        raise IdTokenRejected("the ID token's signature does not match the provider's key") from exc
    except jwt.InvalidIssuerError as exc:
        raise IdTokenRejected(f"the ID token's issuer is not {issuer!r}") from exc
    except jwt.InvalidAudienceError as exc:
        raise IdTokenRejected(f"the ID token is not addressed to client {client_id!r}") from exc
    except jwt.PyJWTError as exc:
        raise IdTokenRejected(f"the ID token is not valid: {exc}") from exc
    audiences = claims["aud"] if isinstance(claims["aud"], list) else [claims["aud"]]
    azp = claims.get("azp")
    if (len(audiences) > 1 or azp is not None) and azp != client_id:
        raise IdTokenRejected(f"the ID token's authorised party is {azp!r}, not {client_id!r}")
    if not nonce or not hmac.compare_digest(str(claims.get("nonce", "")), nonce):
        raise IdTokenRejected("the ID token's nonce is not the one this sign-in sent")
    return claims
