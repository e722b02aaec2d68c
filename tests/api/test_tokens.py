"""Personal access tokens: created on the account page and shown once, stored hashed,
used as a bearer token until they expire or are revoked; read-only ones change nothing;
managers' and admins' need MFA; admins see and revoke their institute's."""

import datetime
import re

import pytest
import time_machine
from django.core.exceptions import PermissionDenied, ValidationError
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from rest_framework.test import APIClient

from accounts.models import Role
from accounts.sso.mfa import SESSION_KEY
from api import services
from api.models import PersonalAccessToken
from tests.factories import UserFactory, client_for, enable_totp

from .conftest import TODAY, api_client, token_for

TOKEN = re.compile(r"ep_[0-9a-f]{8}_[A-Za-z0-9_-]{20,}")


def bearer(raw: str) -> APIClient:
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {raw}")
    return client


@pytest.fixture
def person(uk_institute):
    return UserFactory(institute=uk_institute)


def test_a_token_is_created_on_the_account_page_shown_once_and_stored_hashed(person):
    page = client_for(person)
    response = page.post(
        reverse("api_tokens"), {"name": "Report script", "scope": "read", "expires_in_days": "30"}
    )
    assert response.status_code == 200
    raw = TOKEN.search(response.content.decode()).group(0)
    assert response["Cache-Control"].startswith("max-age=0")

    token = PersonalAccessToken.objects.get(user=person)
    assert raw not in str(token.__dict__)
    assert token.secret_hash == services.hash_secret(raw.split("_", 2)[2])
    assert token.expires_at == token.created_at + datetime.timedelta(days=30)
    # Never shown again: the list shows its start only.
    again = page.get(reverse("api_tokens")).content.decode()
    assert raw not in again and f"ep_{token.prefix}_" in again

    me = bearer(raw).get("/api/v1/me/")
    assert me.status_code == 200 and me.json()["id"] == person.pk
    token.refresh_from_db()
    assert token.last_used_at is not None


def test_the_form_bounds_the_name_and_expiry(person):
    response = client_for(person).post(
        reverse("api_tokens"), {"name": "", "scope": "admin", "expires_in_days": "3650"}
    )
    page = response.content.decode()
    assert "Enter what the token is for." in page
    assert not PersonalAccessToken.objects.exists()
    with pytest.raises(ValidationError) as refused:
        services.token_create(
            actor=person, name="Forever", scope="read", expires_in_days=3650, mfa_done=False
        )
    assert "expires_in_days" in refused.value.message_dict


def test_a_revoked_token_is_refused(person):
    raw = token_for(person)
    token = PersonalAccessToken.objects.get(user=person)
    client_for(person).post(reverse("api_token_revoke", args=[token.pk]))

    response = bearer(raw).get("/api/v1/me/")

    assert response.status_code == 401
    assert response.json() == {"detail": "This token has been revoked."}


def test_no_one_else_may_revoke_a_token(person, uk_institute):
    token_for(person)
    token = PersonalAccessToken.objects.get(user=person)
    other = UserFactory(institute=uk_institute)
    assert client_for(other).post(reverse("api_token_revoke", args=[token.pk])).status_code == 404
    with pytest.raises(PermissionDenied):
        services.token_revoke(actor=other, token=token)
    token.refresh_from_db()
    assert token.revoked_at is None


def test_an_expired_token_is_refused(person):
    raw = token_for(person, days=7)
    assert bearer(raw).get("/api/v1/me/").status_code == 200
    with time_machine.travel(TODAY + datetime.timedelta(days=7, seconds=1)):
        response = bearer(raw).get("/api/v1/me/")
    assert response.status_code == 401
    assert "expired" in response.json()["detail"]


@pytest.mark.parametrize(
    "header",
    ["Bearer ep_00000000_nope", "Bearer", "Token abc", "Bearer a b", "Basic dXNlcjpwYXNz"],
)
def test_a_wrong_or_malformed_token_is_refused(person, header):
    token_for(person)
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=header)
    response = client.get("/api/v1/me/")
    assert response.status_code == 401
    assert response["WWW-Authenticate"] == 'Bearer realm="api"'


