"""The failsafe Redis cache: Redis when it answers, this process's memory when it does not."""

import pytest
from django.core.cache import caches
from django.test import Client

from config.cache import FailsafeRedisCache

UNREACHABLE = "redis://127.0.0.1:1/0"


def failsafe(location: str, **options) -> FailsafeRedisCache:
    return FailsafeRedisCache(
        location, {"OPTIONS": {"socket_connect_timeout": 1, "socket_timeout": 1, **options}}
    )


def test_an_unreachable_redis_falls_back_to_process_memory():
    """Reads and writes keep working (in memory) and the cache says it is degraded."""
    cache = failsafe(UNREACHABLE)

    assert cache.get("missing", "default") == "default"
    assert cache.degraded
    cache.set("key", "value", 30)
    assert cache.get("key") == "value"
    assert cache.add("lock", True, 10) is True
    assert cache.add("lock", True, 10) is False
    cache.set("counter", 1, 30)
    assert cache.incr("counter") == 2
    assert cache.get_many(["key", "nothing"]) == {"key": "value"}
    cache.delete("key")
    assert not cache.has_key("key")


def test_the_shared_cache_is_redis_itself_with_no_fallback():
    """The health check's view of the cache fails when Redis does."""
    from redis.exceptions import ConnectionError as RedisConnectionError

    cache = failsafe(UNREACHABLE)

    with pytest.raises(RedisConnectionError):
        cache.shared_cache.set("key", "value", 10)


def test_redis_is_used_again_once_it_answers(redis_url):
    """After the retry interval the next call goes to Redis, and what it holds is read."""
    cache = failsafe(redis_url, RETRY_SECONDS=0)
    cache._down_until = 10**12  # as if an outage had just been seen
    cache.set("during-outage", "local", 30)
    cache._down_until = 0

    cache.shared_cache.set("shared", "from-redis", 30)

    assert cache.get("shared") == "from-redis"
    assert not cache.degraded
    cache.shared_cache.delete("shared")


@pytest.mark.django_db
def test_sign_in_limits_still_hold_per_process_while_redis_is_down(settings, uk_user):
    """With Redis down the failed-sign-in limit is counted in memory: still enforced here."""
    settings.CACHES = {
        "default": {
            "BACKEND": "config.cache.FailsafeRedisCache",
            "LOCATION": UNREACHABLE,
            "OPTIONS": {"socket_connect_timeout": 1},
        }
    }
    caches["default"].clear()
    client = Client()
    answers = [
        client.post("/accounts/login/", {"login": uk_user.email, "password": "wrong-password-1"})
        for _ in range(6)
    ]

    assert all(a.status_code == 200 for a in answers)
    assert b"Too many failed login attempts" not in answers[0].content
    assert b"Too many failed login attempts" in answers[-1].content
