import datetime

import pytest
import time_machine

from .factories import World

# Exchange tests run on a fixed day, before the demo opportunities close.
TODAY = datetime.datetime(2026, 8, 3, 9, 0, tzinfo=datetime.UTC)


@pytest.fixture(autouse=True)
def _fixed_day():
    with time_machine.travel(TODAY, tick=True):
        yield


@pytest.fixture
def world(db):
    return World()
