import time

import pytest
import time_machine
from allauth.mfa.models import Authenticator
from allauth.mfa.recovery_codes.internal.auth import RecoveryCodes
from django.http import HttpResponse
from django.test import RequestFactory
from django.urls import reverse

from accounts.decorators import manager_required
from accounts.middleware import MFA_SETUP_MESSAGE
from accounts.models import Role
from tests.factories import DEFAULT_PASSWORD, UserFactory, enable_totp, totp_code

pytestmark = pytest.mark.django_db


def password_step(client, user):
    return client.post(
        reverse("account_login"), {"login": user.email, "password": DEFAULT_PASSWORD}
    )


def reauthenticate(client):
    """MFA changes ask for the password again, however recent the sign-in."""
    response = client.post(reverse("account_reauthenticate"), {"password": DEFAULT_PASSWORD})
    assert response.status_code == 302


def test_setting_up_totp_turns_on_mfa_and_creates_recovery_codes(client, uk_user):
    client.force_login(uk_user)
    assert client.get(reverse("mfa_activate_totp")).url.startswith(
        reverse("account_reauthenticate")
    )
    reauthenticate(client)
    page = client.get(reverse("mfa_activate_totp"))
    secret = page.context["form"].secret

    response = client.post(reverse("mfa_activate_totp"), {"code": totp_code(secret)})

    assert response.status_code == 302
    types = set(Authenticator.objects.filter(user=uk_user).values_list("type", flat=True))
    assert types == {Authenticator.Type.TOTP, Authenticator.Type.RECOVERY_CODES}


def test_a_wrong_code_does_not_turn_on_mfa(client, uk_user):
    client.force_login(uk_user)
    reauthenticate(client)
    client.get(reverse("mfa_activate_totp"))

    response = client.post(reverse("mfa_activate_totp"), {"code": "000000"})

    assert response.status_code == 200
    assert "There is a problem" in response.content.decode()
    assert not Authenticator.objects.filter(user=uk_user).exists()


def test_sign_in_with_totp_asks_for_the_code_after_the_password(client, uk_user):
    secret = enable_totp(uk_user)

    response = password_step(client, uk_user)
    assert response.url == reverse("mfa_authenticate")
    assert "_auth_user_id" not in client.session

    response = client.post(reverse("mfa_authenticate"), {"code": totp_code(secret)})

    assert response.status_code == 302
    assert client.session["_auth_user_id"] == str(uk_user.pk)


def test_sign_in_with_a_recovery_code_works_once(client, uk_user):
    enable_totp(uk_user)
    rc = Authenticator.objects.get(user=uk_user, type=Authenticator.Type.RECOVERY_CODES)
    code = RecoveryCodes(rc).get_unused_codes()[0]

    password_step(client, uk_user)
    response = client.post(reverse("mfa_authenticate"), {"code": code})
    assert response.status_code == 302
    assert client.session["_auth_user_id"] == str(uk_user.pk)

    client.logout()
    password_step(client, uk_user)
    again = client.post(reverse("mfa_authenticate"), {"code": code})
    assert again.status_code == 200
    assert "_auth_user_id" not in client.session


def test_a_wrong_totp_code_keeps_the_person_signed_out(client, uk_user):
    secret = enable_totp(uk_user)
    password_step(client, uk_user)

    with time_machine.travel(time.time() + 600, tick=False):
        stale = totp_code(secret, at=time.time() - 600)
        response = client.post(reverse("mfa_authenticate"), {"code": stale})

        assert response.status_code == 200
        assert "_auth_user_id" not in client.session


def test_a_programme_manager_without_mfa_is_sent_to_set_it_up(client, uk_institute):
    manager = UserFactory(institute=uk_institute, roles=[Role.PROGRAMME_MANAGER])
    client.force_login(manager)

    response = client.get(reverse("admin:index"), follow=True)

    assert response.redirect_chain[0][0] == reverse("mfa_activate_totp")
    assert MFA_SETUP_MESSAGE in response.content.decode()


def test_manager_pages_need_the_role_and_mfa(uk_institute):
    @manager_required
    def manager_page(request):
        return HttpResponse("queue")

    factory = RequestFactory()
    staff = UserFactory(institute=uk_institute)
    manager = UserFactory(institute=uk_institute, roles=[Role.PROGRAMME_MANAGER])

    def call(user):
        from django.contrib.messages.storage.fallback import FallbackStorage

        request = factory.get("/manager-page/")
        request.user = user
        request.session = {}
        request._messages = FallbackStorage(request)
        return manager_page(request)

    from django.http import Http404

    with pytest.raises(Http404):
        call(staff)
    assert call(manager).url == reverse("mfa_activate_totp")
    enable_totp(manager)
    manager = type(manager).objects.get(pk=manager.pk)
    assert call(manager).content == b"queue"


def test_an_admin_without_mfa_cannot_reach_the_admin(client, uk_institute):
    admin = UserFactory(institute=uk_institute, roles=[Role.INSTITUTE_ADMIN])
    client.force_login(admin)

    response = client.get(reverse("admin:accounts_user_changelist"))

    assert response.status_code == 302
    assert response.url == reverse("mfa_activate_totp")


def test_an_admin_with_mfa_reaches_the_admin_scoped_to_their_institute(
    client, uk_institute, au_user
):
    admin = UserFactory(institute=uk_institute, roles=[Role.INSTITUTE_ADMIN])
    colleague = UserFactory(institute=uk_institute)
    enable_totp(admin)
    client.force_login(admin)

    response = client.get(reverse("admin:accounts_user_changelist"))

    assert response.status_code == 200
    body = response.content.decode()
    assert colleague.email in body
    assert au_user.email not in body


@pytest.mark.parametrize("step", [-1, 0, 1])
def test_a_code_one_step_either_side_of_now_is_accepted(client, uk_user, step):
    """A code typed just as the 30-second step turns over (or from a phone a little fast
    or slow) still signs in: one step of drift either side (MFA_TOTP_TOLERANCE)."""
    boundary = 1_796_000_010  # a multiple of 30: a new step starts at this second
    with time_machine.travel(boundary, tick=False):
        secret = enable_totp(uk_user)
        password_step(client, uk_user)

        response = client.post(
            reverse("mfa_authenticate"), {"code": totp_code(secret, boundary + 30 * step)}
        )

        assert response.status_code == 302
        assert client.session["_auth_user_id"] == str(uk_user.pk)


def test_a_code_two_steps_away_is_refused(client, uk_user):
    """The tolerance is one step: a code from a minute ago no longer works."""
    boundary = 1_796_000_010
    with time_machine.travel(boundary, tick=False):
        secret = enable_totp(uk_user)
        password_step(client, uk_user)

        response = client.post(
            reverse("mfa_authenticate"), {"code": totp_code(secret, boundary - 60)}
        )

        assert response.status_code == 200
        assert "_auth_user_id" not in client.session
