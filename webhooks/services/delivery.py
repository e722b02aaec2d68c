"""One attempt at a delivery: sign, POST, record; then done, try again later, or give up.

Attempts back off exponentially with jitter, up to ``WEBHOOKS_MAX_ATTEMPTS``. A delivery
that gives up counts as one failure of its endpoint; ``WEBHOOKS_DISABLE_AFTER`` failures
in a row switch the endpoint off and tell its institute's admins. A success resets the
count. Redirects are not followed (a moved endpoint is re-registered by its admins).
"""

import ipaddress
import json
import logging
import random
import socket
import time
import urllib.error
import urllib.request
from dataclasses import dataclass
from datetime import timedelta
from urllib.parse import urlsplit

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from notifications.services import notify

from .. import access, signing
from ..models import Delivery, Endpoint

logger = logging.getLogger(__name__)

USER_AGENT = "ExchangePortal-Webhooks/1"


def max_attempts() -> int:
    return max(1, int(getattr(settings, "WEBHOOKS_MAX_ATTEMPTS", 6)))


def disable_after() -> int:
    return max(1, int(getattr(settings, "WEBHOOKS_DISABLE_AFTER", 5)))


def timeout_seconds() -> float:
    return float(getattr(settings, "WEBHOOKS_TIMEOUT_SECONDS", 10))


def backoff_seconds(attempts: int) -> float:
    """Wait before attempt ``attempts + 1``: base × 2^(attempts-1), capped, with jitter
    (between half and all of it), so that failing endpoints are not hit in step."""
    base = float(getattr(settings, "WEBHOOKS_BACKOFF_BASE_SECONDS", 30))
    cap = float(getattr(settings, "WEBHOOKS_BACKOFF_MAX_SECONDS", 3600))
    delay = min(cap, base * 2 ** max(0, attempts - 1))
    return delay * random.uniform(0.5, 1.0)  # noqa: S311 - jitter, not a secret


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


_opener = urllib.request.build_opener(_NoRedirect)


@dataclass
class Outcome:
    delivered: bool
    retry_in: float | None = None  # seconds until the next attempt, if any


def body_of(delivery: Delivery) -> bytes:
    return json.dumps(delivery.payload, separators=(",", ":"), sort_keys=True).encode()


def _refused_address(url: str) -> str:
    """Why the URL's host may not be reached: a loopback, private, link-local or reserved
    address (the portal's own network, a cloud metadata service) unless the operator
    allows them (``WEBHOOKS_ALLOW_PRIVATE_ADDRESSES``). Empty when it may."""
    if getattr(settings, "WEBHOOKS_ALLOW_PRIVATE_ADDRESSES", settings.DEBUG):
        return ""
    parts = urlsplit(url)
    try:
        infos = socket.getaddrinfo(parts.hostname, parts.port or 443, proto=socket.IPPROTO_TCP)
    except (OSError, UnicodeError) as exc:
        return f"Cannot resolve {parts.hostname}: {exc}"
    for info in infos:
        address = ipaddress.ip_address(info[4][0].split("%", 1)[0])
        if not address.is_global or address.is_multicast:
            return f"{parts.hostname} resolves to {address}, which is not a public address."
    return ""


def _post(endpoint: Endpoint, delivery: Delivery) -> tuple[int | None, str]:
    refused = _refused_address(endpoint.url)
    if refused:
        return None, refused
    body = body_of(delivery)
    timestamp = int(time.time())
    request = urllib.request.Request(  # noqa: S310 - the URL is an admin's http(s) endpoint
        endpoint.url,
        data=body,
        method="POST",
        headers={
            "Content-Type": "application/json",
            "User-Agent": USER_AGENT,
            signing.SIGNATURE_HEADER: signing.signature_header(
                secrets=endpoint.signing_secrets(timezone.now()), timestamp=timestamp, body=body
            ),
            signing.EVENT_ID_HEADER: str(delivery.event_id),
            signing.EVENT_TYPE_HEADER: delivery.event_type,
        },
    )
    try:
        with _opener.open(request, timeout=timeout_seconds()) as response:
            response.read(1024)
            return response.status, ""
    except urllib.error.HTTPError as exc:
        return exc.code, f"HTTP {exc.code} {exc.reason}"
    except (urllib.error.URLError, OSError, ValueError) as exc:
        reason = getattr(exc, "reason", exc)
        return None, f"{type(exc).__name__}: {reason}"


