"""A Redis cache that keeps the portal up when Redis is not.

The portal keeps nothing in the cache that it cannot lose: sessions live in the database,
and the cache holds allauth's rate-limit counters and its record of TOTP codes already
used. When Redis cannot be reached, each call falls back to a small cache in the web
process's own memory instead of failing the request, and Redis is tried again a few
seconds later. Pages keep working; the rate limits stay on but are counted by each web
process alone until Redis is back (docs/operations.md says why that is the chosen
trade-off). ``/healthz`` still reports the cache down: it checks Redis itself, through
:attr:`FailsafeRedisCache.shared_cache`.
"""

from __future__ import annotations

import logging
import time
from functools import cached_property

from django.core.cache.backends.base import DEFAULT_TIMEOUT
from django.core.cache.backends.locmem import LocMemCache
from django.core.cache.backends.redis import RedisCache
from redis.exceptions import ConnectionError as RedisConnectionError
from redis.exceptions import TimeoutError as RedisTimeoutError

logger = logging.getLogger(__name__)

UNREACHABLE = (RedisConnectionError, RedisTimeoutError)


class FailsafeRedisCache(RedisCache):
    """Django's ``RedisCache``, falling back to process memory while Redis is unreachable.

    ``OPTIONS["RETRY_SECONDS"]`` (default 5) is how long the fallback is used before Redis
    is tried again, so that an outage costs one failed connection per interval rather
    than one per cache call.
    """

    def __init__(self, server, params):
        options = dict(params.get("OPTIONS") or {})
        self.retry_seconds = float(options.pop("RETRY_SECONDS", 5))
        params = {**params, "OPTIONS": options}
        super().__init__(server, params)
        self._server = server
        self._params = params
        self._down_until = 0.0
        self._local = LocMemCache(
            f"failsafe:{server}",
            {
                "TIMEOUT": params.get("TIMEOUT", DEFAULT_TIMEOUT),
                "KEY_PREFIX": params.get("KEY_PREFIX", ""),
                "VERSION": params.get("VERSION", 1),
                "OPTIONS": {"MAX_ENTRIES": 10_000},
            },
        )

    @cached_property
    def shared_cache(self) -> RedisCache:
        """Redis itself, with no fallback: for the health check."""
        return RedisCache(self._server, self._params)

    @property
    def degraded(self) -> bool:
        return time.monotonic() < self._down_until

    def _call(self, name: str, *args, **kwargs):
        if not self.degraded:
            try:
                return getattr(super(), name)(*args, **kwargs)
            except UNREACHABLE as exc:
                self._down_until = time.monotonic() + self.retry_seconds
                logger.warning(
                    "Cache unreachable (%s: %s); using this process's memory for %ss.",
                    type(exc).__name__,
                    exc,
                    self.retry_seconds,
                )
        return getattr(self._local, name)(*args, **kwargs)

    def add(self, key, value, timeout=DEFAULT_TIMEOUT, version=None):
        return self._call("add", key, value, timeout, version=version)

    def get(self, key, default=None, version=None):
        return self._call("get", key, default, version=version)

    def set(self, key, value, timeout=DEFAULT_TIMEOUT, version=None):
        return self._call("set", key, value, timeout, version=version)

    def touch(self, key, timeout=DEFAULT_TIMEOUT, version=None):
        return self._call("touch", key, timeout, version=version)

    def delete(self, key, version=None):
        return self._call("delete", key, version=version)

    def get_many(self, keys, version=None):
        return self._call("get_many", keys, version=version)

    def has_key(self, key, version=None):
        return self._call("has_key", key, version=version)

    def incr(self, key, delta=1, version=None):
        return self._call("incr", key, delta, version=version)

    def set_many(self, data, timeout=DEFAULT_TIMEOUT, version=None):
        return self._call("set_many", data, timeout, version=version)

    def delete_many(self, keys, version=None):
        return self._call("delete_many", keys, version=version)

    def clear(self):
        return self._call("clear")
