"""Service checks behind /healthz and /readyz, and who may read their details.

``/healthz`` checks the database, the cache and the Celery broker: it is for monitoring.
``/readyz`` checks only what a web process needs to serve pages, the database: it is for
the load balancer, which should keep sending people to a host while Redis is down (pages
still work then; see docs/operations.md).

Anyone may learn whether the portal is up. Which service failed, its backend and its error
are told only to a caller on this host (a loopback address, with no proxy header, so not a
visitor relayed by a reverse proxy on the same machine) or to one presenting
``HEALTHZ_TOKEN`` as ``Authorization: Bearer <token>``.
"""

import hmac
import ipaddress
import time
import uuid

from django.conf import settings
from django.core.cache import cache
from django.db import connection
from django.http import JsonResponse
from kombu import Connection

# Headers a reverse proxy adds: a request carrying one was relayed, whatever REMOTE_ADDR says.
PROXY_HEADERS = (
    "HTTP_X_FORWARDED_FOR",
    "HTTP_X_FORWARDED_PROTO",
    "HTTP_X_FORWARDED_HOST",
    "HTTP_X_REAL_IP",
    "HTTP_FORWARDED",
)


def _timed(check) -> dict:
    started = time.perf_counter()
    try:
        detail = check()
    except Exception as exc:  # noqa: BLE001 - any failure means the service is down
        return {
            "ok": False,
            "error": f"{type(exc).__name__}: {exc}"[:300],
            "ms": round((time.perf_counter() - started) * 1000, 1),
        }
    result = {"ok": True, "ms": round((time.perf_counter() - started) * 1000, 1)}
    result.update(detail or {})
    return result


def check_database() -> dict:
    def run():
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()

    result = _timed(run)
    result["backend"] = connection.vendor
    return result


def check_cache() -> dict:
    def run():
        # The shared store itself, not the fallback the portal uses while it is down.
        shared = getattr(cache, "shared_cache", cache)
        key = f"healthz:{uuid.uuid4().hex}"
        shared.set(key, "1", timeout=10)
        if shared.get(key) != "1":
            raise RuntimeError("value written was not read back")
        shared.delete(key)

    result = _timed(run)
    result["backend"] = settings.CACHES["default"]["BACKEND"].rsplit(".", 1)[-1]
    return result


def check_broker() -> dict:
    url = settings.CELERY_BROKER_URL
    transport_options = getattr(settings, "CELERY_BROKER_TRANSPORT_OPTIONS", {})

    def run():
        with Connection(url, connect_timeout=2, transport_options=transport_options) as conn:
            conn.ensure_connection(max_retries=1, timeout=2)
            transport = conn.transport_cls if isinstance(conn.transport_cls, str) else "amqp"
        return {"backend": transport}

    result = _timed(run)
    result.setdefault("backend", url.split("://", 1)[0])
    return result


def _summary(checks: dict) -> tuple[bool, dict]:
    down = [f"{name} ({c.get('backend', '?')})" for name, c in checks.items() if not c["ok"]]
    healthy = not down
    return healthy, {"status": "ok" if healthy else "unavailable", "down": down, "checks": checks}


def service_status() -> tuple[bool, dict]:
    """Every service the portal uses: the database, the cache and the broker."""
    return _summary(
        {"database": check_database(), "cache": check_cache(), "broker": check_broker()}
    )


def web_status() -> tuple[bool, dict]:
    """What a web process needs to serve pages: the database (Redis may be down)."""
    return _summary({"database": check_database()})


def may_see_details(request) -> bool:
    token = settings.HEALTHZ_TOKEN
    if token:
        given = request.headers.get("Authorization", "")
        scheme, _, value = given.partition(" ")
        if scheme.lower() == "bearer" and hmac.compare_digest(
            value.strip().encode(), token.encode()
        ):
            return True
    if any(header in request.META for header in PROXY_HEADERS):
        return False
    try:
        return ipaddress.ip_address(request.META.get("REMOTE_ADDR", "")).is_loopback
    except ValueError:
        return False


def health_response(request, healthy: bool, body: dict) -> JsonResponse:
    """200 or 503; the details only for those who may see them (see the module's doc)."""
    if not may_see_details(request):
        body = {"status": body["status"]}
    return JsonResponse(body, status=200 if healthy else 503)
