"""Writes for notifications. Other apps call ``notify`` for events that concern a person."""

from django.contrib.contenttypes.models import ContentType
from django.db import models, transaction

from accounts.models import User

from .models import Notification


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
    content, only the link, and carry ``marking`` in the subject.
    """
    return Notification.objects.create(
        recipient=recipient,
        kind=kind,
        subject=subject[:300],
        body=body,
        url=url,
        marking=marking,
        content_type=ContentType.objects.get_for_model(about) if about is not None else None,
        object_id=about.pk if about is not None else None,
    )
