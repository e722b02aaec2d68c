from allauth.account.decorators import secure_admin_login
from django.contrib import admin
from django.urls import include, path

from accounts import views as account_views
from programmes import views as programme_views

# The admin signs in through allauth, so its rate limits and MFA apply there too.
admin.site.login = secure_admin_login(admin.site.login)
admin.site.site_header = "Exchange Portal administration"
admin.site.site_title = "Exchange Portal admin"
admin.site.index_title = "Manage the portal"

urlpatterns = [
    path("", account_views.home, name="home"),
    path("healthz", account_views.healthz, name="healthz"),
    path("readyz", account_views.readyz, name="readyz"),
    path("accounts/profile/", account_views.profile, name="profile"),
    path("accounts/", include("allauth.urls")),
    path("admin/", admin.site.urls),
    path("exchanges/", include("exchange.urls")),
    path("programmes/", include("programmes.urls")),
    path("documents/", include("handover.urls")),
    path("notifications/", include("notifications.urls")),
    path("calendar/<str:token>.ics", programme_views.calendar_feed, name="calendar_feed"),
]

handler404 = "accounts.views.page_not_found"
handler500 = "accounts.views.server_error"
