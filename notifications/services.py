"""Writes for notifications: events, the reminder scan, delivery, digests and preferences.

Other apps call :func:`notify` for events that concern a person. Everything else runs from
Celery (``tasks.py``) or from a person's own pages.
"""

from __future__ import annotations

import logging
import uuid
from collections import defaultdict
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.mail import EmailMultiAlternatives, get_connection
from django.db import IntegrityError, connection, models, transaction
from django.db.models import F
from django.template.loader import render_to_string
from django.utils import timezone

from accounts.models import User

from . import access
from . import rules as registry
from .calendars import digest_due_today, local_now
from .kinds import KINDS, Delivery, kind_for
from .models import Digest, Notification, Preference, Reminder

logger = logging.getLogger(__name__)

Status = Reminder.Status
CLAIMABLE = [Status.PENDING, Status.FAILED, Status.SENDING]


def _setting(name: str, default):
    # Read at call time so that tests and workers can change them.
    return getattr(settings, name, default)


def batch_size() -> int:
    return int(_setting("NOTIFICATIONS_BATCH_SIZE", 100))


def _lease() -> timedelta:
    return timedelta(seconds=int(_setting("NOTIFICATIONS_SENDING_LEASE_SECONDS", 600)))


def _max_attempts() -> int:
    return int(_setting("NOTIFICATIONS_MAX_ATTEMPTS", 5))


def _backoff(attempts: int) -> timedelta:
    """1, 4, 16, 64 minutes... after the 1st, 2nd, 3rd, 4th failure."""
    return timedelta(
        seconds=int(_setting("NOTIFICATIONS_RETRY_BASE_SECONDS", 60)) * 4 ** max(attempts - 1, 0)
    )


# --- enqueueing ------------------------------------------------------------------------


def _enqueue_now(task_name: str) -> bool:
    """Send a task to the broker; when the broker is down, log and carry on.

    Reminders are level-triggered: whatever is not delivered now stays pending in the
    ledger and the next scan (every 5 minutes) enqueues delivery again.
    """
    from . import tasks

    task = getattr(tasks, task_name)
    try:
        # Without a bounded check, publishing to a broker that is down retries for ever
        # and would hang the web request.
        with task.app.pool.acquire(block=True, timeout=2) as conn:
            conn.ensure_connection(max_retries=1, interval_start=0, interval_step=0.2, timeout=2)
            task.apply_async(retry=False, connection=conn)
    except Exception:  # noqa: BLE001 - any broker failure must not break the web request
        logger.warning(
            "Could not enqueue %s; the next scan will pick it up.", task_name, exc_info=True
        )
        return False
    return True


def delivery_enqueue() -> None:
    """Start delivery once the current transaction commits (at once outside one)."""
    transaction.on_commit(lambda: _enqueue_now("deliver_reminders"))


# --- events ----------------------------------------------------------------------------


@transaction.atomic
def notify(
    *,
    recipient: User,
    kind: str,
    subject: str,
    url: str = "",
    body: str = "",
    about: models.Model | None = None,
    marking: str = "",
) -> Notification:
    """Tell ``recipient`` about an event (an application endorsed, a handover sent...).

    Call it inside the service that makes the change, so that the notice exists exactly
    when the change commits. ``url`` is a path inside the portal; emails never carry file
    content, only the link, and carry ``marking`` in the subject. The in-portal notice is
    created now; the email follows the person's preference for ``kind`` (immediately, in
    their daily digest, or not at all) through the reminder ledger once this commits.
    """
    content_type = ContentType.objects.get_for_model(about) if about is not None else None
    notification = Notification.objects.create(
        recipient=recipient,
        kind=kind,
        subject=subject[:300],
        body=body,
        url=url,
        marking=marking,
        content_type=content_type,
        object_id=about.pk if about is not None else None,
    )
    now = timezone.now()
    Reminder.objects.create(
        kind=kind,
        content_type=content_type,
        object_id=notification.object_id,
        recipient=recipient,
        window=f"event-{notification.pk}",
        due_at=now,
        available_at=now,
        notification=notification,
    )
    delivery_enqueue()
    return notification


# --- the scan --------------------------------------------------------------------------


