"""Superusers link an identity provider to an institute's domains in the admin."""

import pytest
from django.urls import reverse

from accounts.models import Role, SingleSignOn
from tests.factories import InstituteFactory, UserFactory, enable_totp
from tests.sso.idp import PROVIDER_ID, SSO_DOMAIN

pytestmark = pytest.mark.django_db

ADD_URL = reverse("admin:accounts_singlesignon_add")


@pytest.fixture
def superuser(client, uk_institute):
    user = UserFactory(institute=uk_institute, is_staff=True, is_superuser=True)
    enable_totp(user)
    client.force_login(user)
    return user


def post_form(client, institute, domains, **extra):
    data = {
        "institute": institute.pk,
        "provider_id": PROVIDER_ID,
        "domains": [d.pk for d in domains],
        "is_enabled": "on",
        **extra,
    }
    return client.post(ADD_URL, data)


def test_a_superuser_links_a_provider_to_an_institutes_domains(
    client, settings, superuser, sso_configured
):
    """The provider list comes from the environment; the domains are the institute's."""
    SingleSignOn.objects.all().delete()
    institute = sso_configured.institute
    domain = institute.domains.get(domain=SSO_DOMAIN)

    page = client.get(ADD_URL).content.decode()
    assert "https://login.aisi.example.gov.uk/o" in page
    response = post_form(client, institute, [domain])

    assert response.status_code == 302
    sign_on = SingleSignOn.objects.get()
    assert sign_on.provider_id == PROVIDER_ID
    assert list(sign_on.domains.all()) == [domain]
    assert sign_on.password_sign_in is False


def test_another_institutes_domain_is_refused(client, superuser, sso_configured):
    SingleSignOn.objects.all().delete()
    other = InstituteFactory(au=True, domains=["aisi.example.gov.au"])

    response = post_form(
        client, sso_configured.institute, [other.domains.get()], password_sign_in="on"
    )

    assert response.status_code == 200
    assert "belong to another institute" in response.content.decode()
    assert not SingleSignOn.objects.exists()


def test_a_provider_not_in_the_environment_cannot_be_chosen(client, superuser, sso_configured):
    SingleSignOn.objects.all().delete()
    institute = sso_configured.institute

    response = post_form(client, institute, list(institute.domains.all()), provider_id="made-up")

    assert response.status_code == 200
    assert not SingleSignOn.objects.exists()


def test_institute_admins_do_not_see_single_sign_on(client, sso_configured):
    """Who signs an institute's people in is decided by superusers only."""
    admin = UserFactory(institute=sso_configured.institute, roles=[Role.INSTITUTE_ADMIN])
    enable_totp(admin)
    client.force_login(admin)

    assert "Single sign-on" not in client.get(reverse("admin:index")).content.decode()
    assert client.get(ADD_URL).status_code == 403
    change = reverse("admin:accounts_singlesignon_change", args=[sso_configured.pk])
    assert client.get(change).status_code == 403


def test_allauths_social_applications_are_not_in_the_admin(client, superuser):
    """Providers and their secrets are never entered in the admin."""
    index = client.get(reverse("admin:index")).content.decode()

    assert "Social applications" not in index
    assert "Social application tokens" not in index
