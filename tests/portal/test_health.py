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
