import datetime

import pytest
import time_machine

from accounts.models import Role
from config.celery import app as celery_app
from portal.events import EventType
from tests.exchange.factories import World
from tests.factories import UserFactory
from webhooks import services

from .receiver import Receiver, running

# Webhook tests run on a fixed day (the exchange tests' day), with the clock ticking.
NOW = datetime.datetime(2026, 8, 3, 9, 0, tzinfo=datetime.UTC)


@pytest.fixture
def clock(request):
    if request.node.get_closest_marker("real_clock"):
        yield None
        return
    with time_machine.travel(NOW, tick=True) as traveller:
        yield traveller


@pytest.fixture(autouse=True)
def _webhook_settings(settings, clock):
    # The receiver listens on loopback, without TLS.
    settings.WEBHOOKS_ALLOW_HTTP = True
    settings.WEBHOOKS_ALLOW_PRIVATE_ADDRESSES = True
    settings.WEBHOOKS_MAX_ATTEMPTS = 3
    settings.WEBHOOKS_DISABLE_AFTER = 2
    settings.WEBHOOKS_BACKOFF_BASE_SECONDS = 30
    settings.WEBHOOKS_TIMEOUT_SECONDS = 5
    settings.SITE_URL = "https://portal.example.org"


@pytest.fixture
def eager():
    """Tasks run in this process as they are queued (the worker test uses a real one)."""
    celery_app.conf.task_always_eager = True
    yield
    celery_app.conf.task_always_eager = False


@pytest.fixture
def world(db):
    return World()


def institute_admin(institute, **kwargs):
    return UserFactory(institute=institute, roles=[Role.INSTITUTE_ADMIN], **kwargs)


def endpoint_for(institute, receiver: Receiver, *, event_types=None, name="Systems"):
    endpoint = services.endpoint_create(
        actor=institute_admin(institute),
        institute=institute,
        name=name,
        url=receiver.url,
        event_types=event_types or list(EventType.values),
        is_active=True,
    )
    receiver.secret = endpoint.secret
    return endpoint


@pytest.fixture
def receivers():
    """Start receivers on demand; all are stopped at the end of the test."""
    stack = []

    def start(**kwargs) -> Receiver:
        manager = running(Receiver(**kwargs))
        receiver = manager.__enter__()
        stack.append(manager)
        return receiver

    yield start
    for manager in reversed(stack):
        manager.__exit__(None, None, None)
