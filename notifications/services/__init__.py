"""Writes for notifications, by subject: events (``notify``), the reminder scan, delivery,
digests and preferences.

Other apps call :func:`notify` for events that concern a person. Everything else runs from
Celery (``tasks.py``), the admin or a person's own pages.
"""

from .delivery import batch_size, reminder_deliver_due, reminder_resend
from .digests import digest_send_due
from .events import notification_mark_all_read, notification_mark_read, notify
from .preferences import preferences_update
from .scan import reminder_scan

__all__ = [
    "batch_size",
    "digest_send_due",
    "notification_mark_all_read",
    "notification_mark_read",
    "notify",
    "preferences_update",
    "reminder_deliver_due",
    "reminder_resend",
    "reminder_scan",
]
