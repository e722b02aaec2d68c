"""``Authorization: Bearer <token>``: a personal access token signs its person in."""

from rest_framework import authentication, exceptions

from . import services
from .throttling import FailedTokenThrottle


class BearerTokenAuthentication(authentication.BaseAuthentication):
    keyword = "Bearer"

    def authenticate(self, request):
        header = authentication.get_authorization_header(request).decode("latin-1")
        if not header:
            return None
        failures = FailedTokenThrottle()
        wait = failures.blocked_for(request)
        if wait is not None:
            raise exceptions.Throttled(wait)
        keyword, _, raw = header.partition(" ")
        if keyword.lower() != self.keyword.lower() or not raw.strip() or " " in raw.strip():
            failures.record(request)
            raise exceptions.AuthenticationFailed(
                "Send your token as 'Authorization: Bearer <token>'."
            )
        token, refusal = services.token_authenticate(raw.strip())
        if token is None:
            failures.record(request)
            raise exceptions.AuthenticationFailed(refusal)
        return token.user, token

    def authenticate_header(self, request):
        return f'{self.keyword} realm="api"'
