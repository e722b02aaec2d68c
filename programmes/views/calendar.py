"""The personal calendar: its settings page and the iCal feed behind a secret token."""

from django.http import Http404, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from accounts.decorators import mfa_enforced
from portal.actions import run_action

from .. import exports, selectors, services


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


@require_GET
@never_cache
def calendar_feed(request, token: str):
    """The personal iCal feed. The token is the only credential, so any miss is a 404."""
    user = selectors.calendar_feed_owner(token=token)
    if user is None:
        raise Http404
    body = exports.calendar_ics(selectors.calendar_milestones(user=user), user=user)
    response = HttpResponse(body, content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = 'inline; filename="milestones.ics"'
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, no-store"
    response["Referrer-Policy"] = "no-referrer"
    return response
