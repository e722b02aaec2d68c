from django.conf import settings
from django.urls import NoReverseMatch, reverse

from accounts.selectors import user_is_institute_admin, user_is_programme_manager

# (label, url name, who sees it). Items whose page does not exist yet are left out.
NAVIGATION = [
    ("My work", "home", "signed_in"),
    ("Exchanges", "exchange:opportunity_list", "signed_in"),
    ("Programmes", "programmes:programme_list", "signed_in"),
    ("Documents", "handover:document_list", "signed_in"),
    ("Notifications", "notifications:list", "signed_in"),
    ("Admin", "admin:index", "admin"),
]


def _visible(who: str, user) -> bool:
    if who == "admin":
        return user.is_staff
    if who == "manager":
        return user_is_programme_manager(user)
    return user.is_authenticated


def portal(request):
    user = getattr(request, "user", None)
    items = []
    if user is not None and user.is_authenticated:
        for label, url_name, who in NAVIGATION:
            if not _visible(who, user):
                continue
            try:
                url = reverse(url_name)
            except NoReverseMatch:
                continue
            active = request.path == url if url == "/" else request.path.startswith(url)
            item = {"label": label, "url": url, "active": active}
            if url_name == "notifications:list":
                from notifications.selectors import notification_unread_count

                item["count"] = notification_unread_count(user)
            items.append(item)
    return {
        "portal_name": settings.PORTAL_NAME,
        "navigation": items,
        "is_programme_manager": bool(user and user_is_programme_manager(user)),
        "is_institute_admin": bool(user and user_is_institute_admin(user)),
    }
