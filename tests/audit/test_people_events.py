"""Changes to people, institutes and roles, admin actions, downloads and custody are all
in the audit log, with who made them and the old and new values."""

import datetime

import pytest
import time_machine
from django.contrib.auth.models import Group
from django.urls import reverse

from accounts.models import Role
from accounts.services import user_grant_role, user_revoke_role
from audit.models import AuditEntry, AuditEvent
from tests.factories import InstituteFactory, UserFactory, enable_totp

pytestmark = pytest.mark.django_db

NOW = datetime.datetime(2026, 11, 27, 10, 0, tzinfo=datetime.UTC)


@pytest.fixture(autouse=True)
def clock():
    with time_machine.travel(NOW, tick=False) as traveller:
        yield traveller


def entries(event, **filters):
    return list(AuditEntry.objects.filter(event=event, **filters).order_by("pk"))


def superuser_client(client, institute):
    superuser = UserFactory(institute=institute, is_staff=True, is_superuser=True)
    enable_totp(superuser)
    client.force_login(superuser)
    return superuser


def test_a_profile_change_is_recorded_with_old_and_new_values(client, uk_user):
    """The person's own change: who, when, which fields, before and after."""
    client.force_login(uk_user)
    old_name = uk_user.full_name

    client.post(
        reverse("profile"),
        {"full_name": "Priya Shah", "job_title": "Lead", "time_zone": "Australia/Perth"},
        REMOTE_ADDR="192.0.2.44",
    )

    (entry,) = entries(AuditEvent.USER_CHANGED, object_id=str(uk_user.pk))
    assert entry.actor == uk_user
    assert entry.at == NOW
    assert entry.ip == "192.0.2.44"
    assert entry.old_values == {
        "full_name": old_name,
        "job_title": "Research Scientist",
        "time_zone": "",
    }
    assert entry.new_values == {
        "full_name": "Priya Shah",
        "job_title": "Lead",
        "time_zone": "Australia/Perth",
    }


def test_saving_a_profile_unchanged_records_nothing(client, uk_user):
    """Only changes are recorded."""
    client.force_login(uk_user)
    client.post(
        reverse("profile"),
        {"full_name": uk_user.full_name, "job_title": uk_user.job_title, "time_zone": ""},
    )

    assert not entries(AuditEvent.USER_CHANGED)


def test_roles_given_and_taken_are_recorded(uk_user):
    """Group membership (the portal's roles) is recorded both ways."""
    user_grant_role(user=uk_user, role=Role.PROGRAMME_MANAGER)
    user_revoke_role(user=uk_user, role=Role.PROGRAMME_MANAGER)

    (given,) = entries(AuditEvent.ROLE_ADDED, object_id=str(uk_user.pk))
    (taken,) = entries(AuditEvent.ROLE_REMOVED, object_id=str(uk_user.pk))
    assert given.new_values == {"role": "Programme managers"}
    assert taken.old_values == {"role": "Programme managers"}
    assert given.object_institute == uk_user.institute


def test_roles_cleared_from_the_group_side_are_recorded(uk_user):
    """Removing everyone from a group names each person."""
    group = Group.objects.create(name="Reviewers")
    group.user_set.add(uk_user)
    group.user_set.clear()

    assert [e.object_id for e in entries(AuditEvent.ROLE_ADDED)] == [str(uk_user.pk)]
    (removed,) = entries(AuditEvent.ROLE_REMOVED)
    assert removed.old_values == {"role": "Reviewers"} and removed.object_id == str(uk_user.pk)


def test_an_admin_changing_a_person_in_the_admin_is_recorded_twice_over(client, uk_institute):
    """The change itself (old and new values, by the admin) and the admin's own log
    entry both reach the audit log."""
    superuser = superuser_client(client, uk_institute)
    person = UserFactory(institute=uk_institute, nationality="GBR")
    url = reverse("admin:accounts_user_change", args=[person.pk])
    form = client.get(url).context["adminform"].form
    data = {k: v for k, v in form.initial.items() if v is not None and k != "password"}
    data.update(
        {
            "institute": uk_institute.pk,
            "nationality": "AUS",
            "groups": [],
            "user_permissions": [],
            "last_login_0": "",
            "last_login_1": "",
            "date_joined_0": "2026-11-01",
            "date_joined_1": "09:00:00",
        }
    )
    data = {k: v for k, v in data.items() if not isinstance(v, bool) or v}

    response = client.post(url, data)

    assert response.status_code == 302, response.context["adminform"].form.errors
    (changed,) = entries(AuditEvent.USER_CHANGED, object_id=str(person.pk))
    assert changed.actor == superuser
    assert (changed.old_values, changed.new_values) == (
        {"nationality": "GBR"},
        {"nationality": "AUS"},
    )
    (logged,) = entries(AuditEvent.ADMIN_ACTION)
    assert logged.actor == superuser
    assert (logged.object_type, logged.object_id) == ("accounts.user", str(person.pk))
    assert logged.object_institute == uk_institute
    assert "Changed" in logged.summary and "Nationality" in logged.summary


def test_deleting_several_records_at_once_in_the_admin_is_recorded_for_each(client, uk_institute):
    """The admin logs a bulk delete in one go (no save signal): each is still recorded."""
    superuser_client(client, uk_institute)
    groups = [Group.objects.create(name=f"Temporary {n}") for n in range(2)]

    response = client.post(
        reverse("admin:auth_group_changelist"),
        {"action": "delete_selected", "_selected_action": [g.pk for g in groups], "post": "yes"},
    )

    assert response.status_code == 302
    logged = entries(AuditEvent.ADMIN_ACTION)
    assert sorted(e.object_label for e in logged) == ["Temporary 0", "Temporary 1"]
    assert all(e.summary.startswith("Deleted") for e in logged)


def test_an_institutes_details_and_domains_changes_are_recorded(client):
    """Institutes: the fields that change, and email domains added or removed."""
    institute = InstituteFactory(uk=True)
    institute.time_zone = "Europe/Belfast"
    institute.save()
    institute.domains.create(domain="new.example.gov.uk")
    institute.domains.filter(domain="new.example.gov.uk").delete()

    changes = entries(AuditEvent.INSTITUTE_CHANGED, object_id=str(institute.pk))
    assert {"time_zone": "Europe/Belfast"} in [c.new_values for c in changes]
    assert {"domain": "new.example.gov.uk"} in [c.new_values for c in changes]
    assert {"domain": "new.example.gov.uk"} in [c.old_values for c in changes]
