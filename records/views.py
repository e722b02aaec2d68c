"""A person's download of their own data, and the public pages the footer links to."""

from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.core.cache import cache
from django.http import FileResponse
from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.http import require_http_methods

from audit import services as audit_services
from audit.models import AuditEvent

from . import access, selectors, subject_access

RATE_WINDOW_SECONDS = 60 * 60


def _within_rate_limit(user) -> bool:
    """At most SUBJECT_ACCESS_PER_HOUR downloads in an hour, counted in the shared cache
    (so every web host counts together)."""
    key = f"records:my-data:{user.pk}"
    cache.add(key, 0, RATE_WINDOW_SECONDS)
    try:
        used = cache.incr(key)
    except ValueError:  # expired between add and incr
        cache.set(key, 1, RATE_WINDOW_SECONDS)
        used = 1
    return used <= settings.SUBJECT_ACCESS_PER_HOUR


@login_required
@require_http_methods(["GET", "POST"])
def my_data(request):
    user = request.user
    if request.method == "POST" and access.can_download_own_data(user):
        if not _within_rate_limit(user):
            return render(
                request,
                "records/my_data.html",
                {"limited": True, "per_hour": settings.SUBJECT_ACCESS_PER_HOUR},
                status=429,
            )
        archive = subject_access.build_archive(user)
        audit_services.record(
            event=AuditEvent.SUBJECT_ACCESS,
            actor=user,
            obj=user,
            request=request,
            summary="Downloaded everything the portal holds about them.",
        )
        stamp = timezone.now().strftime("%Y-%m-%d")
        response = FileResponse(
            archive,
            as_attachment=True,
            filename=f"exchange-portal-my-data-{stamp}.zip",
            content_type="application/zip",
        )
        response["Cache-Control"] = "private, no-store"
        return response
    return render(
        request,
        "records/my_data.html",
        {"sections": subject_access.sections(), "per_hour": settings.SUBJECT_ACCESS_PER_HOUR},
    )


def privacy(request):
    return render(request, "records/privacy.html", {"schedule": selectors.schedule_table()})


def accessibility(request):
    return render(request, "records/accessibility.html")


def cookies(request):
    return render(request, "records/cookies.html", {"cookies": selectors.cookies_set()})
