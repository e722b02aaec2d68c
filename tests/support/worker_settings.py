"""Settings for the Celery workers and beats that integration tests start as subprocesses.

The project's settings, plus the tunables the tests set from outside: delivery's batch and
lease, and a fast beat (``TEST_SCAN_EVERY_SECONDS``) that runs only the reminder scan, so a
test sees in seconds what production does every five minutes.
"""

import os
from datetime import timedelta

from config.settings import *  # noqa: F403
from config.settings import DATABASES

NOTIFICATIONS_SENDING_LEASE_SECONDS = int(
    os.environ.get("NOTIFICATIONS_SENDING_LEASE_SECONDS", 600)
)
NOTIFICATIONS_BATCH_SIZE = int(os.environ.get("NOTIFICATIONS_BATCH_SIZE", 100))
# The test database is dropped at the end of the run: hold no idle connections to it.
DATABASES["default"]["CONN_MAX_AGE"] = 0

if os.environ.get("TEST_SCAN_EVERY_SECONDS"):
    CELERY_BEAT_SCHEDULE = {
        "notifications-scan": {
            "task": "notifications.tasks.scan_reminders",
            "schedule": timedelta(seconds=float(os.environ["TEST_SCAN_EVERY_SECONDS"])),
        }
    }
