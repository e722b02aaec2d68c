import re

import pytest
from allauth.account.models import EmailAddress
from django.core import mail
from django.urls import reverse

from accounts.adapter import UNKNOWN_DOMAIN_MESSAGE
from accounts.models import User
from tests.factories import DEFAULT_PASSWORD, UserFactory

pytestmark = pytest.mark.django_db


def signup(client, email, **extra):
    data = {
        "full_name": "Ada Lovelace",
        "email": email,
        "job_title": "Research Scientist",
        "password1": "a-long-and-unusual-passphrase",
        "password2": "a-long-and-unusual-passphrase",
    }
    data.update(extra)
    return client.post(reverse("account_signup"), data)


def test_signup_with_an_institute_domain_affiliates_the_person(client, uk_institute):
    """An institute-domain address joins the institute, unverified until the link."""
    response = signup(client, "Ada.Lovelace@UK-AISI.example.org")

    assert response.status_code == 302
    user = User.objects.get(email="ada.lovelace@uk-aisi.example.org")
    assert user.institute == uk_institute
    assert user.full_name == "Ada Lovelace"
    assert user.time_zone == "Europe/London"
    assert not EmailAddress.objects.get(user=user).verified
    assert len(mail.outbox) == 1
    assert "confirm-email" in mail.outbox[0].body


def test_signup_from_an_unknown_domain_is_refused_and_creates_nothing(client, uk_institute):
    """Anyone outside the institutes' domains is told who to ask, and no account is made."""
    response = signup(client, "someone@gmail.com")

    assert response.status_code == 200
    assert UNKNOWN_DOMAIN_MESSAGE in response.content.decode()
    assert "There is a problem" in response.content.decode()
    assert not User.objects.filter(email="someone@gmail.com").exists()
    assert mail.outbox == []


def test_signup_with_mismatched_passwords_shows_the_error_beside_the_field(client, uk_institute):
    response = signup(client, "grace@uk-aisi.example.org", password2="something-else-entirely")

    assert response.status_code == 200
    body = response.content.decode()
    assert 'id="id_password2-error"' in body
    assert not User.objects.filter(email="grace@uk-aisi.example.org").exists()


def test_an_unverified_person_cannot_sign_in(client, uk_institute):
    """Until the emailed link is followed, signing in only re-sends the confirmation."""
    user = UserFactory(institute=uk_institute, verified=False)
    EmailAddress.objects.create(user=user, email=user.email, verified=False, primary=True)

    response = client.post(
        reverse("account_login"), {"login": user.email, "password": DEFAULT_PASSWORD}
    )

    assert response.status_code == 302
    assert response.url == reverse("account_email_verification_sent")
    assert "_auth_user_id" not in client.session
    assert client.get(reverse("home")).status_code == 302


def test_following_the_emailed_link_verifies_and_signs_in(client, uk_institute):
    signup(client, "alan@uk-aisi.example.org")
    link = re.search(r"https?://\S+/confirm-email/\S+/", mail.outbox[0].body).group(0)
    path = link.split("://", 1)[1].split("/", 1)[1]

    response = client.post("/" + path)

    assert response.status_code == 302
    assert EmailAddress.objects.get(email="alan@uk-aisi.example.org").verified
    home = client.get(reverse("home"))
    assert home.status_code == 200
    assert "UK AI Security Institute" in home.content.decode()


def test_password_reset_sends_a_link_to_a_known_address(client, uk_user):
    response = client.post(reverse("account_reset_password"), {"email": uk_user.email})

    assert response.status_code == 302
    assert len(mail.outbox) == 1
    assert "password/reset/key" in mail.outbox[0].body


def test_the_home_page_shows_institute_roles_and_mfa_status(client, uk_user):
    client.force_login(uk_user)

    body = client.get(reverse("home")).content.decode()

    assert "UK AI Security Institute" in body
    assert "Staff" in body
    assert "Two-factor authentication" in body
    assert "Off" in body


def test_anonymous_visitors_are_sent_to_sign_in(client, db):
    response = client.get(reverse("home"))

    assert response.status_code == 302
    assert response.url == reverse("account_login")
    page = client.get(response.url)
    assert "Sign in to Exchange Portal" in page.content.decode()


def test_profile_rejects_a_blank_name_and_saves_nothing(client, uk_user):
    """A refused form changes nothing, not even the fields that were valid."""
    client.force_login(uk_user)
    before = (uk_user.full_name, uk_user.time_zone)

    response = client.post(
        reverse("profile"), {"full_name": "", "job_title": "", "time_zone": "Australia/Perth"}
    )

    assert response.status_code == 200
    assert response.context["form"].errors["full_name"]
    uk_user.refresh_from_db()
    assert (uk_user.full_name, uk_user.time_zone) == before


def test_profile_saves_time_zone_but_not_nationality(client, uk_user):
    """A person sets their own time zone; nationality is set by an admin, so a posted
    nationality is ignored (it would decide which documents they are released)."""
    client.force_login(uk_user)
    uk_user.nationality = "GBR"
    uk_user.save()

    response = client.post(
        reverse("profile"),
        {"full_name": "Priya Shah", "nationality": "aus", "time_zone": "Australia/Perth"},
    )

    assert response.status_code == 302
    uk_user.refresh_from_db()
    assert (uk_user.nationality, uk_user.time_zone) == ("GBR", "Australia/Perth")
    assert uk_user.effective_time_zone == "Australia/Perth"
