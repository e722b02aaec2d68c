"""Events other systems may hear about, and the registry of those who listen.

A service that makes a change other systems care about (an application decided, a
handover sent...) calls :func:`emit` inside its transaction. Listeners (the webhooks app)
register from their ``AppConfig.ready()`` and hear of the event only once the change
commits; a rolled-back change is never announced. The apps that emit never import the
apps that listen.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime

from django.db import models, transaction
from django.utils import timezone

from .registry import Registry

logger = logging.getLogger(__name__)


class EventType(models.TextChoices):
    APPLICATION_DECIDED = "application.decided", "Application decided"
    SECONDMENT_CHANGED = "secondment.changed", "Secondment changed"
    MILESTONE_CHANGED = "milestone.changed", "Milestone changed"
    MILESTONE_OVERDUE = "milestone.overdue", "Milestone overdue"
    HANDOVER_SENT = "handover.sent", "Handover sent"
    HANDOVER_ACKNOWLEDGED = "handover.acknowledged", "Handover acknowledged"


@dataclass(frozen=True)
class Event:
    """What happened (``type`` and ``change``, such as ``accepted`` or ``cancelled``), to
    which record, and when. Listeners load the record again and decide what to say."""

    type: str
    model: type[models.Model]
    pk: int
    change: str
    occurred_at: datetime
    # Extra facts that are not on the record itself (a due-date window...).
    detail: dict = field(default_factory=dict)


Listener = Callable[[Event], None]

listeners: Registry[Listener] = Registry("event listeners")


def listen(name: str, listener: Listener, *, order: int = 100) -> Listener:
    """Register ``listener`` to hear every event once its change has committed."""
    return listeners.register(name, listener, order=order)


def publish(event: Event) -> None:
    """Hand ``event`` to every listener now; one failing listener does not stop the rest."""
    for name, listener in zip(listeners.names(), listeners.entries(), strict=True):
        try:
            listener(event)
        except Exception:
            logger.exception("Event listener %s failed on %s", name, event.type)


def emit(event_type: str, obj: models.Model, *, change: str = "", detail=None) -> Event:
    """Announce that ``obj`` changed; listeners hear of it after the transaction commits."""
    if event_type not in EventType.values:
        raise ValueError(f"Unknown event type {event_type!r}.")
    event = Event(
        type=event_type,
        model=type(obj),
        pk=obj.pk,
        change=change,
        occurred_at=timezone.now(),
        detail=dict(detail or {}),
    )
    transaction.on_commit(lambda: publish(event))
    return event
