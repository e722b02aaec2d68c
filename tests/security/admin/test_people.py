"""Issue 11, finding 1: institute admins manage their own institute's people and give
only the portal's roles; only superusers change superuser and staff flags, permissions or
institutes; no one changes their own roles."""

import pytest
from django.contrib.auth.models import Group, Permission
from django.urls import reverse

from accounts import access
from accounts.models import Role, User
from accounts.services import role_groups_ensure
from tests.factories import UserFactory

from .support import form_fields

pytestmark = pytest.mark.django_db


def change_url(user):
    return reverse("admin:accounts_user_change", args=[user.pk])


def test_an_institute_admin_cannot_make_themselves_superuser(world, uk_admin, as_user):
    """The flags are not on the form; a post that adds them changes nothing."""
    client = as_user(uk_admin)
    page = client.get(change_url(uk_admin))
    assert page.status_code == 200
    data = form_fields(page, "user_form")
    for field in ("is_superuser", "is_staff", "user_permissions", "groups", "institute"):
        assert field not in data, field
    data.update(
        is_superuser=["on"],
        is_staff=["on"],
        user_permissions=[str(p.pk) for p in Permission.objects.all()[:3]],
        groups=[],
        institute=[str(world.au.pk)],
        full_name=["Ulla Admin-Renamed"],
    )
    response = client.post(change_url(uk_admin), data)
    assert response.status_code == 302, response.content.decode()[:2000]
    uk_admin.refresh_from_db()
    assert uk_admin.full_name == "Ulla Admin-Renamed"
    assert not uk_admin.is_superuser
    assert uk_admin.institute_id == world.uk.pk
    assert not uk_admin.user_permissions.exists()
    assert uk_admin.groups.filter(name=Role.INSTITUTE_ADMIN.value).exists()


def test_an_institute_admin_creates_people_at_their_own_institute_only(world, uk_admin, as_user):
    client = as_user(uk_admin)
    page = client.get(reverse("admin:accounts_user_add"))
    assert page.status_code == 200
    assert 'name="institute"' not in page.content.decode()
    response = client.post(
        reverse("admin:accounts_user_add"),
        {
            "email": "new.person@example.org",
            "full_name": "New Person",
            "institute": str(world.au.pk),
            "password1": "a-long-Passphrase-42",
            "password2": "a-long-Passphrase-42",
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    created = User.objects.get(email="new.person@example.org")
    assert created.institute_id == world.uk.pk


def test_an_institute_admin_gives_only_the_portals_roles(world, uk_admin, as_user):
    """A role group is given through the service (an institute admin gets admin access);
    any other group is refused with the form's message."""
    custom = Group.objects.create(name="Can change everything")
    custom.permissions.set(Permission.objects.all())
    person = world.uk_staff
    client = as_user(uk_admin)
    data = form_fields(client.get(change_url(person)), "user_form")
    assert "user_permissions" not in data and "is_superuser" not in data

    response = client.post(change_url(person), {**data, "groups": [str(custom.pk)]})
    assert response.status_code == 200
    assert "Select a valid choice" in response.content.decode()
    assert not person.groups.exists()

    admins = Group.objects.get(name=Role.INSTITUTE_ADMIN.value)
    response = client.post(change_url(person), {**data, "groups": [str(admins.pk)]})
    assert response.status_code == 302
    person.refresh_from_db()
    assert list(person.groups.values_list("name", flat=True)) == [Role.INSTITUTE_ADMIN.value]
    assert person.is_staff and not person.is_superuser


def test_no_one_changes_their_own_roles(world, superuser, as_user):
    """Not even a superuser: their groups and flags are read-only on their own record."""
    client = as_user(superuser)
    data = form_fields(client.get(change_url(superuser)), "user_form")
    for field in ("groups", "is_superuser", "is_staff", "is_active", "user_permissions"):
        assert field not in data, field
    admins = Group.objects.get_or_create(name=Role.INSTITUTE_ADMIN.value)[0]
    response = client.post(
        change_url(superuser), {**data, "groups": [str(admins.pk)], "is_superuser": []}
    )
    assert response.status_code == 302
    superuser.refresh_from_db()
    assert superuser.is_superuser and not superuser.groups.exists()
    # A superuser still changes other people's flags and institute.
    page = client.get(change_url(world.uk_staff)).content.decode()
    assert 'name="is_superuser"' in page and 'name="institute"' in page


def test_an_institute_admin_manages_neither_the_other_institute_nor_superusers(
    world, uk_admin, superuser, as_user
):
    client = as_user(uk_admin)
    for person in (world.au_staff, superuser):
        response = client.get(change_url(person))
        assert response.status_code == 302 and response["Location"] == reverse("admin:index")
        password = reverse("admin:auth_user_password_change", args=[person.pk])
        assert client.get(password).status_code == 404
    listed = client.get(reverse("admin:accounts_user_changelist")).context["cl"].result_count
    assert listed == User.objects.filter(institute=world.uk, is_superuser=False).count()


def test_the_institute_admin_role_has_no_say_over_groups_or_permissions(db):
    group = role_groups_ensure()[Role.INSTITUTE_ADMIN.value]
    labels = {f"{p.content_type.app_label}.{p.codename}" for p in group.permissions.all()}
    assert not {label for label in labels if label.startswith("auth.")}
    assert "accounts.view_institute" in labels
    assert "accounts.change_institute" not in labels


def test_the_rule_is_one_place(world, uk_admin, superuser):
    """accounts.access answers for every layer of the user admin."""
    assert access.can_manage_person(user=uk_admin, person=world.uk_staff)
    assert not access.can_manage_person(user=uk_admin, person=world.au_staff)
    assert not access.can_manage_person(user=uk_admin, person=superuser)
    assert access.person_fields_locked_for(user=uk_admin, person=world.uk_staff) >= {
        "is_superuser",
        "is_staff",
        "user_permissions",
        "institute",
    }
    assert "groups" in access.person_fields_locked_for(user=superuser, person=superuser)
    assert set(access.groups_grantable_by(uk_admin).values_list("name", flat=True)) <= set(
        Role.values
    )
    other = UserFactory(institute=world.uk)
    assert not access.people_managed_in_admin(other).exists()
