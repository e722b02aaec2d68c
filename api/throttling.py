"""Rate limits, counted in the cache (Redis when configured, so shared by every web host).

The rates come from ``settings.API_RATE_LIMITS`` when each request is counted, so that
an operator (or a test) can change them without a restart of the throttle classes.
"""

from django.conf import settings
from rest_framework.throttling import AnonRateThrottle, SimpleRateThrottle, UserRateThrottle


class PersonRateThrottle(UserRateThrottle):
    scope = "person"

    def get_rate(self):
        return settings.API_RATE_LIMITS[self.scope]


class AnonymousRateThrottle(AnonRateThrottle):
    scope = "anonymous"

    def get_rate(self):
        return settings.API_RATE_LIMITS[self.scope]


class FailedTokenThrottle(SimpleRateThrottle):
    """Wrong tokens, counted by the caller's address at the anonymous rate: checked
    before a token is looked up, so guessing is slowed as well as hopeless."""

    scope = "anonymous"

    def get_rate(self):
        return settings.API_RATE_LIMITS[self.scope]

    def get_cache_key(self, request, view=None):
        return self.cache_format % {"scope": "failed_token", "ident": self.get_ident(request)}

    def blocked_for(self, request) -> float | None:
        """Seconds to wait if the caller has used up its wrong tokens, else None."""
        self.key = self.get_cache_key(request)
        self.now = self.timer()
        self.history = [t for t in self.cache.get(self.key, []) if t > self.now - self.duration]
        return self.wait() if len(self.history) >= self.num_requests else None

    def record(self, request) -> None:
        self.blocked_for(request)
        self.throttle_success()
