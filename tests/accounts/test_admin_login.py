import pytest
from django.urls import reverse

from accounts.models import Role
from tests.factories import DEFAULT_PASSWORD, UserFactory, enable_totp, totp_code

pytestmark = pytest.mark.django_db


def test_the_admin_login_goes_through_the_portal_sign_in(client):
    response = client.get(reverse("admin:index"), follow=True)

    final_url = response.redirect_chain[-1][0]
    assert final_url.startswith(reverse("account_login"))
    assert "next=%2Fadmin%2F" in final_url or "next=/admin/" in final_url
    assert "Sign in to Exchange Portal" in response.content.decode()


def test_the_admin_sign_in_asks_for_the_second_factor(client, uk_institute):
    admin = UserFactory(institute=uk_institute, roles=[Role.INSTITUTE_ADMIN])
    secret = enable_totp(admin)

    response = client.post(
        reverse("account_login") + "?next=/admin/",
        {"login": admin.email, "password": DEFAULT_PASSWORD, "next": "/admin/"},
    )
    assert response.url == reverse("mfa_authenticate")
    assert client.get(reverse("admin:index")).status_code == 302

    response = client.post(reverse("mfa_authenticate"), {"code": totp_code(secret)})
    assert response.url == "/admin/"
    assert client.get(reverse("admin:index")).status_code == 200


def test_repeated_failed_admin_sign_ins_are_rate_limited(client, uk_institute):
    admin = UserFactory(institute=uk_institute, roles=[Role.INSTITUTE_ADMIN])
    statuses = []
    for _ in range(7):
        response = client.post(
            reverse("account_login") + "?next=/admin/",
            {"login": admin.email, "password": "wrong-password", "next": "/admin/"},
        )
        statuses.append(response.status_code)

    assert statuses[:5] == [200] * 5
    assert 429 in statuses[5:] or "Too many failed login attempts" in response.content.decode()
    # Even the right password is refused while the limit holds.
    response = client.post(
        reverse("account_login"), {"login": admin.email, "password": DEFAULT_PASSWORD}
    )
    assert "_auth_user_id" not in client.session
