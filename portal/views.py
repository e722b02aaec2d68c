import sys

from django.http import HttpResponseRedirect
from django.shortcuts import render
from django.templatetags.static import static
from django.urls import reverse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from accounts import access as accounts_access
from accounts.selectors import user_role_labels

from . import health, my_work, outage


def home(request):
    if not request.user.is_authenticated:
        return HttpResponseRedirect(reverse("account_login"))
    user = request.user
    context = {
        "roles": user_role_labels(user),
        "has_mfa": accounts_access.user_has_mfa(user),
        # An SSO sign-in whose provider reported MFA satisfies the rule for this session.
        "mfa_satisfied": accounts_access.request_has_mfa(request),
        "requires_mfa": accounts_access.user_requires_mfa(user),
        "sections": my_work.sections_for(user),
    }
    return render(request, "portal/home.html", context)


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


@require_GET
def favicon(request):
    """Browsers ask for /favicon.ico whatever the page says: send them to the icon."""
    response = HttpResponseRedirect(static("govuk/assets/images/favicon.ico"))
    response["Cache-Control"] = "public, max-age=86400"
    return response
