"""Registering endpoints: by the admins of their institute, with a secret made here."""

from datetime import timedelta
from typing import Any
from urllib.parse import urlsplit

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.validators import URLValidator
from django.db import transaction
from django.utils import timezone

from accounts.models import Institute, User
from portal.events import EventType

from .. import access, signing
from ..models import URL_MAX_LENGTH, Endpoint

FIELDS = ("name", "url", "event_types", "is_active")


def http_allowed() -> bool:
    """Plain http only where ``WEBHOOKS_ALLOW_HTTP`` says so (it follows DEBUG)."""
    return bool(getattr(settings, "WEBHOOKS_ALLOW_HTTP", settings.DEBUG))


def validate_url(url: str) -> str:
    url = (url or "").strip()
    if not url:
        raise ValidationError({"url": "Enter the URL the portal should send events to."})
    if len(url) > URL_MAX_LENGTH:
        raise ValidationError({"url": f"The URL must be at most {URL_MAX_LENGTH} characters."})
    schemes = ["https", "http"] if http_allowed() else ["https"]
    try:
        URLValidator(schemes=schemes)(url)
    except ValidationError:
        raise ValidationError(
            {
                "url": "Enter a full https:// URL, like https://hr.example.org/portal-events."
                if "http" not in schemes
                else "Enter a full URL, like https://hr.example.org/portal-events."
            }
        ) from None
    if urlsplit(url).username or urlsplit(url).password:
        raise ValidationError({"url": "Do not put a user name or password in the URL."})
    return url


def validate_event_types(event_types) -> list[str]:
    chosen = list(event_types or [])
    unknown = [t for t in chosen if t not in EventType.values]
    if unknown or not chosen:
        raise ValidationError({"event_types": "Choose at least one event from the list."})
    return [t for t in EventType.values if t in chosen]  # in the list's order, once each


def _clean(fields: dict[str, Any]) -> dict[str, Any]:
    unknown = set(fields) - set(FIELDS)
    if unknown:
        raise TypeError(f"endpoint: unknown field(s) {', '.join(sorted(unknown))}")
    errors = {}
    cleaned = dict(fields)
    if "name" in fields:
        cleaned["name"] = (fields["name"] or "").strip()[:100]
        if not cleaned["name"]:
            errors["name"] = "Enter a name for this endpoint."
    for key, check in (("url", validate_url), ("event_types", validate_event_types)):
        if key in fields:
            try:
                cleaned[key] = check(fields[key])
            except ValidationError as exc:
                errors.update(exc.message_dict)
    if errors:
        raise ValidationError(errors)
    return cleaned


@transaction.atomic
def endpoint_create(*, actor: User, institute: Institute, **fields: Any) -> Endpoint:
    if not access.can_register_for(user=actor, institute=institute):
        raise PermissionDenied("Only an admin of this institute can register its endpoints.")
    cleaned = _clean(fields)
    if Endpoint.objects.filter(institute=institute, name=cleaned.get("name", "")).exists():
        raise ValidationError({"name": "Your institute already has an endpoint with this name."})
    return Endpoint.objects.create(
        institute=institute, secret=signing.new_secret(), created_by=actor, **cleaned
    )


@transaction.atomic
def endpoint_update(*, actor: User, endpoint: Endpoint, **fields: Any) -> Endpoint:
    """Change an endpoint; switching it on again clears its run of failures."""
    endpoint = Endpoint.objects.select_for_update().get(pk=endpoint.pk)
    if not access.can_manage_endpoint(user=actor, endpoint=endpoint):
        raise PermissionDenied("Only an admin of this institute can change its endpoints.")
    cleaned = _clean(fields)
    if (
        "name" in cleaned
        and Endpoint.objects.filter(institute=endpoint.institute_id, name=cleaned["name"])
        .exclude(pk=endpoint.pk)
        .exists()
    ):
        raise ValidationError({"name": "Your institute already has an endpoint with this name."})
    switched_on = cleaned.get("is_active") and not endpoint.is_active
    for key, value in cleaned.items():
        setattr(endpoint, key, value)
    if switched_on:
        endpoint.consecutive_failures = 0
        endpoint.disabled_at = None
        endpoint.disabled_reason = ""
    endpoint.save()
    return endpoint


@transaction.atomic
def endpoint_rotate_secret(*, actor: User, endpoint: Endpoint) -> Endpoint:
    """A new secret at once. For ``WEBHOOKS_SECRET_OVERLAP_HOURS`` deliveries are signed
    with the old one too, so the receiving system can move to the new one without
    refusing a delivery."""
    endpoint = Endpoint.objects.select_for_update().get(pk=endpoint.pk)
    if not access.can_manage_endpoint(user=actor, endpoint=endpoint):
        raise PermissionDenied("Only an admin of this institute can change its endpoints.")
    hours = float(getattr(settings, "WEBHOOKS_SECRET_OVERLAP_HOURS", 24))
    endpoint.previous_secret = endpoint.secret
    endpoint.previous_secret_until = timezone.now() + timedelta(hours=hours)
    endpoint.secret = signing.new_secret()
    endpoint.save(
        update_fields=["secret", "previous_secret", "previous_secret_until", "updated_at"]
    )
    return endpoint
