"""Delivery: claim due reminders under a lease, re-check them, and send each the way its
recipient prefers, over one SMTP connection per batch."""

import logging
import uuid
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.mail import EmailMultiAlternatives, get_connection
from django.db import connection, transaction
from django.db.models import F
from django.utils import timezone

from accounts.models import User

from .. import access
from ..kinds import Delivery
from ..models import Notification, Reminder
from .emails import reminder_email, reopen
from .preferences import delivery_for, preferences_for
from .queue import start_delivery_on_commit
from .recheck import Prepared, recheck

logger = logging.getLogger(__name__)

Status = Reminder.Status
CLAIMABLE = [Status.PENDING, Status.FAILED, Status.SENDING]


def setting(name: str, default):
    # Read at call time so that tests and workers can change them.
    return getattr(settings, name, default)


def batch_size() -> int:
    return int(setting("NOTIFICATIONS_BATCH_SIZE", 100))


def lease() -> timedelta:
    return timedelta(seconds=int(setting("NOTIFICATIONS_SENDING_LEASE_SECONDS", 600)))


def max_attempts() -> int:
    return int(setting("NOTIFICATIONS_MAX_ATTEMPTS", 5))


def backoff(attempts: int) -> timedelta:
    """1, 4, 16, 64 minutes... after the 1st, 2nd, 3rd, 4th failure."""
    return timedelta(
        seconds=int(setting("NOTIFICATIONS_RETRY_BASE_SECONDS", 60)) * 4 ** max(attempts - 1, 0)
    )


def claim_due(*, limit: int, now: datetime) -> list[Reminder]:
    """Take up to ``limit`` due rows for this worker; other workers skip the locked ones.

    The claim is a lease: a worker that dies mid-batch leaves rows in ``sending`` whose
    ``available_at`` passes after the lease, and the next delivery takes them again.
    """
    token = uuid.uuid4().hex
    with transaction.atomic():
        ids = list(
            Reminder.objects.select_for_update(skip_locked=True)
            .filter(status__in=CLAIMABLE, available_at__lte=now, attempts__lt=max_attempts())
            .order_by("available_at")
            .values_list("pk", flat=True)[:limit]
        )
        if not ids:
            return []
        # The conditions again: on SQLite, which has no row locks, only one claim wins.
        Reminder.objects.filter(pk__in=ids, status__in=CLAIMABLE, available_at__lte=now).update(
            status=Status.SENDING,
            claim_token=token,
            attempts=F("attempts") + 1,
            available_at=now + lease(),
        )
    return list(
        Reminder.objects.filter(claim_token=token, status=Status.SENDING)
        .select_related("recipient__institute", "notification")
        .order_by("pk")
    )


def _ensure_notifications(items: list[Prepared]) -> None:
    """The in-portal notice for each reminder, created once even if delivery is retried."""
    missing = [p for p in items if p.reminder.notification_id is None]
    if not missing:
        return
    with transaction.atomic():
        created = Notification.objects.bulk_create(
            [
                Notification(
                    recipient_id=p.reminder.recipient_id,
                    kind=p.reminder.kind,
                    subject=p.message.subject[:300],
                    body=p.message.body,
                    url=p.message.url,
                    marking=p.message.marking,
                    content_type_id=p.reminder.content_type_id,
                    object_id=p.reminder.object_id,
                )
                for p in missing
            ]
        )
        for p, notification in zip(missing, created, strict=True):
            p.reminder.notification = notification
        Reminder.objects.bulk_update([p.reminder for p in missing], ["notification"])


def _finish(reminder: Reminder, **fields) -> None:
    # Only the worker holding the claim may finish a row.
    Reminder.objects.filter(pk=reminder.pk, claim_token=reminder.claim_token).update(**fields)


def _fail(reminder: Reminder, error: BaseException | str, now: datetime) -> None:
    retry = reminder.attempts < max_attempts()
    _finish(
        reminder,
        status=Status.FAILED,
        last_error=f"{error}"[:2000]
        if isinstance(error, str)
        else f"{type(error).__name__}: {error}"[:2000],
        available_at=now + backoff(reminder.attempts) if retry else None,
    )


@dataclass
class DeliveryResult:
    claimed: int = 0
    sent: int = 0
    digest: int = 0
    off: int = 0
    skipped: int = 0
    failed: int = 0


