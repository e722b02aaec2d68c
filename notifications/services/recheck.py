"""The send-time re-check: what a claimed reminder says now, or why it no longer applies."""

from collections import defaultdict
from dataclasses import dataclass
from datetime import datetime

from django.contrib.contenttypes.models import ContentType

from .. import rules as registry
from ..models import Notification, Reminder


@dataclass
class Prepared:
    """One claimed reminder after the send-time re-check: a message, or why it is skipped."""

    reminder: Reminder
    message: registry.Message | None = None
    skip: str = ""


def message_from_notification(notification: Notification) -> registry.Message:
    return registry.Message(
        subject=notification.subject,
        body=notification.body,
        url=notification.url,
        marking=notification.marking,
    )


def recheck(reminders: list[Reminder], now: datetime) -> list[Prepared]:
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
                    prepared[r.pk].message = message_from_notification(r.notification)
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
