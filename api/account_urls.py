"""Your API tokens, in the account area (/accounts/tokens/)."""

from django.urls import path

from .views import tokens

urlpatterns = [
    path("", tokens.token_list, name="api_tokens"),
    path("<int:pk>/revoke/", tokens.token_revoke, name="api_token_revoke"),
]
