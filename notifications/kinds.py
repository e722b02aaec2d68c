"""The kinds of notice a person can receive, and how each reaches them by default.

One list for the whole portal, so that the preferences page shows every kind even before
the app that raises it has any data. Rules (``<app>/reminders.py``) and events
(``notify(kind=...)``) refer to these keys.
"""

from dataclasses import dataclass

from django.db import models


class Delivery(models.TextChoices):
    IMMEDIATELY = "immediately", "Immediately"
    DIGEST = "digest", "In my daily digest"
    OFF = "off", "Off"


@dataclass(frozen=True)
class Kind:
    key: str
    label: str
    hint: str
    group: str  # "reminder" (found by the scan) or "event" (something just happened)
    default: str = Delivery.IMMEDIATELY
    # Why it cannot be switched off; empty when it can.
    mandatory_reason: str = ""

    @property
    def mandatory(self) -> bool:
        return bool(self.mandatory_reason)


REMINDER = "reminder"
EVENT = "event"

KINDS: dict[str, Kind] = {
    k.key: k
    for k in [
        Kind(
            "milestone_due",
            "Milestone due soon",
            "14, 7 and 1 days before a milestone you own is due.",
            REMINDER,
        ),
        Kind(
            "milestone_overdue",
            "Milestone overdue",
            "The day after a milestone you own was due, then weekly until it is done.",
            REMINDER,
        ),
        Kind(
            "application_awaiting_decision",
            "Application waiting on your decision",
            "When an application has waited 5 working days for you, then weekly.",
            REMINDER,
        ),
        Kind(
            "checklist_item_due",
            "Secondment checklist item due",
            "7 days before a checklist item you own is due.",
            REMINDER,
        ),
        Kind(
            "checklist_item_late",
            "Secondment checklist item late",
            "The day after a checklist item you own was due, if it is still open.",
            REMINDER,
        ),
        Kind(
            "secondment_starting",
            "Secondment starting",
            "30 and 7 days before a secondment you are part of starts.",
            REMINDER,
        ),
        Kind(
            "secondment_ending",
            "Secondment ending",
            "30 days before a secondment ends, when the return report is due.",
            REMINDER,
        ),
        Kind(
            "clearance_expiring",
            "Security clearance or visa expiring",
            "When a clearance or visa for a secondment expires within 60 days.",
            REMINDER,
            mandatory_reason="A lapsed clearance or visa can stop a secondment at once, so "
            "the people responsible must always hear about it.",
        ),
        Kind(
            "handover_unacknowledged",
            "Handover not acknowledged",
            "When documents sent to you (or by you) are not acknowledged by their date.",
            REMINDER,
            mandatory_reason="Documents in a handover stay in the sender's custody until "
            "acknowledged; an open handover has to be chased.",
        ),
        Kind(
            "mfa_setup_required",
            "Two-factor authentication needed",
            "Weekly, while your role needs an authenticator app that you have not set up.",
            REMINDER,
            mandatory_reason="Managers and administrators cannot use their pages until "
            "two-factor authentication is on.",
        ),
        Kind(
            "opportunity_matches_search",
            "New opportunity matching your saved search",
            "An opportunity was published that matches a search you saved.",
            EVENT,
        ),
        Kind(
            "application_submitted",
            "Application submitted to you",
            "Someone asks you to endorse or decide on their application.",
            EVENT,
        ),
        Kind(
            "application_endorsed",
            "Application endorsed",
            "A line manager endorsed an application.",
            EVENT,
        ),
        Kind(
            "application_returned",
            "Application returned for changes",
            "Your application came back to you with comments.",
            EVENT,
        ),
        Kind(
            "application_accepted",
            "Application accepted",
            "An application was accepted and its secondment created.",
            EVENT,
        ),
        Kind(
            "application_declined",
            "Application declined",
            "An application was declined, with the reason.",
            EVENT,
        ),
        Kind(
            "application_withdrawn",
            "Application withdrawn",
            "An application you were asked to endorse or decide on was withdrawn.",
            EVENT,
        ),
        Kind(
            "secondment_ready",
            "Secondment ready",
            "A secondment you are part of was marked ready to start.",
            EVENT,
        ),
        Kind(
            "secondment_started",
            "Secondment started",
            "A secondment you are part of was marked started.",
            EVENT,
        ),
        Kind(
            "secondment_dates_changed",
            "Secondment re-dated",
            "The dates of a secondment you are part of changed, with the reason.",
            EVENT,
        ),
        Kind(
            "secondment_cancelled",
            "Secondment cancelled",
            "A secondment you are part of was cancelled, with the reason.",
            EVENT,
        ),
        Kind(
            "secondment_ended_early",
            "Secondment ended early",
            "A secondment you are part of was ended early, with the reason.",
            EVENT,
        ),
        Kind(
            "secondment_supervisor_named",
            "Host supervisor named",
            "A host supervisor was named for a secondment you are part of.",
            EVENT,
        ),
        Kind(
            "handover_sent",
            "Handover sent to you",
            "Documents were handed over to you and wait for your acknowledgement.",
            EVENT,
            mandatory_reason="You are answerable for documents handed over to you from the "
            "moment they are sent.",
        ),
        Kind(
            "handover_acknowledged",
            "Handover acknowledged",
            "The recipients acknowledged documents you sent.",
            EVENT,
        ),
        Kind(
            "handover_withdrawn",
            "Handover withdrawn",
            "The sender withdrew documents they had handed over to you.",
            EVENT,
        ),
        Kind(
            "handover_integrity_failed",
            "Handover failed its integrity check",
            "A document in a handover no longer matches the checksum recorded when it was sent.",
            EVENT,
            mandatory_reason="A file that changed after it was sent may have been tampered "
            "with; the people responsible must always know.",
        ),
        Kind(
            "webhook_endpoint_disabled",
            "Webhook endpoint switched off",
            "One of your institute's webhook endpoints kept failing and was switched off.",
            EVENT,
        ),
        Kind(
            "handover_queried",
            "Handover queried",
            "A recipient queried documents you sent, with the reason.",
            EVENT,
        ),
    ]
}

MANDATORY_KINDS = sorted(k.key for k in KINDS.values() if k.mandatory)


def kind_for(key: str) -> Kind:
    """The kind ``key``; a kind no one declared yet is delivered immediately."""
    return KINDS.get(key) or Kind(key, key.replace("_", " ").capitalize(), "", EVENT)
