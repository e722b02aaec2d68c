"""The portal-wide rules (accounts/access.py) are asked by every app: the Django admin's
institute scope and the MFA policy."""

import pytest
from django.contrib.admin.sites import site
from django.test import RequestFactory
from django.urls import reverse

from accounts import access
from tests.factories import UserFactory, enable_totp

pytestmark = pytest.mark.django_db


def test_every_admin_list_follows_the_institute_scope(uk_institute, monkeypatch):
    """Every institute-scoped admin, in every app, asks in_admin_scope for its records."""
    admin_user = UserFactory(institute=uk_institute, is_staff=True, is_superuser=True)
    request = RequestFactory().get("/admin/")
    request.user = admin_user
    asked = []

    def scope(queryset, *, user, lookups):
        asked.append(queryset.model._meta.label)
        return queryset.none()

    monkeypatch.setattr(access, "in_admin_scope", scope)
    apps = {"accounts", "exchange", "programmes", "handover", "notifications"}
    # Shared by everyone, or for superusers only.
    unscoped = {
        "accounts.SingleSignOn",
        "exchange.ChecklistTemplate",
        "exchange.ClearanceRecognition",
    }
    scoped = {
        model._meta.label: model_admin
        for model, model_admin in site._registry.items()
        if model._meta.app_label in apps and model._meta.label not in unscoped
    }
    for model_admin in scoped.values():
        assert not model_admin.get_queryset(request).exists()
    assert sorted(asked) == sorted(scoped)


def test_manager_pages_and_the_admin_follow_the_mfa_policy(uk_institute, client, monkeypatch):
    """Require MFA of an ordinary person: staff pages send them to set it up."""
    person = UserFactory(institute=uk_institute)
    client.force_login(person)
    assert client.get(reverse("exchange:opportunity_list")).status_code == 200
    monkeypatch.setattr(access, "user_requires_mfa", lambda user: True)

    response = client.get(reverse("exchange:opportunity_list"))
    assert response.status_code == 302 and "/2fa/" in response["Location"]
    enable_totp(person)
    person.__dict__.pop("_portal_has_mfa", None)
    client.force_login(person)
    assert client.get(reverse("exchange:opportunity_list")).status_code == 200
