import datetime

import pytest
import time_machine

# Records are built on a fixed day; each test then moves the clock to when it runs the
# schedule.
T0 = datetime.datetime(2026, 8, 3, 9, 0, tzinfo=datetime.UTC)


@pytest.fixture(autouse=True)
def _fixed_day(request):
    if request.node.get_closest_marker("browser") is not None:
        yield
        return
    with time_machine.travel(T0, tick=False):
        yield