def scan_sql(rule: registry.Rule, now: datetime) -> tuple[str, list]:
    """The one statement that adds ``rule``'s due set to the ledger, ignoring known keys.

    The due set never leaves the database, and concurrent scans cannot create a row twice
    because the unique key decides.
    """
    inner_sql, inner_params = rule.due(now).order_by().query.sql_with_params()
    qn = connection.ops.quote_name
    table = qn(Reminder._meta.db_table)
    columns = [
        "kind", "content_type_id", "object_id", "recipient_id", "window", "due_at", "status",
        "delivery", "available_at", "claim_token", "attempts", "last_error", "created",
    ]  # fmt: skip
    key = ["kind", "content_type_id", "object_id", "recipient_id", "window"]
    content_type = ContentType.objects.get_for_model(rule.model)
    # Identifiers are quoted by the backend and every value is a parameter.
    # The WHERE clause also resolves SQLite's INSERT ... SELECT ... ON CONFLICT ambiguity.
    sql = (
        f"INSERT INTO {table} ({', '.join(qn(c) for c in columns)}) "  # noqa: S608
        f"SELECT %s, %s, s.{qn(registry.OBJECT)}, s.{qn(registry.RECIPIENT)}, "
        f"s.{qn(registry.WINDOW)}, s.{qn(registry.DUE)}, %s, '', %s, '', 0, '', %s "
        f"FROM ({inner_sql}) s WHERE NOT EXISTS (SELECT 1 FROM {table} r WHERE "
        f"r.{qn('kind')} = %s AND r.{qn('content_type_id')} = %s "
        f"AND r.{qn('object_id')} = s.{qn(registry.OBJECT)} "
        f"AND r.{qn('recipient_id')} = s.{qn(registry.RECIPIENT)} "
        f"AND r.{qn('window')} = s.{qn(registry.WINDOW)}) "
        f"ON CONFLICT ({', '.join(qn(c) for c in key)}) DO NOTHING"
    )
    when = connection.ops.adapt_datetimefield_value(now)
    # Known keys are skipped by the anti-join (one index probe each, cheaper than a
    # conflicting insert); ON CONFLICT still settles races between concurrent scans.
    return sql, [
        rule.kind,
        content_type.pk,
        Status.PENDING,
        when,
        when,
        *inner_params,
        rule.kind,
        content_type.pk,
    ]


def _insert_due(rule: registry.Rule, now: datetime) -> int:
    sql, params = scan_sql(rule, now)
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return max(cursor.rowcount, 0)


@dataclass
class ScanResult:
    created: dict[str, int] = field(default_factory=dict)
    failed: list[str] = field(default_factory=list)

    @property
    def total(self) -> int:
        return sum(self.created.values())


def reminder_scan(*, now: datetime | None = None) -> ScanResult:
    """Run every registered rule once and add what is newly due to the ledger."""
    now = now or timezone.now()
    result = ScanResult()
    for rule in registry.all_rules():
        try:
            # Each rule is one statement, atomic by itself; inside a caller's transaction
            # a savepoint keeps one failing rule from spoiling it.
            if connection.in_atomic_block:
                with transaction.atomic():
                    result.created[rule.name] = _insert_due(rule, now)
            else:
                result.created[rule.name] = _insert_due(rule, now)
        except Exception:  # one broken rule must not stop the others
            logger.exception("Reminder rule %s failed", rule.name)
            result.failed.append(rule.name)
    if result.total:
        logger.info("Reminder scan created %s reminder(s): %s", result.total, result.created)
    return result


# --- preferences -----------------------------------------------------------------------


def preferences_for(*, user_ids) -> dict[tuple[int, str], str]:
    """Stored choices for these people, keyed by (user id, kind); defaults are not rows."""
    return {
        (user_id, kind): delivery
        for user_id, kind, delivery in Preference.objects.filter(user_id__in=user_ids).values_list(
            "user_id", "kind", "delivery"
        )
    }


def delivery_for(prefs: dict[tuple[int, str], str], user_id: int, kind: str) -> str:
    spec = kind_for(kind)
    chosen = prefs.get((user_id, kind), spec.default)
    if chosen == Delivery.OFF and spec.mandatory:
        return spec.default
    return chosen


