from django.contrib import messages
from django.shortcuts import redirect
from django.urls import reverse

from . import access

MFA_SETUP_MESSAGE = (
    "Managers and administrators must turn on two-factor authentication before they can "
    "use manager pages or the admin. Set up an authenticator app to continue."
)


# Where a person was going when sent to set up two-factor authentication: the recovery
# codes page, shown once it is on, offers to continue there.
MFA_NEXT_SESSION_KEY = "portal_mfa_next"


def redirect_to_mfa_setup(request):
    messages.warning(request, MFA_SETUP_MESSAGE)
    if request.method == "GET":
        request.session[MFA_NEXT_SESSION_KEY] = request.get_full_path()
    return redirect(reverse("mfa_activate_totp"))


class ManagerMFAMiddleware:
    """Sends a manager or admin without MFA from the admin to MFA set-up.

    Manager pages in the apps use ``accounts.decorators.manager_required``, which applies
    the same rule.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        going = request.session.get(MFA_NEXT_SESSION_KEY) if hasattr(request, "session") else None
        if going and going.split("?", 1)[0] == request.path:
            # They have arrived: the recovery codes page stops offering to continue.
            request.session.pop(MFA_NEXT_SESSION_KEY, None)
        admin_prefix = reverse("admin:index")
        if (
            request.path.startswith(admin_prefix)
            and request.user.is_authenticated
            and access.user_requires_mfa(request.user)
            and not access.request_has_mfa(request)
        ):
            return redirect_to_mfa_setup(request)
        return self.get_response(request)
