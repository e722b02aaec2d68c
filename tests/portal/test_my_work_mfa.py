"""My work's two-factor warning follows the same MFA rule as manager pages."""

import pytest
from django.urls import reverse

from accounts.models import Role
from accounts.sso.mfa import SESSION_KEY
from tests.factories import UserFactory, client_for

WARNING = "Your role needs two-factor authentication"


@pytest.fixture
def manager(uk_institute):
    return UserFactory(institute=uk_institute, roles=[Role.PROGRAMME_MANAGER])


def test_a_manager_without_mfa_is_warned(manager):
    """No MFA in the portal and none from the identity provider: warned."""
    page = client_for(manager).get(reverse("home")).content.decode()
    assert WARNING in page


def test_a_manager_whose_sso_sign_in_did_mfa_is_not_warned(manager):
    """An SSO sign-in whose provider reported MFA satisfies the rule for the session."""
    client = client_for(manager)
    session = client.session
    session[SESSION_KEY] = {"user": str(manager.pk), "provider": "uk"}
    session.save()

    page = client.get(reverse("home")).content.decode()

    assert WARNING not in page
    assert "Done at your institute" in page
