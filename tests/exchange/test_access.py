"""The exchange's access rules are each defined once (exchange/access.py) and every layer
asks them: pages, downloads, lists, services, the handover app's links and the reminders.

Each test changes one rule's answer and sees every layer follow it; the registries are
checked to hold the rule itself, not a copy.
"""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from accounts.models import Institute
from exchange import access, selectors, services
from exchange.models import Application, ChecklistItem, Opportunity, Secondment
from handover.selectors import secondment_choices_for
from notifications import rules
from tests.factories import UserFactory, client_for, enable_totp


def nobody(model):
    return lambda user: model.objects.none()


def test_applications_visible_to_is_the_one_rule(world, monkeypatch):
    """Hide every application: its page, its CV, the lists and the queue all follow, and
    the reminders re-check with the same function."""
    application = world.submitted()
    manager = client_for(application.line_manager)
    page = reverse("exchange:application_detail", args=[application.pk])
    cv = reverse("exchange:application_cv", args=[application.pk])
    assert manager.get(page).status_code == 200
    rule = access.applications_visible_to
    monkeypatch.setattr(access, "applications_visible_to", nobody(Application))

    assert manager.get(page).status_code == 404
    assert manager.get(cv).status_code == 404
    assert client_for(application.applicant).get(page).status_code == 404
    assert not selectors.application_list_to_endorse(application.line_manager).exists()
    assert not selectors.application_list_mine(application.applicant).exists()
    assert rules.visibility_for(Application) is rule
    assert {r.visible_to for r in rules.all_rules() if r.model is Application} == {rule}


def test_applications_managed_by_is_the_one_rule(world, monkeypatch):
    """Take the pipeline away from a manager: the queue and what they see both follow."""
    application = world.endorsed()
    host_pm = world.host_pm_for(application)
    queue = client_for(host_pm).get(reverse("exchange:application_queue"))
    assert application in list(queue.context["page_obj"])
    monkeypatch.setattr(access, "applications_managed_by", nobody(Application))

    queue = client_for(host_pm).get(reverse("exchange:application_queue"))
    assert application not in list(queue.context["page_obj"])
    assert not access.applications_visible_to(host_pm).filter(pk=application.pk).exists()
    assert not selectors.applications_waiting_on(host_pm).filter(pk=application.pk).exists()


def test_can_decide_as_host_is_the_one_rule(world, monkeypatch):
    """Refuse the host manager: the page offers no decision and the service refuses."""
    application = world.endorsed()
    host_pm = world.host_pm_for(application)
    assert "accept" in selectors.application_actions_for(user=host_pm, application=application)
    monkeypatch.setattr(access, "can_decide_as_host", lambda **kwargs: False)

    assert "accept" not in selectors.application_actions_for(user=host_pm, application=application)
    with pytest.raises(PermissionDenied):
        services.application_accept(application=application, actor=host_pm)
    application.refresh_from_db()
    assert application.status == Application.Status.ENDORSED


def test_secondments_visible_to_is_the_one_rule(world, monkeypatch):
    """Hide every secondment: its page, its checklist, the list, the handover app's link
    choices and the checklist reminders follow; the registry holds the rule itself."""
    _, secondment = world.accepted()
    item = secondment.checklist_items.first()
    secondee = client_for(secondment.secondee)
    page = reverse("exchange:secondment_detail", args=[secondment.pk])
    item_page = reverse("exchange:checklist_item_update", args=[secondment.pk, item.pk])
    assert secondee.get(page).status_code == 200
    rule = access.secondments_visible_to
    monkeypatch.setattr(access, "secondments_visible_to", nobody(Secondment))

    assert secondee.get(page).status_code == 404
    assert secondee.get(item_page).status_code == 404
    assert list(secondee.get(reverse("exchange:secondment_list")).context["page_obj"]) == []
    assert not secondment_choices_for(secondment.secondee).exists()
    assert not access.checklist_items_visible_to(secondment.secondee).exists()
    assert rules.visibility_for(Secondment) is rule
    assert rules.visibility_for(ChecklistItem) is access.checklist_items_visible_to
    assert {r.visible_to for r in rules.all_rules() if r.model is Secondment} == {rule}


