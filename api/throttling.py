"""Rate limits, counted in the cache (Redis when configured, so shared by every web host).

The rates come from ``settings.API_RATE_LIMITS`` when each request is counted, so that
an operator (or a test) can change them without a restart of the throttle classes.
"""

from django.conf import settings
from rest_framework.throttling import AnonRateThrottle, UserRateThrottle


class PersonRateThrottle(UserRateThrottle):
    scope = "person"

    def get_rate(self):
        return settings.API_RATE_LIMITS[self.scope]


class AnonymousRateThrottle(AnonRateThrottle):
    scope = "anonymous"

    def get_rate(self):
        return settings.API_RATE_LIMITS[self.scope]
