from allauth.account.decorators import secure_admin_login
from django.contrib import admin
from django.urls import include, path

from portal import profile_views as account_views
from portal import views as portal_views
from portal.search import views as search_views
from programmes.views.calendar import calendar_feed

# The admin signs in through allauth, so its rate limits and MFA apply there too.
admin.site.login = secure_admin_login(admin.site.login)
admin.site.site_header = "Exchange Portal administration"
admin.site.site_title = "Exchange Portal admin"
admin.site.index_title = "Manage the portal"

urlpatterns = [
    path("", portal_views.home, name="home"),
    path("favicon.ico", portal_views.favicon, name="favicon"),
    path("healthz", portal_views.healthz, name="healthz"),
    path("readyz", portal_views.readyz, name="readyz"),
    path("search/", search_views.search, name="search"),
    path("accounts/profile/", account_views.profile, name="profile"),
    path(
        "accounts/profile/change/",
        account_views.profile_change_request,
        name="profile_change_request",
    ),
    path("accounts/tokens/", include("api.account_urls")),
    path("", include("records.urls")),
    path("accounts/", include("allauth.urls")),
    path("admin/", admin.site.urls),
    path("exchanges/", include("exchange.urls")),
    path("programmes/", include("programmes.urls")),
    path("documents/", include("handover.urls")),
    path("notifications/", include("notifications.urls")),
    path("discussion/", include("discussion.urls")),
    path("calendar/<str:token>.ics", calendar_feed, name="calendar_feed"),
    path("api/", include("api.urls")),
]

handler404 = "portal.views.page_not_found"
handler500 = "portal.views.server_error"
