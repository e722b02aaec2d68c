"""A manager signs in, is sent to set up two-factor authentication and is then sent on to
the page they asked for, without being asked for the password a second time."""

import pytest
import time_machine
from django.urls import reverse

from accounts.models import Role
from tests.factories import DEFAULT_PASSWORD, UserFactory, totp_code

pytestmark = pytest.mark.django_db

SIGN_IN_AT = "2026-08-03 09:00:00+00:00"


def _sign_in(client, user):
    response = client.post(
        reverse("account_login"), {"login": user.email, "password": DEFAULT_PASSWORD}
    )
    assert response.status_code == 302


def test_a_fresh_sign_in_is_not_asked_to_confirm_access(client, uk_institute):
    manager = UserFactory(institute=uk_institute, roles=[Role.PROGRAMME_MANAGER])
    with time_machine.travel(SIGN_IN_AT, tick=False) as clock:
        _sign_in(client, manager)
        clock.shift(10)
        response = client.get(reverse("mfa_activate_totp"))
        assert response.status_code == 200
        assert "form" in response.context

        # The sign-in ages like any confirmation: much later, the password is asked again.
        clock.shift(3600)
        response = client.get(reverse("mfa_activate_totp"))
        assert response.status_code == 302
        assert response.url.startswith(reverse("account_reauthenticate"))


def test_after_setting_up_mfa_the_manager_is_sent_on_to_where_they_were_going(client, uk_institute):
    manager = UserFactory(institute=uk_institute, roles=[Role.PROGRAMME_MANAGER])
    going = reverse("exchange:application_queue") + "?page=1"
    with time_machine.travel(SIGN_IN_AT, tick=False) as clock:
        _sign_in(client, manager)
        response = client.get(going)
        assert response.url == reverse("mfa_activate_totp")

        page = client.get(response.url)
        assert page.status_code == 200
        secret = page.context["form"].secret
        response = client.post(reverse("mfa_activate_totp"), {"code": totp_code(secret)})
        assert response.url == reverse("mfa_view_recovery_codes")

        codes = client.get(response.url).content.decode()
        assert "Continue to the page you asked for" in codes
        assert f'href="{going.replace("&", "&amp;")}"' in codes

        clock.shift(5)
        assert client.get(going).status_code == 200
        # Once there, the recovery codes page no longer offers to continue.
        codes = client.get(reverse("mfa_view_recovery_codes")).content.decode()
        assert "Continue to the page you asked for" not in codes
