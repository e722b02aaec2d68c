"""Celery tasks: thin wrappers over the services, all safe to run twice.

``acks_late`` is set on each because each is idempotent: the scan inserts with a unique
key, delivery claims rows under a lease, and a digest is recorded once per local day. A
task lost with a killed worker is delivered again and does no harm.
"""

import logging
import time

from celery import shared_task

from .services.delivery import batch_size, reminder_deliver_due
from .services.digests import digest_send_due
from .services.queue import start_delivery
from .services.scan import reminder_scan

logger = logging.getLogger(__name__)

# Beyond this, delivery hands over to a fresh task so one worker is never held for long.
DELIVERY_TIME_BUDGET_SECONDS = 50


@shared_task(acks_late=True, reject_on_worker_lost=True, ignore_result=True)
def scan_reminders() -> int:
    result = reminder_scan()
    # Level-triggered: every scan also starts delivery, which catches up on anything left
    # pending while the broker or a worker was down.
    start_delivery()
    return result.total


@shared_task(acks_late=True, reject_on_worker_lost=True, ignore_result=True)
def deliver_reminders() -> int:
    started = time.monotonic()
    delivered = 0
    limit = batch_size()
    while True:
        result = reminder_deliver_due(limit=limit)
        delivered += result.claimed
        if result.claimed < limit:
            return delivered
        if time.monotonic() - started > DELIVERY_TIME_BUDGET_SECONDS:
            start_delivery()
            return delivered


@shared_task(acks_late=True, reject_on_worker_lost=True, ignore_result=True)
def send_digests() -> int:
    return digest_send_due()
