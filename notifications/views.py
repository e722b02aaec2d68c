from django.contrib import messages
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_GET, require_POST

from accounts.decorators import mfa_enforced
from portal.actions import posted, run_form
from portal.pagination import paginate

from . import services
from .forms import PreferencesForm
from .selectors import notification_list_for, notification_unread_count, preference_choices_for


@mfa_enforced
@require_GET
def notification_list(request):
    return render(
        request,
        "notifications/list.html",
        {
            "page_obj": paginate(request, notification_list_for(request.user)),
            "unread": notification_unread_count(request.user),
        },
    )


@mfa_enforced
@require_GET
def notification_open(request, pk: int):
    """Mark the notice read and go to what it is about."""
    notification = get_object_or_404(notification_list_for(request.user), pk=pk)
    services.notification_mark_read(user=request.user, notification=notification)
    if notification.url and url_has_allowed_host_and_scheme(
        notification.url, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return redirect(notification.url)
    return redirect("notifications:list")


@mfa_enforced
@require_POST
def notification_read(request, pk: int):
    notification = get_object_or_404(notification_list_for(request.user), pk=pk)
    services.notification_mark_read(user=request.user, notification=notification)
    messages.success(request, "Marked as read.")
    return redirect(_back_to_list(request))


@mfa_enforced
@require_POST
def notification_read_all(request):
    count = services.notification_mark_all_read(user=request.user)
    messages.success(
        request,
        f"{count} notification{'s' if count != 1 else ''} marked as read."
        if count
        else "You had no unread notifications.",
    )
    return redirect("notifications:list")


def _back_to_list(request) -> str:
    page = request.POST.get("page", "")
    url = reverse("notifications:list")
    return f"{url}?page={page}" if page.isdigit() else url


@mfa_enforced
def preferences(request):
    user = request.user
    form = PreferencesForm(
        posted(request),
        initial_choices=preference_choices_for(user),
        time_zone=user.time_zone,
    )
    done = run_form(
        request,
        form,
        lambda data: services.preferences_update(user=user, **data),
        success="Your notification settings have been saved.",
        then="notifications:preferences",
    )
    return done or render(request, "notifications/preferences.html", {"form": form})
