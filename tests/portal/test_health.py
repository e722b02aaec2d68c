import pytest
from django.urls import reverse

pytestmark = pytest.mark.django_db


def test_healthz_is_ok_on_the_configured_services(client):
    response = client.get(reverse("healthz"))

    body = response.json()
    assert response.status_code == 200, body
    assert body["status"] == "ok"
    assert set(body["checks"]) == {"database", "cache", "broker"}
    assert all(check["ok"] for check in body["checks"].values())


def test_healthz_is_ok_on_real_redis(client, settings, redis_url, postgres):
    settings.CELERY_BROKER_URL = redis_url
    settings.CELERY_BROKER_TRANSPORT_OPTIONS = {}
    settings.CACHES = {
        "default": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": redis_url}
    }

    body = client.get(reverse("healthz")).json()

    assert body["status"] == "ok"
    assert body["checks"]["broker"]["backend"] == "redis"
    assert body["checks"]["cache"]["backend"] == "RedisCache"
    assert body["checks"]["database"]["backend"] == "postgresql"


def test_healthz_names_redis_when_the_broker_is_unreachable(client, settings):
    settings.CELERY_BROKER_URL = "redis://127.0.0.1:1/0"
    settings.CELERY_BROKER_TRANSPORT_OPTIONS = {}

    response = client.get(reverse("healthz"))

    assert response.status_code == 503
    body = response.json()
    assert body["status"] == "unavailable"
    assert body["down"] == ["broker (redis)"]
    assert body["checks"]["database"]["ok"] and body["checks"]["cache"]["ok"]


def test_healthz_tells_a_proxied_caller_only_whether_the_portal_is_up(client, settings):
    """Through a reverse proxy (even one on this host) the world learns up or down, no more."""
    settings.CELERY_BROKER_URL = "redis://127.0.0.1:1/0"
    settings.CELERY_BROKER_TRANSPORT_OPTIONS = {}

    response = client.get(
        reverse("healthz"), HTTP_X_FORWARDED_FOR="203.0.113.9", HTTP_X_FORWARDED_PROTO="https"
    )

    assert response.status_code == 503
    assert response.json() == {"status": "unavailable"}


def test_healthz_hides_details_from_a_caller_on_another_host(client):
    """A caller that is not on the loopback interface sees only the status."""
    response = client.get(reverse("healthz"), REMOTE_ADDR="192.0.2.10")

    assert response.status_code == 200
    assert response.json() == {"status": "ok"}


def test_healthz_shows_details_to_a_caller_with_the_token(client, settings):
    """HEALTHZ_TOKEN as a bearer token opens the details from anywhere; a wrong one does not."""
    settings.HEALTHZ_TOKEN = "monitoring-secret-0123456789"
    url = reverse("healthz")
    remote = {"REMOTE_ADDR": "192.0.2.10", "HTTP_X_FORWARDED_FOR": "192.0.2.10"}

    right = client.get(url, HTTP_AUTHORIZATION="Bearer monitoring-secret-0123456789", **remote)
    wrong = client.get(url, HTTP_AUTHORIZATION="Bearer monitoring-secret-0123456780", **remote)

    assert set(right.json()["checks"]) == {"database", "cache", "broker"}
    assert wrong.json() == {"status": "ok"}


def test_healthz_token_is_off_when_not_configured(client, settings):
    """With no HEALTHZ_TOKEN set, no bearer value (not even an empty one) opens the details."""
    settings.HEALTHZ_TOKEN = ""

    response = client.get(
        reverse("healthz"), HTTP_AUTHORIZATION="Bearer ", REMOTE_ADDR="192.0.2.10"
    )

    assert response.json() == {"status": "ok"}


def test_readyz_stays_up_while_redis_is_down(client, settings):
    """The load balancer's check needs only the database: a broker outage leaves it at 200."""
    settings.CELERY_BROKER_URL = "redis://127.0.0.1:1/0"
    settings.CELERY_BROKER_TRANSPORT_OPTIONS = {}

    ready = client.get(reverse("readyz"))
    health = client.get(reverse("healthz"))

    assert ready.status_code == 200
    assert ready.json()["status"] == "ok"
    assert set(ready.json()["checks"]) == {"database"}
    assert health.status_code == 503


def test_healthz_reports_the_cache_down_even_though_pages_fall_back(client, settings):
    """The failsafe cache keeps pages working, but the health check asks Redis itself."""
    settings.CACHES = {
        "default": {
            "BACKEND": "config.cache.FailsafeRedisCache",
            "LOCATION": "redis://127.0.0.1:1/0",
            "OPTIONS": {"socket_connect_timeout": 1},
        }
    }

    body = client.get(reverse("healthz")).json()

    assert body["down"] == ["cache (FailsafeRedisCache)"]
    assert body["checks"]["cache"]["error"].startswith("ConnectionError")


def test_health_checks_are_not_redirected_to_https(settings, client):
    """Load balancers probe the web process over plain HTTP: no redirect for the checks."""
    settings.SECURE_SSL_REDIRECT = True

    assert client.get(reverse("healthz")).status_code == 200
    assert client.get(reverse("readyz")).status_code == 200
    assert client.get("/accounts/login/").status_code == 301