def test_a_wrong_secret_with_a_real_prefix_is_refused(person):
    raw = token_for(person)
    assert bearer(raw[:-4] + "AAAA").get("/api/v1/me/").status_code == 401


def test_a_switched_off_account_is_refused(person):
    raw = token_for(person)
    person.is_active = False
    person.save()
    assert bearer(raw).get("/api/v1/me/").status_code == 401


def test_a_read_only_token_reads_but_changes_nothing(world):
    client = api_client(world.uk_manager, scope="read")
    url = f"/api/v1/applications/{world.application.pk}/"
    assert client.get(url).status_code == 200

    response = client.post(url + "endorse/", {}, format="json")

    assert response.status_code == 403
    assert "read-only" in response.json()["detail"]
    world.application.refresh_from_db()
    assert world.application.status == "submitted"


def test_a_manager_needs_mfa_to_create_a_token(uk_institute):
    manager = UserFactory(institute=uk_institute, roles=[Role.PROGRAMME_MANAGER])
    page = client_for(manager)
    data = {"name": "Dashboards", "scope": "read", "expires_in_days": "30"}

    refused = page.post(reverse("api_tokens"), data).content.decode()
    assert "must turn on two-factor authentication" in refused
    assert not PersonalAccessToken.objects.exists()
    with pytest.raises(PermissionDenied):
        services.token_create(actor=manager, mfa_done=False, **{**data, "expires_in_days": 30})

    enable_totp(manager)
    created = page.post(reverse("api_tokens"), data)
    assert TOKEN.search(created.content.decode())
    assert PersonalAccessToken.objects.get(user=manager).created_with_mfa


def test_an_sso_sign_in_that_did_mfa_counts(uk_institute):
    admin = UserFactory(institute=uk_institute, roles=[Role.INSTITUTE_ADMIN])
    page = client_for(admin)
    session = page.session
    session[SESSION_KEY] = {"user": str(admin.pk), "provider": "uk"}
    session.save()
    response = page.post(
        reverse("api_tokens"), {"name": "Audit", "scope": "read", "expires_in_days": "7"}
    )
    assert TOKEN.search(response.content.decode())


def test_a_token_made_before_someone_became_a_manager_stops_working(person):
    """Created without MFA; once the role needs MFA, the token no longer signs them in."""
    raw = token_for(person, mfa_done=False)
    assert bearer(raw).get("/api/v1/me/").status_code == 200
    from accounts.services import user_grant_role

    user_grant_role(user=person, role=Role.PROGRAMME_MANAGER)

    response = bearer(raw).get("/api/v1/me/")
    assert response.status_code == 401
    assert "two-factor" in response.json()["detail"]


def test_admins_see_and_revoke_their_own_institutes_tokens_only(uk_institute, au_institute):
    uk_person = UserFactory(institute=uk_institute)
    au_person = UserFactory(institute=au_institute)
    token_for(uk_person)
    token_for(au_person)
    admin = UserFactory(institute=uk_institute, roles=[Role.INSTITUTE_ADMIN])
    enable_totp(admin)
    client = Client()
    client.force_login(admin)
    changelist = reverse("admin:api_personalaccesstoken_changelist")

    page = client.get(changelist).content.decode()
    au_token = PersonalAccessToken.objects.get(user=au_person)
    uk_token = PersonalAccessToken.objects.get(user=uk_person)
    assert uk_token.prefix in page and au_token.prefix not in page
    assert (
        client.get(reverse("admin:api_personalaccesstoken_change", args=[au_token.pk])).status_code
        == 302
    )
    assert client.get(reverse("admin:api_personalaccesstoken_add")).status_code == 403

    client.post(
        changelist,
        {"action": "revoke", "_selected_action": [uk_token.pk, au_token.pk]},
    )
    uk_token.refresh_from_db()
    au_token.refresh_from_db()
    assert uk_token.revoked_at is not None
    assert au_token.revoked_at is None
    assert timezone.now() >= uk_token.revoked_at
