"""Signed deliveries to a real receiver on loopback: verified, logged, retried with
back-off, and an endpoint that keeps failing switched off with a notice to its admins."""

import datetime

import pytest

from exchange import services as exchange_services
from notifications.models import Notification
from tests.factories import UserFactory
from webhooks import services, signing, tasks
from webhooks.models import Delivery

from .conftest import endpoint_for, institute_admin
from .receiver import Receiver, verify

pytestmark = pytest.mark.django_db


def accept(world, capture, applicant=None):
    application = world.endorsed(applicant=applicant)
    with capture(execute=True):
        exchange_services.application_accept(
            application=application, actor=world.au_pm, host_supervisor=world.au_supervisor
        )
    return application


def test_a_delivery_reaches_the_receiver_signed_and_is_logged(
    world, receivers, eager, django_capture_on_commit_callbacks
):
    """The receiver verifies HMAC-SHA256 over timestamp.body; the log has code and time."""
    receiver = receivers()
    endpoint = endpoint_for(world.uk, receiver, event_types=["application.decided"])
    application = accept(world, django_capture_on_commit_callbacks)

    assert len(receiver.received) == 1
    got = receiver.received[0]
    assert got.verified
    assert got.headers["content-type"] == "application/json"
    assert got.headers["x-portal-event-type"] == "application.decided"
    event = got.json
    assert got.headers["x-portal-event-id"] == event["id"]
    assert event["type"] == "application.decided"
    assert event["change"] == "accepted"
    assert event["institute"] == "UK-AISI"
    assert event["data"]["application"]["reference"] == application.reference
    assert event["data"]["application"]["url"].startswith("https://portal.example.org/")

    delivery = Delivery.objects.get(endpoint=endpoint)
    assert delivery.status == Delivery.Status.DELIVERED
    assert (delivery.attempts, delivery.response_code, delivery.error) == (1, 204, "")
    assert delivery.duration_ms is not None
    assert str(delivery.event_id) == event["id"]


def test_a_wrong_secret_or_an_altered_body_or_an_old_timestamp_does_not_verify():
    """The signature binds the secret, the exact body and the timestamp."""
    body = b'{"id":"1"}'
    header = signing.signature_header(secrets=["whsec_a"], timestamp=1_000_000, body=body)
    assert signing.verify(secret="whsec_a", header=header, body=body, now=1_000_010)
    assert not signing.verify(secret="whsec_b", header=header, body=body, now=1_000_010)
    assert not signing.verify(secret="whsec_a", header=header, body=body + b" ", now=1_000_010)
    assert not signing.verify(secret="whsec_a", header=header, body=body, now=1_000_400)
    assert not signing.verify(secret="whsec_a", header="nonsense", body=body, now=1_000_000)


def test_a_failing_receiver_is_retried_with_backoff_then_switched_off_with_a_notice(
    world, receivers, eager, clock, django_capture_on_commit_callbacks, settings
):
    """500s: each delivery is tried MAX_ATTEMPTS times, further apart each time (with
    jitter); DISABLE_AFTER deliveries that give up switch the endpoint off and tell
    every admin of its institute; nothing more is sent to it."""
    receiver = receivers(statuses=[500])
    other_admin = institute_admin(world.uk)
    endpoint = endpoint_for(world.uk, receiver, event_types=["application.decided"])

    def give_up(delivery):
        waits = []
        for _ in range(settings.WEBHOOKS_MAX_ATTEMPTS - 1):
            delivery.refresh_from_db()
            assert delivery.status == Delivery.Status.PENDING
            wait = (delivery.next_attempt_at - delivery.last_attempt_at).total_seconds()
            waits.append(wait)
            tasks.deliver(delivery.pk)  # too early: the attempt is not due yet
            clock.shift(datetime.timedelta(seconds=wait + 1))
            tasks.deliver(delivery.pk)  # the queued retry, once its back-off has passed
        delivery.refresh_from_db()
        return waits

    accept(world, django_capture_on_commit_callbacks)
    first = Delivery.objects.get(endpoint=endpoint)
    waits = give_up(first)
    assert first.status == Delivery.Status.FAILED
    assert first.attempts == settings.WEBHOOKS_MAX_ATTEMPTS == len(receiver.received)
    assert (first.response_code, first.error) == (500, "HTTP 500 Internal Server Error")
    # Exponential with jitter: between half and all of base × 2^(n-1).
    first_wait, second_wait = waits[0], waits[1]
    assert first_wait >= 15 and first_wait <= 30, waits
    assert second_wait >= 30 and second_wait <= 60, waits
    endpoint.refresh_from_db()
    assert endpoint.is_active and endpoint.consecutive_failures == 1

    application = world.endorsed(applicant=UserFactory(institute=world.uk))
    with django_capture_on_commit_callbacks(execute=True):
        exchange_services.application_decline(
            application=application, actor=world.au_pm, reason="No places left."
        )
    second = Delivery.objects.exclude(pk=first.pk).get(endpoint=endpoint)
    give_up(second)
    assert second.status == Delivery.Status.FAILED

    endpoint.refresh_from_db()
    assert not endpoint.is_active
    assert endpoint.consecutive_failures == 2
    assert "2 failed deliveries" in endpoint.disabled_reason
    notices = Notification.objects.filter(kind="webhook_endpoint_disabled")
    assert {n.recipient for n in notices} == {other_admin, endpoint.created_by}
    assert all(n.url == f"/admin/webhooks/endpoint/{endpoint.pk}/change/" for n in notices)

    sent = len(receiver.received)
    accept(world, django_capture_on_commit_callbacks, UserFactory(institute=world.uk))
    assert Delivery.objects.filter(endpoint=endpoint).count() == 2
    assert len(receiver.received) == sent


