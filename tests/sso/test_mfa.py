"""Managers and admins signing in through their institute: the provider's MFA counts
when its ID token says so (amr, or a configured acr); otherwise the portal's TOTP rules
apply as they do for a password sign-in."""

import re

import pytest
from django.urls import reverse

from accounts.middleware import MFA_SETUP_MESSAGE
from accounts.models import Role
from accounts.sso.mfa import SESSION_KEY
from tests.factories import DEFAULT_PASSWORD, UserFactory, enable_totp, totp_code
from tests.sso.idp import SSO_DOMAIN, signed_in_user_id, sso_settings, sso_sign_in

pytestmark = pytest.mark.django_db

MANAGER_PAGE = reverse("exchange:opportunity_manage")


@pytest.fixture
def manager(sso_institute):
    return UserFactory(
        email=f"manager@{SSO_DOMAIN}", institute=sso_institute, roles=[Role.PROGRAMME_MANAGER]
    )


@pytest.mark.parametrize("amr", [["pwd", "mfa"], ["pwd", "otp"], ["hwk"]])
def test_the_providers_mfa_lets_a_manager_use_manager_pages(client, sso, manager, amr):
    """A manager whose provider reports MFA (amr) is signed in without the portal's
    code and may use manager pages without setting up an authenticator app."""
    person = sso.add_person(email=manager.email, amr=amr)

    journey = sso_sign_in(client, person)

    assert journey.response["Location"] == reverse("home")
    assert signed_in_user_id(client) == str(manager.pk)
    assert client.get(MANAGER_PAGE).status_code == 200


def test_a_configured_acr_value_counts_as_mfa(client, settings, sso, manager):
    """An operator may name the acr values that mean MFA at their provider."""
    sso_settings(settings, sso, MFA_ACR="urn:example:loa:mfa, urn:example:loa:high")
    person = sso.add_person(email=manager.email, amr=["pwd"], acr="urn:example:loa:high")

    sso_sign_in(client, person)

    assert client.get(MANAGER_PAGE).status_code == 200


def test_without_the_providers_mfa_a_manager_must_set_up_totp(client, sso, manager):
    """A manager whose provider did not report MFA is signed in, but manager pages send
    them to set up the portal's authenticator app, as for a password sign-in."""
    person = sso.add_person(email=manager.email, amr=["pwd"], acr="urn:example:loa:low")

    sso_sign_in(client, person)

    assert signed_in_user_id(client) == str(manager.pk)
    response = client.get(MANAGER_PAGE, follow=True)
    assert response.redirect_chain[0][0] == reverse("mfa_activate_totp")
    assert MFA_SETUP_MESSAGE in response.content.decode()
    assert SESSION_KEY not in client.session


def test_an_admin_without_the_providers_mfa_is_kept_out_of_the_admin(client, sso, sso_institute):
    """The admin's MFA rule holds for a sign-in through the provider without MFA."""
    admin = UserFactory(
        email=f"admin@{SSO_DOMAIN}", institute=sso_institute, roles=[Role.INSTITUTE_ADMIN]
    )
    person = sso.add_person(email=admin.email)

    sso_sign_in(client, person)

    assert client.get(reverse("admin:index"))["Location"] == reverse("mfa_activate_totp")


def test_an_admin_with_the_providers_mfa_reaches_the_admin(client, sso, sso_institute):
    """The provider's MFA satisfies the admin's rule too."""
    admin = UserFactory(
        email=f"admin2@{SSO_DOMAIN}", institute=sso_institute, roles=[Role.INSTITUTE_ADMIN]
    )
    person = sso.add_person(email=admin.email, amr=["mfa"])

    sso_sign_in(client, person)

    assert client.get(reverse("admin:index")).status_code == 200


def test_without_the_providers_mfa_the_portals_code_is_asked_for(client, sso, manager):
    """A manager with the portal's TOTP turned on gives its code after the provider,
    when the provider did not report MFA; only then are they signed in."""
    secret = enable_totp(manager)
    person = sso.add_person(email=manager.email, amr=["pwd"])

    journey = sso_sign_in(client, person)

    assert journey.response["Location"] == reverse("mfa_authenticate")
    assert signed_in_user_id(client) is None
    response = client.post(reverse("mfa_authenticate"), {"code": totp_code(secret)})
    assert response.status_code == 302
    assert signed_in_user_id(client) == str(manager.pk)
    assert client.get(MANAGER_PAGE).status_code == 200


def test_with_the_providers_mfa_the_portals_code_is_not_asked_again(client, sso, manager):
    """MFA done at the provider is not repeated in the portal."""
    enable_totp(manager)
    person = sso.add_person(email=manager.email, amr=["pwd", "mfa"])

    journey = sso_sign_in(client, person)

    assert journey.response["Location"] == reverse("home")
    assert signed_in_user_id(client) == str(manager.pk)


def test_the_providers_mfa_does_not_outlive_a_password_sign_in(client, sso, manager):
    """The provider's MFA counts only for the session it signed in; a later password
    sign-in in the same browser does not inherit it."""
    person = sso.add_person(email=manager.email, amr=["mfa"])
    sso_sign_in(client, person)
    assert SESSION_KEY in client.session
    client.logout()

    client.post(reverse("account_login"), {"login": manager.email, "password": DEFAULT_PASSWORD})

    assert signed_in_user_id(client) == str(manager.pk)
    assert SESSION_KEY not in client.session
    assert client.get(MANAGER_PAGE)["Location"] == reverse("mfa_activate_totp")


def test_a_manager_without_a_password_can_set_up_totp(client, sso, manager, mailoutbox):
    """Someone who only ever signs in through the provider has no portal password, so
    setting up the authenticator app confirms it is them with a code sent by email."""
    manager.set_unusable_password()
    manager.save()
    person = sso.add_person(email=manager.email, amr=["pwd"])
    sso_sign_in(client, person)

    response = client.get(reverse("mfa_activate_totp"), follow=True)
    assert response.redirect_chain[-1][0].startswith(
        reverse("account_request_reauthentication_code")
    )
    response = client.post(
        response.redirect_chain[-1][0], {"recipient": manager.email}, follow=True
    )
    code = re.search(r"^([A-Z0-9]{4}-[A-Z0-9]{4})$", mailoutbox[-1].body, re.MULTILINE).group(1)
    response = client.post(response.redirect_chain[-1][0], {"code": code}, follow=True)
    assert response.redirect_chain[-1][0] == reverse("mfa_activate_totp")
    secret = response.context["form"].secret
    client.post(reverse("mfa_activate_totp"), {"code": totp_code(secret)})

    assert client.get(MANAGER_PAGE).status_code == 200
