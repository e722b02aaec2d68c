"""Reminder rules for handovers: documents not acknowledged by their date.

The recipients are reminded the day after the acknowledge-by date, and the sender a day
later. One query each on the handover's (status, acknowledge_by) index.
"""

from django.db.models import F

from notifications.rules import Message, Rule, due_values
from notifications.windows import found_at, once_after

from . import access, markings
from .models import Handover, HandoverStatus
from .selectors import handover_marking


def _unacknowledged(recipient: str, key: str, days_after: int):
    def due(now):
        q, window = once_after("acknowledge_by", now.date(), key, first=days_after)
        return due_values(
            Handover.objects.filter(status=HandoverStatus.SENT).filter(q),
            object_id=F("pk"),
            recipient_id=F(recipient),
            window=window,
            due_at=found_at(now),
        )

    return due


def _marking(handover: Handover) -> str:
    marking = handover_marking(handover)
    return markings.banner_text(marking) if marking else ""


def describe(handover: Handover, reminder) -> Message:
    when = f"{handover.acknowledge_by:%-d %B %Y}"
    if reminder.window.startswith("sender"):
        subject = f"{handover.reference} has not been acknowledged (due by {when})"
        body = (
            f"The documents you sent to {handover.receiving_institute.name} have not been "
            f"acknowledged. Chase the recipients, or withdraw the handover with a reason."
        )
    else:
        subject = f"{handover.reference} waits for your acknowledgement (due by {when})"
        body = (
            f"Documents from {handover.sending_institute.name} were due to be acknowledged "
            f"by {when}. Open the handover to acknowledge them, or query it with a reason."
        )
    return Message(
        subject=subject,
        body=body,
        url=handover.get_absolute_url(),
        marking=_marking(handover),
    )


def _handovers():
    return Handover.objects.select_related(
        "sending_institute", "receiving_institute"
    ).prefetch_related("items__version__document")


RULES = [
    Rule(
        name=f"handover.unacknowledged.{name}",
        kind="handover_unacknowledged",
        model=Handover,
        due=_unacknowledged(recipient, key, days),
        describe=describe,
        visible_to=access.handovers_visible_to,
        queryset=_handovers,
    )
    for name, recipient, key, days in (
        ("recipients", "recipients", "recipient", 1),
        ("sender", "sender_id", "sender", 2),
    )
]
VISIBILITY = {Handover: access.handovers_visible_to}
