"""Events: other apps tell a person about something that just happened, in the portal and
by email as the person prefers; and the person marks their notices read."""

from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import PermissionDenied
from django.db import models, transaction
from django.utils import timezone

from accounts.models import User

from .. import access
from ..models import Notification, Reminder
from .queue import start_delivery_on_commit


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
    start_delivery_on_commit()
    return notification


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
