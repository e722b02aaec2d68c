"""Signing a delivery: HMAC-SHA256 over ``<timestamp>.<body>`` with the endpoint's secret.

The receiver recomputes the signature from the ``X-Portal-Signature`` header's ``t`` and
the raw body, compares it in constant time, and refuses a timestamp too far from its own
clock (a replayed delivery). ``docs/api.md`` shows the receiver's side.
"""

import hashlib
import hmac
import secrets

SIGNATURE_HEADER = "X-Portal-Signature"
EVENT_ID_HEADER = "X-Portal-Event-Id"
EVENT_TYPE_HEADER = "X-Portal-Event-Type"
SECRET_PREFIX = "whsec_"  # noqa: S105 - a label, not a secret
DEFAULT_TOLERANCE_SECONDS = 300


def new_secret() -> str:
    return SECRET_PREFIX + secrets.token_urlsafe(32)


def signature(*, secret: str, timestamp: int, body: bytes) -> str:
    message = str(int(timestamp)).encode() + b"." + body
    return hmac.new(secret.encode(), message, hashlib.sha256).hexdigest()


def signature_header(*, secrets: list[str], timestamp: int, body: bytes) -> str:
    """``t=<timestamp>,v1=<hex>``, with one ``v1`` per secret (two while a rotated
    secret's overlap lasts)."""
    signed = ",".join(
        f"v1={signature(secret=secret, timestamp=timestamp, body=body)}" for secret in secrets
    )
    return f"t={int(timestamp)},{signed}"


def verify(
    *,
    secret: str,
    header: str,
    body: bytes,
    now: float,
    tolerance: int = DEFAULT_TOLERANCE_SECONDS,
) -> bool:
    """The receiver's check: a well-formed header, a recent timestamp, a matching v1."""
    items = [item.split("=", 1) for item in (header or "").split(",") if "=" in item]
    try:
        timestamp = int(dict(items)["t"])
    except (KeyError, ValueError):
        return False
    if abs(now - timestamp) > tolerance:
        return False
    expected = signature(secret=secret, timestamp=timestamp, body=body)
    return any(hmac.compare_digest(expected, value) for key, value in items if key == "v1")
