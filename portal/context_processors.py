from django.conf import settings

from accounts import access as accounts_access

from .navigation import navigation_for


def portal(request):
    user = getattr(request, "user", None)
    signed_in = user is not None and user.is_authenticated
    return {
        "portal_name": settings.PORTAL_NAME,
        "support_email": settings.SUPPORT_EMAIL,
        "navigation": navigation_for(request) if signed_in else [],
        "is_programme_manager": bool(user and accounts_access.user_is_programme_manager(user)),
        "is_institute_admin": bool(user and accounts_access.user_is_institute_admin(user)),
    }
