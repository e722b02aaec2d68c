"""Sign-in events reach the audit log through allauth's real flows (the test client posts
the same forms a browser does)."""

import datetime

import pytest
import time_machine
from allauth.mfa.models import Authenticator
from allauth.mfa.recovery_codes.internal.auth import RecoveryCodes
from django.urls import reverse

from audit.models import AuditEntry, AuditEvent
from tests.factories import DEFAULT_PASSWORD, UserFactory, enable_totp, totp_code

pytestmark = pytest.mark.django_db

NOW = datetime.datetime(2026, 11, 27, 10, 0, 5, tzinfo=datetime.UTC)


@pytest.fixture(autouse=True)
def clock():
    with time_machine.travel(NOW, tick=False) as traveller:
        yield traveller


def sign_in(client, email, password=DEFAULT_PASSWORD):
    return client.post(
        reverse("account_login"),
        {"login": email, "password": password},
        REMOTE_ADDR="203.0.113.9",
    )


def entries(event):
    return list(AuditEntry.objects.filter(event=event).order_by("pk"))


def test_signing_in_and_out_is_recorded_with_the_address(client, uk_user):
    """A sign-in names the person, their institute and the client's address."""
    response = sign_in(client, uk_user.email)
    assert response.status_code == 302

    (entry,) = entries(AuditEvent.SIGN_IN)
    assert (entry.actor, entry.institute, entry.ip) == (uk_user, uk_user.institute, "203.0.113.9")

    client.post(reverse("account_logout"))
    (out,) = entries(AuditEvent.SIGN_OUT)
    assert out.actor == uk_user


def test_a_failed_sign_in_is_recorded_for_the_account_and_its_institute(client, uk_user):
    """A wrong password: no actor (nobody signed in), the address tried, the account's
    institute so that its admins see it."""
    sign_in(client, uk_user.email, "wrong-password")

    (entry,) = entries(AuditEvent.SIGN_IN_FAILED)
    assert entry.actor is None
    assert entry.actor_label == uk_user.email
    assert (entry.object_type, entry.object_id) == ("accounts.user", str(uk_user.pk))
    assert entry.institute == uk_user.institute
    assert entry.ip == "203.0.113.9"
    assert not entries(AuditEvent.SIGN_IN)


def test_a_failed_sign_in_for_an_unknown_address_names_the_domains_institute(client, uk_institute):
    """No account: the address tried is recorded, against the institute of its domain."""
    domain = uk_institute.domains.first().domain
    sign_in(client, f"nobody@{domain}", "whatever-password")

    (entry,) = entries(AuditEvent.SIGN_IN_FAILED)
    assert entry.object_label == f"nobody@{domain}"
    assert entry.institute == uk_institute


def test_a_lock_out_is_recorded_once_however_many_attempts_are_refused(client, uk_user):
    """Five failures lock the address out (ACCOUNT_RATE_LIMITS); the refused attempts that
    follow write one lock-out entry, not one each."""
    for _ in range(5):
        sign_in(client, uk_user.email, "wrong-password")
    for _ in range(3):
        response = sign_in(client, uk_user.email, "wrong-password")

    assert "Too many failed" in response.content.decode()
    assert len(entries(AuditEvent.SIGN_IN_FAILED)) == 5
    (locked,) = entries(AuditEvent.LOCKED_OUT)
    assert locked.object_id == str(uk_user.pk)
    assert locked.institute == uk_user.institute


def reauthenticate(client):
    response = client.post(reverse("account_reauthenticate"), {"password": DEFAULT_PASSWORD})
    assert response.status_code == 302


def test_turning_two_factor_authentication_on_and_off_is_recorded(
    client, uk_user, django_capture_on_commit_callbacks
):
    """Adding an authenticator app (with its recovery codes) and removing it."""
    client.force_login(uk_user)
    reauthenticate(client)
    secret = client.get(reverse("mfa_activate_totp")).context["form"].secret
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("mfa_activate_totp"), {"code": totp_code(secret)})
    assert response.status_code == 302

    added = entries(AuditEvent.MFA_ADDED)
    assert [entry.new_values["method"] for entry in added] == [
        "Authenticator app",
        "Recovery codes",
    ]
    assert all(entry.actor == uk_user for entry in added)

    client.force_login(uk_user)
    reauthenticate(client)
    response = client.post(reverse("mfa_deactivate_totp"))
    assert response.status_code == 302
    assert not Authenticator.objects.filter(user=uk_user, type="totp").exists()
    removed = [entry.old_values["method"] for entry in entries(AuditEvent.MFA_REMOVED)]
    assert "Authenticator app" in removed


def test_a_recovery_code_used_to_sign_in_is_recorded(client, uk_user):
    """Signing in with a recovery code says so, with how many are left."""
    enable_totp(uk_user)
    rc = Authenticator.objects.get(user=uk_user, type=Authenticator.Type.RECOVERY_CODES)
    codes = RecoveryCodes(rc).get_unused_codes()

    sign_in(client, uk_user.email)
    response = client.post(reverse("mfa_authenticate"), {"code": codes[0]})

    assert response.status_code == 302
    (used,) = entries(AuditEvent.RECOVERY_CODE_USED)
    assert used.actor == uk_user
    assert f"{len(codes) - 1} recovery codes left" in used.summary
    assert entries(AuditEvent.SIGN_IN)


def test_a_wrong_two_factor_code_is_recorded(client, uk_user):
    """A refused code at sign-in names the account."""
    enable_totp(uk_user)

    sign_in(client, uk_user.email)
    client.post(reverse("mfa_authenticate"), {"code": "000000"})

    (failed,) = entries(AuditEvent.MFA_FAILED)
    assert failed.object_id == str(uk_user.pk)
    assert failed.institute == uk_user.institute
    assert not entries(AuditEvent.SIGN_IN)


def test_regenerating_recovery_codes_is_recorded(
    client, uk_user, django_capture_on_commit_callbacks
):
    """New recovery codes replace the old ones: recorded."""
    enable_totp(uk_user)
    client.force_login(uk_user)
    reauthenticate(client)

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("mfa_generate_recovery_codes"))

    assert response.status_code == 302
    (entry,) = entries(AuditEvent.RECOVERY_CODES_REGENERATED)
    assert entry.actor == uk_user


def test_changing_the_password_is_recorded(client, uk_user):
    """The event is recorded; the password itself never is."""
    client.force_login(uk_user)

    client.post(
        reverse("account_change_password"),
        {
            "oldpassword": DEFAULT_PASSWORD,
            "password1": "another-horse-battery",
            "password2": "another-horse-battery",
        },
    )

    (entry,) = entries(AuditEvent.PASSWORD_CHANGED)
    assert entry.actor == uk_user
    assert not AuditEntry.objects.filter(new_values__has_key="password").exists()


def test_a_person_signing_in_at_the_other_institute_is_not_in_this_institutes_log(
    client, au_institute
):
    """Sign-in entries belong to the person's institute."""
    au_person = UserFactory(institute=au_institute)
    sign_in(client, au_person.email)

    (entry,) = entries(AuditEvent.SIGN_IN)
    assert entry.institute == au_institute
