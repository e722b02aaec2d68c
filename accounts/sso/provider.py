"""allauth's ``openid_connect`` provider, made strict for the institutes' providers.

It replaces allauth's class through ``SOCIALACCOUNT_PROVIDERS["openid_connect"]
["provider_class"]``, so provider ids, URLs (``/accounts/oidc/<id>/login/``) and stored
accounts stay allauth's. What it adds:

- the discovery document must name the configured issuer;
- every ID token's signature, algorithm, issuer, audience, expiry and nonce are checked
  (allauth trusts a token fetched over TLS without checking its signature);
- a nonce is sent with every authorization request and must come back in the ID token;
- userinfo must be about the same subject as the ID token;
- a request cannot add scopes or authorization parameters of its own.
"""

import secrets

from allauth.account.models import EmailAddress
from allauth.core.internal.datakit import parse_bool_safely
from allauth.socialaccount.adapter import get_adapter
from allauth.socialaccount.providers.oauth2.client import OAuth2Error
from allauth.socialaccount.providers.openid_connect.provider import OpenIDConnectProvider
from allauth.socialaccount.providers.openid_connect.views import OpenIDConnectOAuth2Adapter

from .idtoken import id_token_verify
from .selectors import provider_configured


class InstituteOAuth2Adapter(OpenIDConnectOAuth2Adapter):
    # Set by the callback view from the state stashed when the sign-in began.
    expected_nonce: str | None = None

    @property
    def provider_settings(self) -> dict:
        config = provider_configured(self.provider_id)
        if config is None:
            raise OAuth2Error(f"provider {self.provider_id!r} is not configured")
        return config

    def _get_json(self, url: str, **kwargs) -> dict:
        with get_adapter().get_requests_session() as session:
            response = session.get(url, **kwargs)
            response.raise_for_status()
            data = response.json()
        if not isinstance(data, dict):
            raise OAuth2Error(f"{url} did not answer a JSON object")
        return data

    @property
    def openid_config(self) -> dict:
        if not hasattr(self, "_openid_config"):
            provider = self.get_provider()
            config = self._get_json(provider.server_url)
            issuer = provider.app.settings["server_url"]
            if config.get("issuer") != issuer:
                raise OAuth2Error(
                    f"the discovery document names issuer {config.get('issuer')!r}, "
                    f"not the configured {issuer!r}"
                )
            for key in ("authorization_endpoint", "token_endpoint", "jwks_uri"):
                if not isinstance(config.get(key), str):
                    raise OAuth2Error(f"the discovery document has no {key}")
            self._openid_config = config
        return self._openid_config

    def complete_login(self, request, app, token, **kwargs):
        id_token = kwargs["response"].get("id_token")
        if not id_token:
            raise OAuth2Error("the token response has no ID token")
        settings = self.provider_settings
        claims = id_token_verify(
            token=id_token,
            jwks=self._get_json(self.openid_config["jwks_uri"]),
            issuer=app.settings["server_url"],
            client_id=app.client_id,
            algorithms=tuple(settings["algorithms"]),
            nonce=self.expected_nonce,
        )
        data = {"id_token": claims}
        if self.openid_config.get("userinfo_endpoint"):
            userinfo = self._fetch_user_info(token.token)
            if str(userinfo.get("sub")) != str(claims["sub"]):
                raise OAuth2Error("userinfo is about another subject than the ID token")
            data["userinfo"] = userinfo
        return self.get_provider().sociallogin_from_response(request, data)


def merged_claims(data: dict) -> dict:
    """The ID token's claims with userinfo's on top (both are about the same subject)."""
    return {**(data.get("id_token") or {}), **(data.get("userinfo") or {})}


class InstituteProvider(OpenIDConnectProvider):
    oauth2_adapter_class = InstituteOAuth2Adapter
    # Its URLs come from accounts/sso/urls.py, in place of allauth's openid_connect ones.
    package = "accounts.sso"

    def get_scope_from_request(self, request):
        return self.get_scope()

    def get_auth_params_from_request(self, request, action):
        return self.get_auth_params()

    def redirect(self, request, process, next_url=None, data=None, **kwargs):
        nonce = secrets.token_urlsafe(32)
        auth_params = dict(kwargs.pop("auth_params", None) or self.get_auth_params())
        auth_params["nonce"] = nonce
        return super().redirect(
            request, process, next_url, data, auth_params=auth_params, nonce=nonce, **kwargs
        )

    def serialize(self) -> dict:
        # By provider id, not allauth's generic "openid_connect": two institutes' providers
        # may well have given the portal the same client id. A sign-in paused for the
        # portal's MFA code is found again by this.
        return {"id": self.app.provider_id, "app.client_id": self.app.client_id}

    def extract_common_fields(self, data):
        claims = merged_claims(data)
        email = str(claims.get("email") or "").strip().lower()
        return {"email": email or None, "name": claims.get("name")}

    def extract_email_addresses(self, data):
        claims = merged_claims(data)
        email = str(claims.get("email") or "").strip().lower()
        if not email:
            return []
        verified = parse_bool_safely(claims.get("email_verified"))
        return [EmailAddress(email=email, verified=verified, primary=True)]
