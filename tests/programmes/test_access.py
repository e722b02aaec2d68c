"""Programmes' access rules are each defined once (programmes/access.py) and every layer
asks them: pages, exports, the calendar feed, My work, services, other apps and reminders.

Each test changes one rule's answer and sees every layer follow it.
"""

import datetime

import pytest
from django.core.exceptions import PermissionDenied
from django.urls import reverse

from accounts.access import user_is_programme_manager
from accounts.models import User
from exchange.access import opportunities_managed_by
from handover.selectors import milestone_choices_for, project_choices_for
from notifications import rules
from programmes import access, selectors, services
from programmes.models import Milestone, Programme, Project
from tests.factories import UserFactory, enable_totp
from tests.programmes.conftest import body

pytestmark = pytest.mark.django_db


def nobody(model):
    return lambda user: model.objects.none()


def test_milestones_visible_to_is_the_one_rule(world, client, monkeypatch):
    """Hide every milestone: its page, the list, the exports, the calendar feed, My work and
    the handover app's link choices follow; the reminders re-check with the rule itself."""
    client.force_login(world.researcher)
    page = reverse("programmes:milestone_detail", args=[world.milestone.pk])
    assert client.get(page).status_code == 200
    token = services.calendar_feed_reset(user=world.researcher).token
    rule = access.milestones_visible_to
    monkeypatch.setattr(access, "milestones_visible_to", nobody(Milestone))

    assert client.get(page).status_code == 404
    assert list(client.get(reverse("programmes:milestone_list")).context["page_obj"]) == []
    csv = client.get(reverse("programmes:milestone_export_csv"))
    assert world.milestone.title not in b"".join(csv.streaming_content).decode()
    feed = body(client.get(reverse("calendar_feed", args=[token]))).decode()
    assert world.milestone.title not in feed
    (section,) = selectors.my_work_sections(world.researcher)
    assert section["items"] == []
    assert not milestone_choices_for(world.researcher).exists()
    assert rules.visibility_for(Milestone) is rule
    assert {r.visible_to for r in rules.all_rules() if r.model is Milestone} == {rule}


def test_projects_visible_to_is_the_one_rule(world, client, monkeypatch):
    """Hide every project: its page, the dashboard and the handover app's choices follow."""
    client.force_login(world.researcher)
    page = reverse("programmes:project_detail", args=[world.project.code])
    assert client.get(page).status_code == 200
    monkeypatch.setattr(access, "projects_visible_to", nobody(Project))

    assert client.get(page).status_code == 404
    assert not project_choices_for(world.researcher).exists()
    assert not selectors.programme_dashboard_projects(
        user=world.researcher, programme=world.programme
    ).exists()


def test_user_manages_programme_is_the_one_rule(world, client, monkeypatch):
    """Say no for the manager: pages stop offering changes and the services refuse."""
    client.force_login(world.manager)
    page = reverse("programmes:programme_detail", args=[world.programme.pk])
    assert client.get(page).context["manages"] is True
    monkeypatch.setattr(access, "user_manages_programme", lambda **kwargs: False)

    assert client.get(page).context["manages"] is False
    with pytest.raises(PermissionDenied):
        services.milestone_create(
            actor=world.manager,
            project=world.project,
            title="Refused",
            description="",
            owner=world.researcher,
            due_date=datetime.date(2027, 6, 30),
        )


def test_managing_follows_programme_managers_everywhere(world, client, au_institute):
    """Programme.managers is the one source: named through the service, a person manages
    the programme in programmes and in the exchange and holds the role; dropped from the
    last programme they manage, they lose all of it, role included."""
    person = UserFactory(institute=au_institute)
    enable_totp(person)
    services.programme_managers_set(programme=world.programme, managers=[world.manager, person])
    assert user_is_programme_manager(person)
    assert access.user_manages_programme(user=person, programme=world.programme)
    assert world.project in access.projects_managed_by(person)
    client.force_login(person)
    edit = reverse("programmes:project_edit", args=[world.project.code])
    assert client.get(edit).status_code == 200

    services.programme_managers_set(programme=world.programme, managers=[world.manager])
    person = User.objects.get(pk=person.pk)  # as the next request loads them
    assert not user_is_programme_manager(person)
    assert not access.user_manages_programme(user=person, programme=world.programme)
    assert not opportunities_managed_by(person).exists()
    assert client.get(edit).status_code == 404


def test_the_role_stays_while_another_programme_is_managed(world):
    """Dropped from one programme, a manager of another keeps the role."""
    services.programme_managers_set(
        programme=world.other_programme, managers=[world.other_manager, world.manager]
    )
    services.programme_managers_set(programme=world.other_programme, managers=[world.other_manager])
    assert user_is_programme_manager(User.objects.get(pk=world.manager.pk))


def test_a_superuser_manages_every_programme(world, client, uk_institute):
    """Superusers manage every programme (the rule the exchange already had): they may
    edit its projects in the portal, as the admin's actions rely on."""
    admin = UserFactory(institute=uk_institute, is_superuser=True, is_staff=True)
    enable_totp(admin)
    assert access.user_manages_programme(user=admin, programme=world.other_programme)
    assert set(access.projects_managed_by(admin)) == {world.project, world.other_project}
    client.force_login(admin)
    edit = reverse("programmes:project_edit", args=[world.other_project.code])
    assert client.get(edit).status_code == 200


def test_programmes_visible_to_is_the_one_rule(world, client, monkeypatch):
    """Hide every programme: the list is empty and the dashboard a 404."""
    client.force_login(world.researcher)
    page = reverse("programmes:programme_detail", args=[world.programme.pk])
    assert client.get(page).status_code == 200
    monkeypatch.setattr(access, "programmes_visible_to", nobody(Programme))

    assert client.get(page).status_code == 404
    assert list(client.get(reverse("programmes:programme_list")).context["page_obj"]) == []


def test_projects_managed_by_is_the_one_rule(world, client, monkeypatch):
    """Take the projects away from their manager: every manager page of the project 404s."""
    client.force_login(world.manager)
    urls = [
        reverse("programmes:project_edit", args=[world.project.code]),
        reverse("programmes:project_members", args=[world.project.code]),
        reverse("programmes:milestone_create", args=[world.project.code]),
    ]
    assert all(client.get(url).status_code == 200 for url in urls)
    monkeypatch.setattr(access, "projects_managed_by", nobody(Project))

    assert [client.get(url).status_code for url in urls] == [404, 404, 404]


def test_is_milestone_owner_is_the_one_rule(world, monkeypatch):
    """The status service asks the owner rule: refused there, the owner cannot move it."""
    monkeypatch.setattr(access, "is_milestone_owner", lambda **kwargs: False)
    with pytest.raises(PermissionDenied):
        services.milestone_complete(actor=world.researcher, milestone=world.milestone)
