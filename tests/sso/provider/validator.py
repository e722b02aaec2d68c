import base64
import json
import os
from pathlib import Path

from jwcrypto import jwk, jwt
from oauth2_provider.oauth2_validators import OAuth2Validator

from .models import Person


def _faults(request) -> dict:
    person = Person.objects.filter(user=request.user).first()
    return dict(person.faults) if person else {}


def _segment(value: str) -> dict:
    return json.loads(base64.urlsafe_b64decode(value + "=" * (-len(value) % 4)))


class Validator(OAuth2Validator):
    # Every claim a person has goes into their tokens, whatever the scopes.
    oidc_claim_scope = None

    def get_additional_claims(self, request):
        person = Person.objects.filter(user=request.user).first()
        return dict(person.claims) if person else {}

    def get_id_token_dictionary(self, token, token_handler, request):
        claims, expiration_time = super().get_id_token_dictionary(token, token_handler, request)
        faults = _faults(request)
        for name in ("iss", "aud"):
            if name in faults:
                claims[name] = faults[name]
        return claims, expiration_time

    def finalize_id_token(self, id_token, token, token_handler, request):
        signed = super().finalize_id_token(id_token, token, token_handler, request)
        if not _faults(request).get("sign_with_other_key"):
            return signed
        # The same header (so the same key id) and claims, signed with a key the
        # provider never published.
        header, claims, _ = signed.split(".")
        other = jwk.JWK.from_pem(Path(os.environ["IDP_OTHER_KEY"]).read_bytes())
        forged = jwt.JWT(header=_segment(header), claims=_segment(claims))
        forged.make_signed_token(other)
        return forged.serialize()
