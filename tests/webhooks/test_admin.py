"""Admins register endpoints for their own institute, see the secret of their own
endpoints only, and read a delivery log they cannot change."""

import pytest
from django.test import Client
from django.urls import reverse

from accounts.models import Role
from portal.events import EventType
from tests.factories import enable_totp
from webhooks.models import Delivery, Endpoint

from .conftest import endpoint_for, institute_admin
from .receiver import Receiver

pytestmark = pytest.mark.django_db


def admin_client(user):
    enable_totp(user)
    client = Client()
    client.force_login(user)
    return client


@pytest.fixture
def uk_admin(world):
    return institute_admin(world.uk)


def add(client, institute, **overrides):
    data = {
        "institute": institute.pk,
        "name": "HR system",
        "url": "https://hr.example.org/portal-events",
        "event_types": [EventType.APPLICATION_DECIDED, EventType.SECONDMENT_CHANGED],
        "is_active": "on",
        **overrides,
    }
    return client.post(reverse("admin:webhooks_endpoint_add"), data)


def test_an_admin_registers_an_endpoint_and_sees_its_secret(world, uk_admin, settings):
    settings.WEBHOOKS_ALLOW_HTTP = False
    client = admin_client(uk_admin)
    form = client.get(reverse("admin:webhooks_endpoint_add")).content.decode()
    assert "Application decided" in form and "Handover acknowledged" in form
    assert world.uk.name in form and world.au.name not in form
    response = add(client, world.uk)
    assert response.status_code == 302, response.content.decode()[:2000]
    endpoint = Endpoint.objects.get()
    assert endpoint.institute == world.uk and endpoint.created_by == uk_admin
    assert endpoint.event_types == ["application.decided", "secondment.changed"]
    assert endpoint.secret.startswith("whsec_") and len(endpoint.secret) > 40
    page = client.get(reverse("admin:webhooks_endpoint_change", args=[endpoint.pk]))
    assert endpoint.secret in page.content.decode()
    listing = client.get(reverse("admin:webhooks_endpoint_changelist")).content.decode()
    assert "HR system" in listing and endpoint.secret not in listing


@pytest.mark.parametrize(
    "overrides, field, message",
    [
        ({"url": "http://hr.example.org/x"}, "url", "Enter a full https:// URL"),
        ({"url": "https://" + "a" * 500 + ".org/"}, "url", "500 characters or fewer"),
        ({"url": "https://user:pw@hr.example.org/"}, "url", "user name or password"),
        ({"event_types": []}, "event_types", "This field is required"),
        ({"event_types": ["secret.leaked"]}, "event_types", "Select a valid choice"),
    ],
)
def test_bad_input_is_refused_with_a_clear_error_and_nothing_saved(
    world, uk_admin, settings, overrides, field, message
):
    settings.WEBHOOKS_ALLOW_HTTP = False
    response = add(admin_client(uk_admin), world.uk, **overrides)
    assert response.status_code == 200
    assert message in response.content.decode()
    assert not Endpoint.objects.exists()


def test_an_admin_cannot_register_for_or_see_another_institute(world, uk_admin):
    """The institute choice holds their own; the other's endpoint is not there for them."""
    client = admin_client(uk_admin)
    response = add(client, world.au)
    assert response.status_code == 200
    assert "Select a valid choice" in response.content.decode()
    theirs = endpoint_for(world.au, Receiver(port=443), name="AU systems")
    listing = client.get(reverse("admin:webhooks_endpoint_changelist")).content.decode()
    assert "AU systems" not in listing
    page = client.get(reverse("admin:webhooks_endpoint_change", args=[theirs.pk]), follow=True)
    assert theirs.secret not in page.content.decode()
    rotate = client.post(
        reverse("admin:webhooks_endpoint_changelist"),
        {"action": "rotate_secret", "_selected_action": [theirs.pk]},
    )
    assert rotate.status_code in (200, 302)
    assert Endpoint.objects.get(pk=theirs.pk).secret == theirs.secret


def test_rotating_a_secret_makes_a_new_one(world, uk_admin):
    endpoint = endpoint_for(world.uk, Receiver(port=443))
    client = admin_client(uk_admin)
    client.post(
        reverse("admin:webhooks_endpoint_changelist"),
        {"action": "rotate_secret", "_selected_action": [endpoint.pk]},
    )
    assert Endpoint.objects.get(pk=endpoint.pk).secret != endpoint.secret


def test_switching_an_endpoint_on_again_clears_its_failures(world, uk_admin):
    endpoint = endpoint_for(world.uk, Receiver(port=443))
    Endpoint.objects.filter(pk=endpoint.pk).update(
        is_active=False, consecutive_failures=5, disabled_reason="Switched off"
    )
    client = admin_client(uk_admin)
    response = client.post(
        reverse("admin:webhooks_endpoint_change", args=[endpoint.pk]),
        {
            "name": endpoint.name,
            "url": "https://hr.example.org/new",
            "event_types": endpoint.event_types,
            "is_active": "on",
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    endpoint.refresh_from_db()
    assert endpoint.is_active and endpoint.consecutive_failures == 0
    assert endpoint.disabled_reason == "" and endpoint.url == "https://hr.example.org/new"


def test_the_delivery_log_is_read_only_and_scoped(world, uk_admin):
    mine = endpoint_for(world.uk, Receiver(port=443))
    theirs = endpoint_for(world.au, Receiver(port=443))
    for endpoint in (mine, theirs):
        Delivery.objects.create(
            endpoint=endpoint,
            event_type="handover.sent",
            payload={"id": "x"},
            status=Delivery.Status.FAILED,
            attempts=3,
            response_code=503,
            error="HTTP 503 Service Unavailable",
        )
    client = admin_client(uk_admin)
    listing = client.get(reverse("admin:webhooks_delivery_changelist")).content.decode()
    assert listing.count("HTTP 503 Service Unavailable") == 1
    delivery = Delivery.objects.get(endpoint=mine)
    page = client.get(reverse("admin:webhooks_delivery_change", args=[delivery.pk]))
    assert page.status_code == 200 and "503" in page.content.decode()
    assert client.get(reverse("admin:webhooks_delivery_add")).status_code == 403
    client.post(
        reverse("admin:webhooks_delivery_change", args=[delivery.pk]), {"status": "delivered"}
    )
    assert Delivery.objects.get(pk=delivery.pk).status == Delivery.Status.FAILED
    other = Delivery.objects.get(endpoint=theirs)
    response = client.get(reverse("admin:webhooks_delivery_change", args=[other.pk]))
    assert response.status_code in (302, 404)


def test_after_migrate_the_institute_admins_role_may_manage_endpoints(db):
    """An upgrade gives the existing role the new app's permissions."""
    from django.apps import apps
    from django.contrib.auth.models import Group
    from django.db.models.signals import post_migrate

    Group.objects.filter(name=Role.INSTITUTE_ADMIN.value).delete()
    config = apps.get_app_config("webhooks")
    post_migrate.send(sender=config, app_config=config, using="default", verbosity=0)
    group = Group.objects.get(name=Role.INSTITUTE_ADMIN.value)
    codenames = set(group.permissions.values_list("codename", flat=True))
    assert {"add_endpoint", "change_endpoint", "view_delivery"} <= codenames
