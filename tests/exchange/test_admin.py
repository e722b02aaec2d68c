"""Admin screens render, and their actions go through the services' rules."""

import pytest
from django.contrib.admin.sites import site
from django.test import Client
from django.urls import reverse

from exchange.models import ChecklistTemplate, Opportunity, Secondment
from tests.factories import UserFactory, enable_totp

from .factories import OpportunityFactory


@pytest.fixture
def admin_client_mfa(world):
    admin = UserFactory(institute=world.uk, is_staff=True, is_superuser=True)
    enable_totp(admin)
    client = Client()
    client.force_login(admin)
    return client


@pytest.mark.parametrize(
    "model",
    ["opportunity", "application", "secondment", "checklistitem", "checklisttemplate"],
)
def test_admin_lists_search_and_change_pages_render(world, admin_client_mfa, model):
    application, secondment = world.accepted()
    objects = {
        "opportunity": world.au_opportunity,
        "application": application,
        "secondment": secondment,
        "checklistitem": secondment.checklist_items.first(),
        "checklisttemplate": ChecklistTemplate.objects.first(),
    }
    changelist = reverse(f"admin:exchange_{model}_changelist")
    assert admin_client_mfa.get(changelist).status_code == 200
    assert admin_client_mfa.get(changelist + "?q=Uma").status_code == 200
    obj = objects[model]
    assert (
        admin_client_mfa.get(reverse(f"admin:exchange_{model}_change", args=[obj.pk])).status_code
        == 200
    )
    assert (
        admin_client_mfa.get(reverse(f"admin:exchange_{model}_history", args=[obj.pk])).status_code
        == 200
    )


def test_the_admin_mark_ready_action_keeps_the_checklist_rule(world, admin_client_mfa):
    """The action runs the service: with mandatory items open nothing changes."""
    _, secondment = world.accepted()
    response = admin_client_mfa.post(
        reverse("admin:exchange_secondment_changelist"),
        {"action": "mark_ready", "_selected_action": [secondment.pk]},
        follow=True,
    )
    assert "cannot be ready while these mandatory checklist items are open" in (
        response.content.decode()
    )
    secondment.refresh_from_db()
    assert secondment.status == Secondment.Status.PLANNING


def test_the_admin_publish_action_uses_the_service(world, admin_client_mfa):
    draft = OpportunityFactory(
        programme=world.programme, host_institute=world.au, status=Opportunity.Status.DRAFT
    )
    admin_client_mfa.post(
        reverse("admin:exchange_opportunity_changelist"),
        {"action": "publish", "_selected_action": [draft.pk, world.au_opportunity.pk]},
    )
    draft.refresh_from_db()
    assert draft.status == "open" and draft.published_at is not None
    # The action is in the audit log (the admin's own log has no entry for actions).
    from audit.models import AuditEntry, AuditEvent

    (logged,) = AuditEntry.objects.filter(event=AuditEvent.ADMIN_ACTION, object_id=str(draft.pk))
    assert logged.object_type == "exchange.opportunity"
    assert logged.summary == "Admin action on opportunity: 1 published."


def test_statuses_are_read_only_in_the_admin():
    for model in (Opportunity, Secondment):
        assert "status" in site._registry[model].readonly_fields


def test_an_institute_admin_sees_only_their_institutes_records(world):
    """An admin at a third institute sees no UK–AU exchange records."""
    from django.contrib.auth.models import Permission

    world.accepted()
    admin = UserFactory(institute=world.other, is_staff=True)
    admin.user_permissions.set(Permission.objects.filter(content_type__app_label="exchange"))
    enable_totp(admin)
    client = Client()
    client.force_login(admin)
    for model in ("opportunity", "application", "secondment", "checklistitem"):
        response = client.get(reverse(f"admin:exchange_{model}_changelist"))
        assert response.status_code == 200
        assert response.context["cl"].result_count == 0, model
    uk_admin = UserFactory(institute=world.uk, is_staff=True)
    uk_admin.user_permissions.set(Permission.objects.filter(content_type__app_label="exchange"))
    enable_totp(uk_admin)
    client.force_login(uk_admin)
    response = client.get(reverse("admin:exchange_secondment_changelist"))
    assert response.context["cl"].result_count == 1
