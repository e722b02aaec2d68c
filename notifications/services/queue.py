"""Handing work to the Celery worker without ever holding a web request on the broker.

Reminders are level-triggered: whatever is not delivered now stays pending in the
ledger, and the next scan (every 5 minutes) starts delivery again. The delivery task is
named here from the app's ``ready()``, so the services never import the tasks."""

import logging

from django.core.exceptions import ImproperlyConfigured
from django.db import transaction

logger = logging.getLogger(__name__)

_delivery = {}


def use_delivery_task(task) -> None:
    """Called from ``NotificationsConfig.ready()`` with ``tasks.deliver_reminders``."""
    _delivery["task"] = task


def enqueue_now(task) -> bool:
    """Send ``task`` to the broker; when the broker is down, log and carry on."""
    try:
        # Without a bounded check, publishing to a broker that is down retries for ever
        # and would hang the web request.
        with task.app.pool.acquire(block=True, timeout=2) as conn:
            conn.ensure_connection(max_retries=1, interval_start=0, interval_step=0.2, timeout=2)
            task.apply_async(retry=False, connection=conn)
    except Exception:  # noqa: BLE001 - any broker failure must not break the web request
        logger.warning(
            "Could not enqueue %s; the next scan will pick it up.", task.name, exc_info=True
        )
        return False
    return True


def start_delivery() -> bool:
    """Ask a worker to deliver what is due now."""
    task = _delivery.get("task")
    if task is None:
        raise ImproperlyConfigured("The notifications app names its delivery task in ready().")
    return enqueue_now(task)


def start_delivery_on_commit() -> None:
    """Start delivery once the current transaction commits (at once outside one)."""
    transaction.on_commit(start_delivery)
