"""Creating, using and revoking personal access tokens."""

import datetime
import hashlib
import secrets

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone

from accounts import access as accounts_access

from . import access
from .models import PersonalAccessToken, TokenScope

TOKEN_PREFIX = "ep_"  # noqa: S105 (the visible start of every token, not a secret)
# The longest a token may live, and the choices offered.
EXPIRY_DAYS = (7, 30, 90, 180, 365)
MAX_EXPIRY_DAYS = max(EXPIRY_DAYS)
MAX_LIVE_TOKENS = 20
# last_used_at is written at most this often, not on every request.
LAST_USED_RESOLUTION = datetime.timedelta(minutes=1)


def hash_secret(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


def split_token(raw: str) -> tuple[str, str] | None:
    """``ep_<prefix>_<secret>`` as (prefix, secret), or None if it is not shaped so."""
    if not raw.startswith(TOKEN_PREFIX):
        return None
    prefix, sep, secret = raw[len(TOKEN_PREFIX) :].partition("_")
    if not sep or not prefix or not secret or len(prefix) > 16 or len(secret) > 100:
        return None
    return prefix, secret


@transaction.atomic
def token_create(
    *, actor, name: str, scope: str, expires_in_days: int, mfa_done: bool
) -> tuple[PersonalAccessToken, str]:
    """A new token for ``actor``; returns it and the whole token, which is never stored."""
    refusal = access.token_refusal(user=actor, mfa_done=mfa_done)
    if refusal:
        raise PermissionDenied(refusal)
    name = (name or "").strip()
    errors = {}
    if not name:
        errors["name"] = "Enter what the token is for."
    elif len(name) > 100:
        errors["name"] = "Name the token in 100 characters or fewer."
    if scope not in TokenScope.values:
        errors["scope"] = "Choose read only, or read and write."
    if expires_in_days not in EXPIRY_DAYS:
        errors["expires_in_days"] = "Choose how long the token lasts."
    if errors:
        raise ValidationError(errors)
    live = access.tokens_of(actor).filter(revoked_at__isnull=True, expires_at__gt=timezone.now())
    if live.count() >= MAX_LIVE_TOKENS:
        raise ValidationError(
            f"You already have {MAX_LIVE_TOKENS} active tokens. Revoke one you no longer use."
        )
    prefix = secrets.token_hex(4)
    while PersonalAccessToken.objects.filter(prefix=prefix).exists():
        prefix = secrets.token_hex(4)
    secret = secrets.token_urlsafe(32)
    now = timezone.now()
    token = PersonalAccessToken.objects.create(
        user=actor,
        name=name,
        prefix=prefix,
        secret_hash=hash_secret(secret),
        scope=scope,
        created_at=now,
        expires_at=now + datetime.timedelta(days=expires_in_days),
        created_with_mfa=mfa_done,
    )
    return token, f"{TOKEN_PREFIX}{prefix}_{secret}"


@transaction.atomic
def token_revoke(*, actor, token: PersonalAccessToken) -> PersonalAccessToken:
    """The token's person revokes it; an admin may too (from the admin, in their scope)."""
    token = PersonalAccessToken.objects.select_for_update().get(pk=token.pk)
    if token.user_id != actor.pk and not _admin_may_revoke(actor, token):
        raise PermissionDenied("You can revoke only your own tokens.")
    if token.revoked_at is None:
        token.revoked_at = timezone.now()
        token.save(update_fields=["revoked_at"])
    return token


def _admin_may_revoke(actor, token: PersonalAccessToken) -> bool:
    return accounts_access.user_is_institute_admin(actor) and (
        actor.is_superuser or token.user.institute_id == actor.institute_id
    )


def token_authenticate(raw: str) -> tuple[PersonalAccessToken | None, str]:
    """The token ``raw`` names and why it is refused ("" when it is accepted)."""
    parts = split_token(raw)
    invalid = (None, "This token is not valid.")
    if parts is None:
        return invalid
    prefix, secret = parts
    token = PersonalAccessToken.objects.select_related("user").filter(prefix=prefix).first()
    if token is None or not secrets.compare_digest(token.secret_hash, hash_secret(secret)):
        return invalid
    refusal = access.token_refusal_on_use(token)
    if refusal:
        return None, refusal
    _touch(token)
    return token, ""


def _touch(token: PersonalAccessToken) -> None:
    now = timezone.now()
    if token.last_used_at is None or now - token.last_used_at >= LAST_USED_RESOLUTION:
        PersonalAccessToken.objects.filter(pk=token.pk).update(last_used_at=now)
        token.last_used_at = now