def reminder_deliver_due(
    *, limit: int | None = None, now: datetime | None = None
) -> DeliveryResult:
    """Claim a batch of due reminders, re-check them, and deliver each by preference.

    Immediate emails in the batch go over one SMTP connection; each row is marked sent as
    soon as its message is accepted, so a worker killed mid-batch repeats at most the one
    message in flight.
    """
    now = now or timezone.now()
    with _relaxed_commits():
        return _deliver(limit=limit or batch_size(), now=now)


@contextmanager
def _relaxed_commits():
    """On PostgreSQL, commit the ledger's small updates without waiting for the disk.

    Marking a row sent is one commit per email; waiting for each WAL flush would bound
    delivery by the disk. A database crash could lose the last few marks, which means a
    repeated email at worst, never a lost reminder (the row's lease runs out and it is
    sent again). Not used inside a caller's transaction.
    """
    relax = connection.vendor == "postgresql" and not connection.in_atomic_block
    if relax:
        with connection.cursor() as cursor:
            cursor.execute("SET synchronous_commit TO OFF")
    try:
        yield
    finally:
        if relax:
            with connection.cursor() as cursor:
                cursor.execute("RESET synchronous_commit")


def _deliver(*, limit: int, now: datetime) -> DeliveryResult:
    result = DeliveryResult()
    reminders = claim_due(limit=limit, now=now)
    result.claimed = len(reminders)
    if not reminders:
        return result
    prepared = recheck(reminders, now)
    prefs = preferences_for(user_ids={r.recipient_id for r in reminders})
    deliverable = []
    for p in prepared:
        if p.skip:
            _finish(p.reminder, status=Status.SKIPPED, last_error=p.skip, available_at=None)
            result.skipped += 1
        else:
            deliverable.append(p)
    _ensure_notifications(deliverable)
    emails = []
    for p in deliverable:
        r = p.reminder
        choice = delivery_for(prefs, r.recipient_id, r.kind)
        if choice == Delivery.OFF:
            _finish(r, status=Status.SENT, delivery=Delivery.OFF, sent_at=now, available_at=None)
            result.off += 1
        elif choice == Delivery.DIGEST:
            # Waits for the person's next digest; no available_at, so no claim takes it.
            _finish(r, status=Status.PENDING, delivery=Delivery.DIGEST, available_at=None)
            result.digest += 1
        else:
            emails.append((r, reminder_email(reminder=r, message=p.message)))
    if emails:
        sent, failed = _send_each(emails, now)
        result.sent += sent
        result.failed += failed
    return result


def _send_each(emails: list[tuple[Reminder, EmailMultiAlternatives]], now: datetime):
    """Send over one SMTP connection, marking each row sent or failed as it goes."""
    sent = failed = 0
    conn = get_connection()
    try:
        conn.open()
    except Exception as exc:  # noqa: BLE001 - the server is down: every row waits to retry
        logger.warning("Could not connect to the mail server: %s", exc)
        for reminder, _ in emails:
            _fail(reminder, exc, now)
        return 0, len(emails)
    try:
        for reminder, email in emails:
            email.connection = conn
            try:
                conn.send_messages([email])
            except Exception as exc:  # noqa: BLE001 - record it on the row, retry later
                logger.warning("Could not send reminder %s: %s", reminder.pk, exc)
                _fail(reminder, exc, now)
                failed += 1
                # The connection may be broken; start a fresh one for the rest.
                reopen(conn)
                continue
            _finish(
                reminder,
                status=Status.SENT,
                delivery=Delivery.IMMEDIATELY,
                sent_at=timezone.now(),
                last_error="",
                available_at=None,
            )
            sent += 1
    finally:
        conn.close()
    return sent, failed


@transaction.atomic
def reminder_resend(*, reminder: Reminder, actor: User) -> None:
    """Put a failed or skipped reminder back in the queue (from the admin)."""
    if not access.can_resend_reminders(actor):
        raise PermissionDenied("You may not resend reminders.")
    if reminder.status not in (Status.FAILED, Status.SKIPPED):
        raise ValidationError("Only a failed or skipped reminder can be sent again.")
    Reminder.objects.filter(pk=reminder.pk).update(
        status=Status.PENDING,
        attempts=0,
        last_error="",
        delivery="",
        claim_token="",
        available_at=timezone.now(),
    )
    start_delivery_on_commit()