def test_a_receiver_that_is_down_is_logged_as_an_error_and_success_resets_the_count(
    world, receivers, eager, clock, django_capture_on_commit_callbacks
):
    """No listener on the port: the error is recorded; a later success clears failures."""
    receiver = receivers(statuses=[500, 200])
    endpoint = endpoint_for(world.uk, receiver, event_types=["application.decided"])
    endpoint.url = "http://127.0.0.1:9/closed"
    endpoint.save()
    accept(world, django_capture_on_commit_callbacks)
    delivery = Delivery.objects.get(endpoint=endpoint)
    assert delivery.response_code is None
    assert delivery.error.startswith("URLError")
    assert delivery.status == Delivery.Status.PENDING

    endpoint.url = receiver.url
    endpoint.consecutive_failures = 1
    endpoint.save()
    clock.shift(datetime.timedelta(minutes=5))
    tasks.sweep()  # the periodic sweep queues what is due
    delivery.refresh_from_db()
    assert delivery.attempts == 2 and delivery.response_code == 500
    clock.shift(datetime.timedelta(minutes=5))
    tasks.sweep()
    delivery.refresh_from_db()
    assert delivery.status == Delivery.Status.DELIVERED and delivery.attempts == 3
    endpoint.refresh_from_db()
    assert endpoint.consecutive_failures == 0


def test_a_private_address_is_refused_unless_the_operator_allows_it(
    world, receivers, eager, django_capture_on_commit_callbacks, settings
):
    """Loopback is the portal's own network: nothing is posted there in production."""
    settings.WEBHOOKS_ALLOW_PRIVATE_ADDRESSES = False
    receiver = receivers()
    endpoint = endpoint_for(world.uk, receiver, event_types=["application.decided"])
    accept(world, django_capture_on_commit_callbacks)
    delivery = Delivery.objects.get(endpoint=endpoint)
    assert receiver.received == []
    assert delivery.status == Delivery.Status.PENDING and delivery.attempts == 1
    assert "127.0.0.1, which is not a public address" in delivery.error


def test_the_log_forgets_finished_deliveries_after_its_retention(world, clock, settings):
    """Finished deliveries older than WEBHOOKS_LOG_DAYS go; pending ones stay."""
    settings.WEBHOOKS_LOG_DAYS = 30
    endpoint = endpoint_for(world.uk, Receiver(port=443))
    old = [
        Delivery.objects.create(endpoint=endpoint, event_type="handover.sent", payload={}, status=s)
        for s in (Delivery.Status.DELIVERED, Delivery.Status.FAILED, Delivery.Status.PENDING)
    ]
    clock.shift(datetime.timedelta(days=31))
    recent = Delivery.objects.create(
        endpoint=endpoint, event_type="handover.sent", payload={}, status="delivered"
    )
    assert services.deliveries_prune() == 2
    assert set(Delivery.objects.all()) == {old[2], recent}


def test_after_a_rotation_both_secrets_sign_for_the_overlap_then_only_the_new(
    world, receivers, eager, clock, django_capture_on_commit_callbacks, settings
):
    """A receiver still holding the old secret verifies for WEBHOOKS_SECRET_OVERLAP_HOURS,
    one holding the new secret at once; after the overlap only the new one signs."""
    settings.WEBHOOKS_SECRET_OVERLAP_HOURS = 24
    receiver = receivers()
    endpoint = endpoint_for(world.uk, receiver, event_types=["application.decided"])
    old_secret = endpoint.secret
    endpoint = services.endpoint_rotate_secret(actor=endpoint.created_by, endpoint=endpoint)
    assert endpoint.secret != old_secret

    accept(world, django_capture_on_commit_callbacks)
    got = receiver.received[-1]
    assert got.verified  # with the old secret, still held by the receiver
    assert verify(endpoint.secret, got.headers["x-portal-signature"], got.body)
    assert got.headers["x-portal-signature"].count("v1=") == 2

    clock.shift(datetime.timedelta(hours=25))
    accept(world, django_capture_on_commit_callbacks, UserFactory(institute=world.uk))
    got = receiver.received[-1]
    assert not got.verified
    assert verify(endpoint.secret, got.headers["x-portal-signature"], got.body)
    assert got.headers["x-portal-signature"].count("v1=") == 1
