from django.contrib import messages
from django.shortcuts import redirect
from django.urls import reverse

from .selectors import request_has_mfa, user_requires_mfa

MFA_SETUP_MESSAGE = (
    "Managers and administrators must turn on two-factor authentication before they can "
    "use manager pages or the admin. Set up an authenticator app to continue."
)


def redirect_to_mfa_setup(request):
    messages.warning(request, MFA_SETUP_MESSAGE)
    return redirect(reverse("mfa_activate_totp"))


class ManagerMFAMiddleware:
    """Sends a manager or admin without MFA from the admin to MFA set-up.

    Manager pages in the apps use ``accounts.decorators.manager_required``, which applies
    the same rule.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        admin_prefix = reverse("admin:index")
        if (
            request.path.startswith(admin_prefix)
            and request.user.is_authenticated
            and user_requires_mfa(request.user)
            and not request_has_mfa(request)
        ):
            return redirect_to_mfa_setup(request)
        return self.get_response(request)
