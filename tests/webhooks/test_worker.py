"""A real Celery worker on Redis delivers to a real receiver, and retries a failing one
until the endpoint is switched off.

The worker runs as a subprocess against the pytest database (committed data, so
``transaction=True``); the receivers listen in this test process. Worker and receiver
share the machine's clock, which the signature's timestamp is checked against, so this
test keeps the real clock; the records it builds carry fixed dates that nothing here
compares with today.
"""

import os

import pytest
from django.db import connection

from accounts.models import Role
from config.celery import app as celery_app
from notifications.models import Notification
from programmes import services as programmes_services
from programmes.models import MilestoneStatus
from tests.factories import InstituteFactory, ProgrammeFactory, UserFactory
from tests.programmes.factories import MilestoneFactory, ProjectFactory
from tests.support.processes import ROOT, celery_worker, wait_for
from webhooks.models import Delivery, Endpoint

from .conftest import endpoint_for

pytestmark = [
    pytest.mark.services,
    pytest.mark.real_clock,
    pytest.mark.django_db(transaction=True),
]


@pytest.fixture
def worker(redis_url, postgres, tmp_path):
    db = connection.settings_dict
    auth = db["USER"] + (f":{db['PASSWORD']}" if db.get("PASSWORD") else "")
    env = {
        **os.environ,
        "DATABASE_URL": f"postgres://{auth}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/"
        f"{db['NAME']}",
        "REDIS_URL": redis_url,
        "CELERY_BROKER_URL": redis_url,
        "EMAIL_URL": "consolemail://",
        "DJANGO_SETTINGS_MODULE": "tests.support.worker_settings",
        "DEBUG": "true",
        "SITE_URL": "https://portal.example.org",
        "PYTHONPATH": str(ROOT),
        "WEBHOOKS_MAX_ATTEMPTS": "3",
        "WEBHOOKS_BACKOFF_BASE_SECONDS": "0.5",
        "WEBHOOKS_DISABLE_AFTER": "1",
    }
    with celery_app.connection_for_write() as conn:
        conn.default_channel.queue_purge("celery")
    service = celery_worker(env, tmp_path / "worker.log")
    wait_for(lambda: " ready." in service.output(), 60, "the worker to start", service.log)
    yield service
    service.stop()


def test_a_worker_delivers_and_retries_until_the_endpoint_is_switched_off(worker, receivers):
    uk = InstituteFactory(uk=True)
    admin = UserFactory(institute=uk, roles=[Role.INSTITUTE_ADMIN])
    programme = ProgrammeFactory()
    milestone = MilestoneFactory(project=ProjectFactory(programme=programme, lead_institute=uk))
    good, bad = receivers(), receivers(statuses=[500])
    ok = endpoint_for(uk, good, event_types=["milestone.changed"], name="Tracker")
    failing = endpoint_for(uk, bad, event_types=["milestone.changed"], name="Broken")

    # Autocommit: the change commits, the event is published and both deliveries queued.
    programmes_services.milestone_set_status(
        actor=milestone.owner, milestone=milestone, status=MilestoneStatus.IN_PROGRESS
    )

    wait_for(lambda: len(good.received) == 1, 30, "the delivery", worker.log)
    assert good.received[0].verified
    assert good.events()[0]["data"]["milestone"]["status"] == "in_progress"
    wait_for(
        lambda: Delivery.objects.filter(endpoint=ok, status="delivered").exists(),
        10,
        "the delivery logged",
        worker.log,
    )

    wait_for(lambda: len(bad.received) == 3, 60, "three attempts", worker.log)
    assert all(r.verified for r in bad.received)
    assert len({r.headers["x-portal-event-id"] for r in bad.received}) == 1
    wait_for(
        lambda: not Endpoint.objects.get(pk=failing.pk).is_active,
        20,
        "the endpoint switched off",
        worker.log,
    )
    delivery = Delivery.objects.get(endpoint=failing)
    assert (delivery.status, delivery.attempts, delivery.response_code) == ("failed", 3, 500)
    notices = Notification.objects.filter(kind="webhook_endpoint_disabled")
    admins = {admin, ok.created_by, failing.created_by}
    assert sorted(n.recipient_id for n in notices) == sorted(a.pk for a in admins)
    assert notices[0].subject == (
        "Webhook endpoint “Broken” was switched off after 1 failed delivery"
    )
    assert Endpoint.objects.get(pk=ok.pk).is_active
