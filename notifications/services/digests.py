"""Daily digests: at 08:00 on each person's working days, everything they chose to read in
one email, recorded once per local day."""

import logging
from datetime import datetime

from django.core.mail import get_connection
from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone

from accounts.models import User

from ..calendars import digest_due_today
from ..kinds import Delivery
from ..models import Digest, Reminder
from .emails import digest_email, reopen
from .recheck import recheck

logger = logging.getLogger(__name__)

Status = Reminder.Status


def _digest_send_one(user: User, day, conn, now: datetime) -> bool:
    with transaction.atomic():
        reminders = list(
            Reminder.objects.select_for_update(skip_locked=True, of=("self",))
            .filter(recipient=user, status=Status.PENDING, delivery=Delivery.DIGEST)
            .select_related("recipient__institute", "notification")
            .order_by("due_at", "pk")
        )
        if not reminders:
            return False
        prepared = recheck(reminders, now)
        items = [p for p in prepared if not p.skip]
        for p in prepared:
            if p.skip:
                Reminder.objects.filter(pk=p.reminder.pk).update(
                    status=Status.SKIPPED, last_error=p.skip
                )
        if not items:
            return False  # nothing to say: no email, and no digest recorded for the day
        digest = Digest.objects.create(
            recipient=user,
            local_date=day,
            time_zone=user.effective_time_zone,
            item_count=len(items),
            sent_at=now,
        )
        email = digest_email(user=user, items=items, day=day)
        email.connection = conn
        # Sent inside the transaction: if the server refuses, nothing is recorded and the
        # next run (15 minutes on) tries again.
        conn.send_messages([email])
        Reminder.objects.filter(pk__in=[p.reminder.pk for p in items]).update(
            status=Status.SENT, digest=digest, sent_at=timezone.now(), last_error=""
        )
    return True


def digest_send_due(*, now: datetime | None = None) -> int:
    """Send today's digest to everyone whose local 08:00 has passed on a working day.

    Only people with something waiting are considered; a digest is recorded per local day,
    so later runs the same day (every 15 minutes) send nothing more to them.
    """
    now = now or timezone.now()
    waiting = Reminder.objects.filter(status=Status.PENDING, delivery=Delivery.DIGEST)
    candidates = User.objects.filter(
        is_active=True, pk__in=waiting.values("recipient_id")
    ).select_related("institute")
    due = []
    for user in candidates:
        day = digest_due_today(user, now)
        if day is not None:
            due.append((user, day))
    if not due:
        return 0
    done = set(
        Digest.objects.filter(
            recipient_id__in=[u.pk for u, _ in due], local_date__in={d for _, d in due}
        ).values_list("recipient_id", "local_date")
    )
    due = [(u, d) for u, d in due if (u.pk, d) not in done]
    if not due:
        return 0
    sent = 0
    conn = get_connection()
    try:
        conn.open()
    except Exception:  # noqa: BLE001 - try again on the next run
        logger.warning("Could not connect to the mail server for digests", exc_info=True)
        return 0
    try:
        for user, day in due:
            try:
                sent += _digest_send_one(user, day, conn, now)
            except IntegrityError:
                continue  # another worker sent this person's digest for the day
            except Exception as exc:  # noqa: BLE001 - record and move on to the next person
                logger.warning("Digest for user %s failed: %s", user.pk, exc)
                Reminder.objects.filter(
                    recipient=user, status=Status.PENDING, delivery=Delivery.DIGEST
                ).update(attempts=F("attempts") + 1, last_error=f"Digest: {exc}"[:2000])
                reopen(conn)
    finally:
        conn.close()
    return sent
