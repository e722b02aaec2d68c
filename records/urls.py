from django.urls import path

from . import views

urlpatterns = [
    path("accounts/my-data/", views.my_data, name="my_data"),
    path("privacy/", views.privacy, name="privacy"),
    path("accessibility/", views.accessibility, name="accessibility"),
    path("cookies/", views.cookies, name="cookies"),
]