def _claim(delivery_id: int) -> Delivery | None:
    """Take the attempt, if it is due: a lease past the timeout keeps a second copy of the
    task (or the sweep) from sending it twice at once."""
    now = timezone.now()
    lease = now + timedelta(seconds=timeout_seconds() + 60)
    taken = Delivery.objects.filter(
        pk=delivery_id,
        status=Delivery.Status.PENDING,
        next_attempt_at__lte=now,
        endpoint__is_active=True,
    ).update(next_attempt_at=lease)
    if not taken:
        return None
    return Delivery.objects.select_related("endpoint__institute").get(pk=delivery_id)


def delivery_attempt(*, delivery_id: int) -> Outcome | None:
    """Make one attempt at the delivery, if it is still due; None when it was not."""
    delivery = _claim(delivery_id)
    if delivery is None:
        return None
    endpoint = delivery.endpoint
    started = time.monotonic()
    code, error = _post(endpoint, delivery)
    duration_ms = int((time.monotonic() - started) * 1000)
    ok = code is not None and 200 <= code < 300
    now = timezone.now()
    delivery.attempts += 1
    delivery.last_attempt_at = now
    delivery.response_code = code
    delivery.duration_ms = duration_ms
    delivery.error = error[:500]
    if ok:
        delivery.status = Delivery.Status.DELIVERED
        delivery.delivered_at = now
        delivery.next_attempt_at = None
        outcome = Outcome(delivered=True)
    elif delivery.attempts < max_attempts():
        wait = backoff_seconds(delivery.attempts)
        delivery.next_attempt_at = now + timedelta(seconds=wait)
        outcome = Outcome(delivered=False, retry_in=wait)
    else:
        delivery.status = Delivery.Status.FAILED
        delivery.next_attempt_at = None
        outcome = Outcome(delivered=False)
    with transaction.atomic():
        delivery.save(
            update_fields=[
                "attempts", "last_attempt_at", "response_code", "duration_ms", "error",
                "status", "delivered_at", "next_attempt_at",
            ]
        )  # fmt: skip
        if ok:
            Endpoint.objects.filter(pk=endpoint.pk).update(consecutive_failures=0)
        elif delivery.status == Delivery.Status.FAILED:
            endpoint_failed(endpoint=endpoint, error=delivery.error)
    return outcome


@transaction.atomic
def endpoint_failed(*, endpoint: Endpoint, error: str) -> Endpoint:
    """Count a delivery that gave up; at the limit, switch the endpoint off and tell the
    admins of its institute (in the portal and by email, through notifications)."""
    endpoint = Endpoint.objects.select_for_update().select_related("institute").get(pk=endpoint.pk)
    endpoint.consecutive_failures += 1
    fields = ["consecutive_failures", "updated_at"]
    if endpoint.is_active and endpoint.consecutive_failures >= disable_after():
        endpoint.is_active = False
        endpoint.disabled_at = timezone.now()
        failures = endpoint.consecutive_failures
        in_a_row = "1 failed delivery" if failures == 1 else f"{failures} failed deliveries"
        endpoint.disabled_reason = (
            f"Switched off after {in_a_row} in a row. Last error: {error or 'none recorded'}"
        )[:300]
        fields += ["is_active", "disabled_at", "disabled_reason"]
        for admin in access.institute_admins(endpoint.institute):
            notify(
                recipient=admin,
                kind="webhook_endpoint_disabled",
                subject=f"Webhook endpoint “{endpoint.name}” was switched off after {in_a_row}",
                body=f"The portal could not deliver events to {endpoint.url}. "
                f"Last error: {error or 'none recorded'}. Fix the receiving system, then "
                "switch the endpoint on again in the admin; events raised while it was off "
                "are not sent.",
                url=endpoint.get_absolute_url(),
                about=endpoint,
            )
    endpoint.save(update_fields=fields)
    return endpoint


def deliveries_due(*, now=None, limit: int = 500) -> list[int]:
    """Pending deliveries whose attempt is due and whose task was lost (a broker outage,
    a worker killed mid-attempt): the sweep queues them again."""
    # A minute's grace: a queued attempt normally runs on time and needs no second copy.
    overdue = (now or timezone.now()) - timedelta(seconds=60)
    return list(
        Delivery.objects.filter(
            status=Delivery.Status.PENDING, next_attempt_at__lte=overdue, endpoint__is_active=True
        )
        .order_by("next_attempt_at")
        .values_list("pk", flat=True)[:limit]
    )


def deliveries_prune(*, now=None) -> int:
    """Forget finished deliveries older than ``WEBHOOKS_LOG_DAYS`` (the log's retention)."""
    now = now or timezone.now()
    days = int(getattr(settings, "WEBHOOKS_LOG_DAYS", 90))
    deleted, _ = Delivery.objects.filter(
        status__in=[Delivery.Status.DELIVERED, Delivery.Status.FAILED],
        created_at__lt=now - timedelta(days=days),
    ).delete()
    return deleted
