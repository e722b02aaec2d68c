"""Writes for webhooks, by subject: endpoints (registered by admins), dispatch (from an
event to deliveries) and delivery (one signed attempt, retries, switching off)."""

from .delivery import deliveries_due, deliveries_prune, delivery_attempt, endpoint_failed
from .dispatch import deliveries_create, enqueue, overdue_announce
from .endpoints import endpoint_create, endpoint_rotate_secret, endpoint_update

__all__ = [
    "deliveries_create",
    "deliveries_due",
    "deliveries_prune",
    "delivery_attempt",
    "endpoint_create",
    "endpoint_failed",
    "endpoint_rotate_secret",
    "endpoint_update",
    "enqueue",
    "overdue_announce",
]
