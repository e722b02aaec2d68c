"""The admin boundary tests: two institutes in a programme, their admins, a superuser."""

import pytest
import time_machine

from tests.exchange.factories import World
from tests.factories import UserFactory, client_for, enable_totp

from .support import TODAY, institute_admin


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
