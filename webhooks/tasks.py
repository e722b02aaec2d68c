"""Thin Celery tasks: one delivery attempt, and the periodic sweep."""

from celery import shared_task

from .services import delivery as delivery_services
from .services import dispatch


@shared_task(name="webhooks.tasks.deliver", ignore_result=True, acks_late=True)
def deliver(delivery_id: int) -> None:
    """One attempt; a failure that may be retried queues the next after its back-off."""
    outcome = delivery_services.delivery_attempt(delivery_id=delivery_id)
    if outcome is not None and outcome.retry_in is not None:
        dispatch.enqueue(delivery_id, countdown=outcome.retry_in)


@shared_task(name="webhooks.tasks.sweep", ignore_result=True)
def sweep() -> None:
    """Announce overdue milestones, queue again deliveries whose task was lost, and forget
    finished deliveries past the log's retention."""
    dispatch.overdue_announce()
    delivery_services.deliveries_prune()
    for pk in delivery_services.deliveries_due():
        dispatch.enqueue(pk)
