from importlib import import_module

from django.http import HttpResponseRedirect, JsonResponse
from django.shortcuts import render
from django.urls import reverse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from accounts.selectors import user_has_mfa, user_requires_mfa, user_role_labels

from .health import service_status

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
    return render(request, "portal/home.html", context)


@require_GET
@never_cache
def healthz(request):
    healthy, body = service_status()
    return JsonResponse(body, status=200 if healthy else 503)


def page_not_found(request, exception=None):
    return render(request, "404.html", status=404)


def server_error(request):
    return render(request, "500.html", status=500)
