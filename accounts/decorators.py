from functools import wraps

from django.contrib.auth.decorators import login_required
from django.http import Http404

from .middleware import redirect_to_mfa_setup
from .selectors import request_has_mfa, user_is_programme_manager, user_requires_mfa


def mfa_enforced(view_func):
    """Signed in, and if the person is a manager or admin, MFA turned on."""

    @login_required
    @wraps(view_func)
    def wrapper(request, *args, **kwargs):
        if user_requires_mfa(request.user) and not request_has_mfa(request):
            return redirect_to_mfa_setup(request)
        return view_func(request, *args, **kwargs)

    return wrapper


def manager_required(view_func):
    """Programme managers only (404 for anyone else), with MFA turned on."""

    @login_required
    @wraps(view_func)
    def wrapper(request, *args, **kwargs):
        if not user_is_programme_manager(request.user):
            raise Http404
        if not request_has_mfa(request):
            return redirect_to_mfa_setup(request)
        return view_func(request, *args, **kwargs)

    return wrapper
