from django.urls import include, path

from . import views

urlpatterns = [
    path("o/", include("oauth2_provider.urls", namespace="oauth2_provider")),
    path("login/", views.sign_in, name="login"),
    path("control/client/", views.client),
    path("control/person/", views.person),
]
