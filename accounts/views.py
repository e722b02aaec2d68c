import sys
from importlib import import_module

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpResponseRedirect
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from . import health, outage
from .forms import ProfileForm
from .selectors import user_has_mfa, user_requires_mfa, user_role_labels

# Apps that contribute to "My work": each may define selectors.my_work_items(user).
MY_WORK_APPS = ("exchange", "programmes", "handover", "notifications")


def my_work_sections(user) -> list[dict]:
    sections = []
    for app in MY_WORK_APPS:
        try:
            module = import_module(f"{app}.selectors")
        except ModuleNotFoundError:
            continue
        provider = getattr(module, "my_work_sections", None)
        if provider:
            sections.extend(provider(user))
    return sections


def home(request):
    if not request.user.is_authenticated:
        return HttpResponseRedirect(reverse("account_login"))
    user = request.user
    context = {
        "roles": user_role_labels(user),
        "has_mfa": user_has_mfa(user),
        "requires_mfa": user_requires_mfa(user),
        "sections": my_work_sections(user),
    }
    return render(request, "accounts/home.html", context)


@login_required
def profile(request):
    form = ProfileForm(request.POST or None, instance=request.user)
    if request.method == "POST" and form.is_valid():
        form.save()
        messages.success(request, "Your details have been saved.")
        return redirect("profile")
    return render(
        request,
        "accounts/profile.html",
        {"form": form, "roles": user_role_labels(request.user)},
    )


@require_GET
@never_cache
def healthz(request):
    return health.health_response(request, *health.service_status())


@require_GET
@never_cache
def readyz(request):
    return health.health_response(request, *health.web_status())


def page_not_found(request, exception=None):
    return render(request, "404.html", status=404)


def server_error(request):
    # Django calls this while handling the exception, so it is still the current one.
    if outage.is_database_outage(sys.exception()):
        return outage.service_unavailable(request)
    return render(request, "500.html", status=500)