@transaction.atomic
def preferences_update(*, user: User, choices: dict[str, str], time_zone: str | None = None):
    """Save ``user``'s delivery choice per kind (and their time zone, if given).

    A mandatory kind cannot be switched off; the message says why.
    """
    errors = {}
    for kind, delivery in choices.items():
        spec = KINDS.get(kind)
        if spec is None:
            errors[kind] = "Choose from the kinds of notice listed."
        elif delivery not in Delivery.values:
            errors[kind] = f"Choose how you want “{spec.label}” notices."
        elif delivery == Delivery.OFF and spec.mandatory:
            errors[kind] = f"“{spec.label}” cannot be switched off: {spec.mandatory_reason}"
    if errors:
        raise ValidationError(errors)
    for kind, delivery in choices.items():
        Preference.objects.update_or_create(user=user, kind=kind, defaults={"delivery": delivery})
    if time_zone is not None and time_zone != user.time_zone:
        user.time_zone = time_zone
        user.full_clean(validate_unique=False, validate_constraints=False)
        user.save(update_fields=["time_zone"])


# --- reading the person's notices ------------------------------------------------------


@transaction.atomic
def notification_mark_read(*, user: User, notification: Notification) -> None:
    if not access.is_notification_recipient(user=user, notification=notification):
        raise PermissionDenied("This notification is not yours.")
    if notification.read_at is None:
        Notification.objects.filter(pk=notification.pk, read_at__isnull=True).update(
            read_at=timezone.now()
        )


@transaction.atomic
def notification_mark_all_read(*, user: User) -> int:
    return Notification.objects.filter(recipient=user, read_at__isnull=True).update(
        read_at=timezone.now()
    )


# --- delivery --------------------------------------------------------------------------


@dataclass
class Prepared:
    """One claimed reminder after the send-time re-check: a message, or why it is skipped."""

    reminder: Reminder
    message: registry.Message | None = None
    skip: str = ""


def _message_from_notification(notification: Notification) -> registry.Message:
    return registry.Message(
        subject=notification.subject,
        body=notification.body,
        url=notification.url,
        marking=notification.marking,
    )


def _recheck(reminders: list[Reminder], now: datetime) -> list[Prepared]:
    """Decide, at send time, what each reminder says, or why it no longer applies.

    Set-based: one query per (rule, batch) for "still due" and one per (kind, recipient)
    for "may still see it", never one per reminder.
    """
    prepared = {r.pk: Prepared(r) for r in reminders}
    by_rule_group: dict[tuple[str, int | None], list[Reminder]] = defaultdict(list)
    for r in reminders:
        if not r.recipient.is_active:
            prepared[r.pk].skip = "The recipient's account is no longer active."
            continue
        by_rule_group[(r.kind, r.content_type_id)].append(r)

    for (kind, content_type_id), group in by_rule_group.items():
        model = (
            ContentType.objects.get_for_id(content_type_id).model_class()
            if content_type_id
            else None
        )
        rules = registry.rules_for(kind, model)
        ids = {r.object_id for r in group if r.object_id is not None}
        if rules:
            still_due = set()
            for rule in rules:
                still_due |= set(
                    rule.due(now)
                    .filter(**{f"{registry.OBJECT}__in": ids})
                    .values_list(registry.OBJECT, registry.RECIPIENT, registry.WINDOW)
                )
            objects = rules[0].objects().in_bulk(ids)
            for r in group:
                if (r.object_id, r.recipient_id, r.window) not in still_due:
                    prepared[r.pk].skip = "No longer applies: it was dealt with or superseded."
                elif r.object_id not in objects:
                    prepared[r.pk].skip = "The record no longer exists."
                else:
                    prepared[r.pk].message = rules[0].describe(objects[r.object_id], r)
            visible_to = rules[0].visible_to
        else:
            for r in group:
                if r.notification is None:
                    prepared[r.pk].skip = "No rule or notice describes this reminder."
                else:
                    prepared[r.pk].message = _message_from_notification(r.notification)
            visible_to = registry.visibility_for(model)
        if visible_to is None or not ids:
            continue
        by_recipient: dict[int, list[Reminder]] = defaultdict(list)
        for r in group:
            if not prepared[r.pk].skip and r.object_id is not None:
                by_recipient[r.recipient_id].append(r)
        for rs in by_recipient.values():
            visible = set(
                visible_to(rs[0].recipient)
                .filter(pk__in={r.object_id for r in rs})
                .values_list("pk", flat=True)
            )
            for r in rs:
                if r.object_id not in visible:
                    prepared[r.pk].skip = "The recipient may no longer see this record."
                    prepared[r.pk].message = None
    return list(prepared.values())


