"""Settings for the Celery worker that the integration tests start as a subprocess.

The project's settings, plus the delivery tunables the tests need to set from outside.
"""

import os

from config.settings import *  # noqa: F403
from config.settings import DATABASES

NOTIFICATIONS_SENDING_LEASE_SECONDS = int(
    os.environ.get("NOTIFICATIONS_SENDING_LEASE_SECONDS", 600)
)
NOTIFICATIONS_BATCH_SIZE = int(os.environ.get("NOTIFICATIONS_BATCH_SIZE", 100))
# The test database is dropped at the end of the run: hold no idle connections to it.
DATABASES["default"]["CONN_MAX_AGE"] = 0
