"""A reference too large for the database's integers, posted to an admin form's
autocomplete or multiple choice field, is a form error ("Select a valid choice"), never
a 500 (SQLite raised OverflowError: accounts/lookups.py)."""

import pytest
from django.test import Client
from django.urls import reverse

from tests.factories import UserFactory, enable_totp
from tests.hostile.test_hostile_input import admin_post_data

HUGE = [str(2**63), str(-(2**63) - 1), "9" * 30]


@pytest.fixture
def admin_client(world):
    admin = UserFactory(institute=world.uk, is_staff=True, is_superuser=True)
    enable_totp(admin)
    client = Client()
    client.force_login(admin)
    return client


@pytest.mark.parametrize("value", HUGE)
@pytest.mark.parametrize("field", ["line_manager", "applicant", "opportunity"])
def test_a_huge_reference_in_an_admin_autocomplete_is_a_form_error(
    world, admin_client, field, value
):
    application, _secondment = world.accepted()
    url = reverse("admin:exchange_application_change", args=[application.pk])
    data = {**admin_post_data(admin_client.get(url)), field: value}
    response = admin_client.post(url, data)
    assert response.status_code == 200
    errors = response.context["adminform"].form.errors
    assert "Select a valid choice" in " ".join(errors[field])
    application.refresh_from_db()
    assert str(getattr(application, f"{field}_id")) != value


def test_the_largest_reference_the_database_holds_is_still_looked_up(world, admin_client):
    """The bound is the database's (signed 64-bit), not a smaller one."""
    application, _secondment = world.accepted()
    url = reverse("admin:exchange_application_change", args=[application.pk])
    data = {**admin_post_data(admin_client.get(url)), "line_manager": str(2**63 - 1)}
    response = admin_client.post(url, data)
    assert response.status_code == 200
    assert "Select a valid choice" in " ".join(
        response.context["adminform"].form.errors["line_manager"]
    )


@pytest.mark.parametrize("value", HUGE)
def test_a_huge_reference_in_an_admin_multiple_choice_is_a_form_error(world, admin_client, value):
    """The same for a field of several references (a person's groups)."""
    application, _secondment = world.accepted()
    person = application.applicant
    groups = set(person.groups.values_list("pk", flat=True))
    url = reverse("admin:accounts_user_change", args=[person.pk])
    data = {**admin_post_data(admin_client.get(url)), "groups": [value]}
    response = admin_client.post(url, data)
    assert response.status_code == 200
    errors = response.context["adminform"].form.errors
    assert "Select a valid choice" in " ".join(errors["groups"])
    assert set(person.groups.values_list("pk", flat=True)) == groups