def test_can_manage_secondment_is_the_one_rule(world, monkeypatch):
    """Refuse the home manager: the page offers no step and the service refuses."""
    _, secondment = world.accepted()
    manager = secondment.home_manager
    assert "cancel" in selectors.secondment_actions_for(user=manager, secondment=secondment)
    monkeypatch.setattr(access, "can_manage_secondment", lambda **kwargs: False)

    assert "cancel" not in selectors.secondment_actions_for(user=manager, secondment=secondment)
    with pytest.raises(PermissionDenied):
        services.secondment_cancel(secondment=secondment, actor=manager, reason="No budget")


def test_opportunities_open_to_is_the_one_rule(world, monkeypatch):
    """Close every opportunity to a person: the list, the page's offer and the service."""
    staff = client_for(world.uk_staff)
    monkeypatch.setattr(access, "opportunities_open_to", nobody(Opportunity))

    assert list(staff.get(reverse("exchange:opportunity_list")).context["page_obj"]) == []
    apply = reverse("exchange:application_create", args=[world.au_opportunity.pk])
    assert staff.get(apply).status_code == 404
    with pytest.raises(ValidationError):
        world.draft()


def test_a_superuser_manages_every_programme_in_the_exchange(world):
    """One rule for superusers (programmes.access.user_manages_programme): they manage
    every programme, so the exchange's pages and services let them act as its manager."""
    admin = UserFactory(institute=world.other, is_superuser=True, is_staff=True)
    enable_totp(admin)
    draft = services.opportunity_create(
        actor=admin,
        programme=world.programme,
        host_institute=world.au,
        team="Evaluations",
        title="Superuser's draft",
        description="Made by a superuser.",
        location="Canberra",
        min_duration_months=3,
        max_duration_months=6,
        earliest_start=world.au_opportunity.earliest_start,
        closing_date=world.au_opportunity.closing_date,
    )
    assert draft in access.opportunities_managed_by(admin)
    manage = client_for(admin).get(reverse("exchange:opportunity_manage"))
    assert draft in list(manage.context["page_obj"])


def test_is_line_manager_is_the_one_rule(world, monkeypatch):
    """Refuse the named line manager: no endorse on the page, and the service refuses."""
    application = world.submitted()
    manager = application.line_manager
    assert "endorse" in selectors.application_actions_for(user=manager, application=application)
    monkeypatch.setattr(access, "is_line_manager", lambda **kwargs: False)

    assert "endorse" not in selectors.application_actions_for(user=manager, application=application)
    with pytest.raises(PermissionDenied):
        services.application_endorse(application=application, actor=manager)


def test_can_work_on_checklist_is_the_one_rule(world, monkeypatch):
    """Refuse the secondee: the checklist service no longer lets them work on an item."""
    _, secondment = world.accepted()
    item = secondment.checklist_items.get(key="travel")
    monkeypatch.setattr(access, "can_work_on_checklist", lambda **kwargs: False)

    with pytest.raises(PermissionDenied):
        services.checklist_item_update(item=item, actor=secondment.secondee, status="done")


def test_partner_institutes_of_is_the_one_rule(world, monkeypatch):
    """No partners: no open application page, no choice in the form, and the service refuses."""
    staff = client_for(world.uk_staff)
    assert staff.get(reverse("exchange:application_create_open")).status_code == 200
    monkeypatch.setattr(access, "partner_institutes_of", lambda user: Institute.objects.none())

    assert staff.get(reverse("exchange:application_create_open")).status_code == 404
    with pytest.raises(ValidationError):
        services.application_create(applicant=world.uk_staff, host_institute=world.au)


def test_opportunities_managed_by_is_the_one_rule(world, monkeypatch):
    """Take the opportunities away from a manager: their list, edit page and the
    publish button all follow."""
    manager = client_for(world.au_pm)
    edit = reverse("exchange:opportunity_edit", args=[world.au_opportunity.pk])
    assert manager.get(edit).status_code == 200
    monkeypatch.setattr(access, "opportunities_managed_by", nobody(Opportunity))

    assert manager.get(edit).status_code == 404
    assert list(manager.get(reverse("exchange:opportunity_manage")).context["page_obj"]) == []
    close = reverse("exchange:opportunity_status", args=[world.au_opportunity.pk, "close"])
    assert manager.post(close).status_code == 404
