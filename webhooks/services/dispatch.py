"""From an event to deliveries: one per endpoint that listens and whose institute may see
the record, each with its payload fixed now and its first attempt queued."""

import logging
import uuid

from django.core.exceptions import ImproperlyConfigured
from django.db import IntegrityError, transaction
from django.utils import timezone

from accounts.models import Institute
from notifications.rules import OBJECT, WINDOW
from portal import events
from programmes import reminders as programmes_reminders
from programmes.models import Milestone

from .. import access, payloads
from ..models import Delivery, Endpoint

logger = logging.getLogger(__name__)

_delivery = {}


def use_delivery_task(task) -> None:
    """Called from ``WebhooksConfig.ready()`` with ``tasks.deliver``."""
    _delivery["task"] = task


def enqueue(delivery_id: int, *, countdown: float = 0) -> bool:
    """Queue an attempt; when the broker is down, log: the sweep queues it again later."""
    task = _delivery.get("task")
    if task is None:
        raise ImproperlyConfigured("The webhooks app names its delivery task in ready().")
    try:
        with task.app.pool.acquire(block=True, timeout=2) as conn:
            conn.ensure_connection(max_retries=1, interval_start=0, interval_step=0.2, timeout=2)
            task.apply_async(args=[delivery_id], countdown=countdown, retry=False, connection=conn)
    except Exception:  # noqa: BLE001 - a broker failure must not break the caller
        logger.warning("Could not queue webhook delivery %s", delivery_id, exc_info=True)
        return False
    return True


def _endpoints_for(event_type: str) -> list[Endpoint]:
    # The list of event types is short JSON: filtering in Python works on every database.
    return [
        e
        for e in Endpoint.objects.filter(is_active=True).select_related("institute")
        if e.hears(event_type)
    ]


def _event_id(event: events.Event, dedupe_key: str, endpoint: Endpoint) -> str:
    if dedupe_key:  # the same event for the same endpoint always has the same id
        return str(uuid.uuid5(uuid.NAMESPACE_URL, f"{dedupe_key}:{endpoint.pk}"))
    return str(uuid.uuid4())


def deliveries_create(
    event: events.Event, *, dedupe_key: str = "", endpoints: list[Endpoint] | None = None
) -> list[Delivery]:
    """The deliveries for ``event``: nothing for an institute that may not see the record."""
    if endpoints is None:
        endpoints = _endpoints_for(event.type)
    if dedupe_key and endpoints:
        done = set(
            Delivery.objects.filter(dedupe_key=dedupe_key).values_list("endpoint_id", flat=True)
        )
        endpoints = [e for e in endpoints if e.pk not in done]
    if not endpoints:
        return []
    obj = event.model._default_manager.filter(pk=event.pk).first()
    describe = payloads.DESCRIBE.get(event.model)
    if obj is None or describe is None:
        return []
    data = None
    allowed: dict[int, bool] = {}
    created = []
    for endpoint in endpoints:
        institute: Institute = endpoint.institute
        if institute.pk not in allowed:
            allowed[institute.pk] = access.institute_may_see(institute=institute, obj=obj)
        if not allowed[institute.pk]:
            continue
        data = data if data is not None else describe(obj)
        event_id = _event_id(event, dedupe_key, endpoint)
        try:
            with transaction.atomic():
                delivery = Delivery.objects.create(
                    endpoint=endpoint,
                    event_id=event_id,
                    event_type=event.type,
                    dedupe_key=dedupe_key,
                    payload=payloads.envelope(
                        event_id=event_id, event=event, institute=institute, data=data
                    ),
                    next_attempt_at=timezone.now(),
                )
        except IntegrityError:
            continue  # already sent to this endpoint (a repeated overdue scan)
        created.append(delivery)
    for delivery in created:
        transaction.on_commit(lambda pk=delivery.pk: enqueue(pk))
    return created


def event_received(event: events.Event) -> None:
    """The listener ``WebhooksConfig.ready()`` registers with ``portal.events``."""
    deliveries_create(event)


def overdue_announce(*, now=None) -> int:
    """Announce each overdue milestone once per week it stays overdue.

    The weeks are the milestone overdue reminder's own (``programmes.reminders``), so an
    endpoint hears when the owner is reminded; each (milestone, week) reaches an endpoint
    once however often this runs.
    """
    now = now or timezone.now()
    listening = _endpoints_for(events.EventType.MILESTONE_OVERDUE)
    if not listening:
        return 0
    rows = list(programmes_reminders.milestone_overdue(now).values_list(OBJECT, WINDOW))
    count = 0
    for start in range(0, len(rows), 500):
        chunk = [
            (pk, window, f"milestone.overdue:{pk}:{window}")
            for pk, window in rows[start : start + 500]
        ]
        # What each endpoint already heard, in one query per chunk: a repeated sweep
        # costs a read, not a check per milestone.
        sent = set(
            Delivery.objects.filter(dedupe_key__in=[key for _, _, key in chunk]).values_list(
                "dedupe_key", "endpoint_id"
            )
        )
        for pk, window, key in chunk:
            missing = [e for e in listening if (key, e.pk) not in sent]
            if not missing:
                continue
            event = events.Event(
                type=events.EventType.MILESTONE_OVERDUE,
                model=Milestone,
                pk=pk,
                change="overdue",
                occurred_at=now,
                detail={"window": window},
            )
            count += len(deliveries_create(event, dedupe_key=key, endpoints=missing))
    return count
