import datetime

import pytest
import time_machine

from accounts.models import Role
from tests.exchange.factories import World
from tests.factories import UserFactory, client_for, enable_totp

# A fixed day, before the exchange world's opportunities close.
TODAY = datetime.datetime(2026, 8, 3, 9, 0, tzinfo=datetime.UTC)


@pytest.fixture(autouse=True)
def _fixed_day(request):
    if request.node.get_closest_marker("browser"):
        yield  # browser journeys have their own frozen clock
        return
    with time_machine.travel(TODAY, tick=True):
        yield


@pytest.fixture
def world(db):
    return World()


def institute_admin(institute, **fields):
    """An institute admin with MFA on, as the portal makes them."""
    admin = UserFactory(institute=institute, roles=[Role.INSTITUTE_ADMIN], **fields)
    enable_totp(admin)
    return admin


@pytest.fixture
def uk_admin(world):
    return institute_admin(world.uk, full_name="Ulla Admin")


@pytest.fixture
def au_admin(world):
    return institute_admin(world.au, full_name="Aldo Admin")


@pytest.fixture
def superuser(world):
    user = UserFactory(institute=world.uk, is_staff=True, is_superuser=True)
    enable_totp(user)
    return user


@pytest.fixture
def as_user():
    return client_for