def _link(url: str) -> str:
    if url.startswith(("http://", "https://")):
        return url
    return f"{settings.SITE_URL}{url if url.startswith('/') else '/' + url}"


def email_subject(subject: str, marking: str) -> str:
    subject = " ".join(subject.split())
    return f"[{marking}] {subject}" if marking else subject


def _preferences_link() -> str:
    from django.urls import reverse

    return _link(reverse("notifications:preferences"))


def reminder_email(*, reminder: Reminder, message: registry.Message) -> EmailMultiAlternatives:
    """The email for one notice: text and HTML, a link and never any file content."""
    context = {
        "recipient": reminder.recipient,
        "message": message,
        "kind": kind_for(reminder.kind),
        "link": _link(message.url) if message.url else _link("/notifications/"),
        "preferences_link": _preferences_link(),
        "portal_name": settings.PORTAL_NAME,
    }
    email = EmailMultiAlternatives(
        subject=email_subject(message.subject, message.marking),
        body=render_to_string("notifications/email/notice.txt", context),
        to=[reminder.recipient.email],
    )
    email.attach_alternative(
        render_to_string("notifications/email/notice.html", context), "text/html"
    )
    return email


def _claim(*, limit: int, now: datetime) -> list[Reminder]:
    """Take up to ``limit`` due rows for this worker; other workers skip the locked ones.

    The claim is a lease: a worker that dies mid-batch leaves rows in ``sending`` whose
    ``available_at`` passes after the lease, and the next delivery takes them again.
    """
    token = uuid.uuid4().hex
    with transaction.atomic():
        ids = list(
            Reminder.objects.select_for_update(skip_locked=True)
            .filter(status__in=CLAIMABLE, available_at__lte=now, attempts__lt=_max_attempts())
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
            available_at=now + _lease(),
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
    retry = reminder.attempts < _max_attempts()
    _finish(
        reminder,
        status=Status.FAILED,
        last_error=f"{error}"[:2000]
        if isinstance(error, str)
        else f"{type(error).__name__}: {error}"[:2000],
        available_at=now + _backoff(reminder.attempts) if retry else None,
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
    reminders = _claim(limit=limit, now=now)
    result.claimed = len(reminders)
    if not reminders:
        return result
    prepared = _recheck(reminders, now)
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


def _reopen(conn) -> None:
    """After a failed send the SMTP session may be broken: start a fresh one."""
    conn.close()
    try:
        conn.open()
    except Exception as exc:  # noqa: BLE001 - the next send fails and is recorded
        logger.warning("Could not reconnect to the mail server: %s", exc)


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
                _reopen(conn)
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
    delivery_enqueue()


# --- digests ---------------------------------------------------------------------------


def digest_email(*, user: User, items: list[Prepared], day) -> EmailMultiAlternatives:
    markings = sorted({p.message.marking for p in items if p.message.marking})
    count = len(items)
    subject = f"Your daily digest: {count} update{'s' if count != 1 else ''}"
    groups: dict[str, list[dict]] = defaultdict(list)
    for p in items:
        groups[kind_for(p.reminder.kind).label].append(
            {"message": p.message, "link": _link(p.message.url or "/notifications/")}
        )
    context = {
        "recipient": user,
        "day": day,
        "groups": sorted(groups.items()),
        "count": count,
        "notifications_link": _link("/notifications/"),
        "preferences_link": _preferences_link(),
        "portal_name": settings.PORTAL_NAME,
    }
    email = EmailMultiAlternatives(
        subject=email_subject(subject, " / ".join(markings)),
        body=render_to_string("notifications/email/digest.txt", context),
        to=[user.email],
    )
    email.attach_alternative(
        render_to_string("notifications/email/digest.html", context), "text/html"
    )
    return email


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
        prepared = _recheck(reminders, now)
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
                _reopen(conn)
    finally:
        conn.close()
    return sent


__all__ = [
    "digest_send_due",
    "local_now",
    "notify",
    "preferences_update",
    "reminder_deliver_due",
    "reminder_resend",
    "reminder_scan",
]
