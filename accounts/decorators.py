from functools import wraps

from django.contrib.auth.decorators import login_required
from django.http import Http404

from . import access
from .middleware import redirect_to_mfa_setup


def mfa_enforced(view_func):
    """Signed in, and if the person is a manager or admin, MFA turned on."""

    @login_required
    @wraps(view_func)
    def wrapper(request, *args, **kwargs):
        if access.user_requires_mfa(request.user) and not access.request_has_mfa(request):
            return redirect_to_mfa_setup(request)
        return view_func(request, *args, **kwargs)

    return wrapper


def manager_required(view_func):
    """Programme managers only (404 for anyone else), with MFA turned on."""

    @login_required
    @wraps(view_func)
    def wrapper(request, *args, **kwargs):
        if not access.user_is_programme_manager(request.user):
            raise Http404
        if not access.request_has_mfa(request):
            return redirect_to_mfa_setup(request)
        return view_func(request, *args, **kwargs)

    return wrapper
