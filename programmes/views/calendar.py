"""The personal calendar: its settings page and the iCal feed behind a secret token."""

import hashlib
import itertools

from django.core.cache import cache
from django.http import Http404, HttpResponse, StreamingHttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils.cache import get_conditional_response
from django.views.decorators.http import require_GET

from accounts.decorators import mfa_enforced
from portal.actions import run_action

from .. import calendar_sources, exports, selectors, services


@mfa_enforced
def calendar_settings(request):
    if request.method == "POST":
        return run_action(
            request,
            lambda: services.calendar_feed_reset(user=request.user),
            success=lambda feed: (
                "Your calendar has a new address. The old address no longer works."
                if feed.replaced
                else "Your calendar address is ready. Add it to your calendar app."
            ),
            then="programmes:calendar_settings",
        )
    feed = selectors.calendar_feed_for(user=request.user)
    feed_url = (
        request.build_absolute_uri(reverse("calendar_feed", args=[feed.token])) if feed else None
    )
    return render(
        request, "programmes/calendar_settings.html", {"feed": feed, "feed_url": feed_url}
    )


FEED_FORMAT = "2"  # change when the feed's layout changes, so no old copy is served
FEED_CACHE_SECONDS = 7 * 24 * 3600
FEED_CACHE_MAX_BYTES = 4 * 1024 * 1024


def _feed_headers(response, etag: str):
    response["ETag"] = etag
    response["X-Content-Type-Options"] = "nosniff"
    # Calendar programs may keep a copy but must ask again (If-None-Match) before using it.
    response["Cache-Control"] = "private, no-cache"
    response["Referrer-Policy"] = "no-referrer"
    return response


def _stream_and_keep(chunks, key: str):
    """Hand the chunks on as they come and, if the whole feed stays small enough, keep
    it in the cache under its version."""
    kept, size = [], 0
    for chunk in chunks:
        if kept is not None:
            size += len(chunk)
            if size <= FEED_CACHE_MAX_BYTES:
                kept.append(chunk)
            else:
                kept = None
        yield chunk
    if kept is not None:
        cache.set(key, b"".join(kept), FEED_CACHE_SECONDS)


@require_GET
def calendar_feed(request, token: str):
    """The personal iCal feed. The token is the only credential, so any miss is a 404.

    One small query finds the feed's version; a calendar program asking with the ETag it
    has gets 304 while nothing changed, and otherwise the feed comes from the cache,
    or is streamed and kept there until something in it changes.
    """
    user = selectors.calendar_feed_owner(token=token)
    if user is None:
        raise Http404
    start, end = selectors.calendar_window(user=user)
    base_url = request.build_absolute_uri("/").rstrip("/")
    versions = [selectors.calendar_version(user=user)] + [
        source.version(user=user, start=start, end=end) for source in calendar_sources.sources()
    ]
    version = "|".join([FEED_FORMAT, token, base_url, *versions])
    digest = hashlib.sha256(version.encode()).hexdigest()[:32]
    etag = f'"{digest}"'
    not_modified = get_conditional_response(request, etag=etag)
    if not_modified is not None:
        return _feed_headers(not_modified, etag)
    key = f"programmes:ical:{user.pk}:{digest}"
    body = cache.get(key)
    if body is not None:
        response = HttpResponse(body, content_type="text/calendar; charset=utf-8")
    else:
        others = itertools.chain.from_iterable(
            source.events(user=user, start=start, end=end) for source in calendar_sources.sources()
        )
        chunks = exports.calendar_ics_stream(
            selectors.calendar_milestones(user=user), user=user, others=others, base_url=base_url
        )
        response = StreamingHttpResponse(
            _stream_and_keep(chunks, key), content_type="text/calendar; charset=utf-8"
        )
    response["Content-Disposition"] = 'inline; filename="milestones.ics"'
    return _feed_headers(response, etag)
