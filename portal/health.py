"""Service checks behind /healthz: the database, the cache and the Celery broker."""

import time
import uuid

from django.conf import settings
from django.core.cache import cache
from django.db import connection
from kombu import Connection


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
        return {"backend": connection.vendor}

    return _timed(run)


def check_cache() -> dict:
    def run():
        key = f"healthz:{uuid.uuid4().hex}"
        cache.set(key, "1", timeout=10)
        if cache.get(key) != "1":
            raise RuntimeError("value written was not read back")
        cache.delete(key)
        return {"backend": settings.CACHES["default"]["BACKEND"].rsplit(".", 1)[-1]}

    return _timed(run)


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


def service_status() -> tuple[bool, dict]:
    checks = {"database": check_database(), "cache": check_cache(), "broker": check_broker()}
    down = [f"{name} ({c.get('backend', '?')})" for name, c in checks.items() if not c["ok"]]
    healthy = not down
    return healthy, {"status": "ok" if healthy else "unavailable", "down": down, "checks": checks}
