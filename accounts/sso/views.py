"""The provider's sign-in and callback views (allauth's, with the portal's adapter)."""

from allauth.account.internal.decorators import login_not_required
from allauth.socialaccount.helpers import render_authentication_error
from allauth.socialaccount.models import SocialApp
from allauth.socialaccount.providers.oauth2.client import OAuth2Error
from allauth.socialaccount.providers.oauth2.views import OAuth2CallbackView, OAuth2LoginView
from django.http import Http404
from requests import RequestException

from .provider import InstituteOAuth2Adapter
from .selectors import sign_on_for_provider


class CallbackView(OAuth2CallbackView):
    def dispatch(self, request, *args, **kwargs):
        # RFC 9207: a provider that names itself in its answer must be the one configured,
        # which stops a mix-up between two providers early.
        issuer = request.GET.get("iss")
        if issuer is not None and issuer != self.adapter.get_provider().app.settings["server_url"]:
            raise OAuth2Error(f"the authorization response comes from issuer {issuer!r}")
        return super().dispatch(request, *args, **kwargs)

    def _get_state(self, request, provider):
        state, response = super()._get_state(request, provider)
        if state is not None:
            self.adapter.expected_nonce = state.get("nonce")
        return state, response


def _run(view_class, request, provider_id):
    if sign_on_for_provider(provider_id=provider_id) is None:
        raise Http404
    adapter = InstituteOAuth2Adapter(request, provider_id)
    try:
        return view_class.adapter_view(adapter)(request)
    except SocialApp.DoesNotExist as exc:
        raise Http404 from exc
    except (OAuth2Error, RequestException) as exc:
        # Discovery runs before allauth's own error handling: an unreachable or
        # misconfigured provider is a clear error page, never a server error.
        return render_authentication_error(request, adapter.get_provider(), exception=exc)


@login_not_required
def login(request, provider_id):
    return _run(OAuth2LoginView, request, provider_id)


@login_not_required
def callback(request, provider_id):
    return _run(CallbackView, request, provider_id)
