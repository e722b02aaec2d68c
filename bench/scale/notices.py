"""In-portal notifications: reminders about people's own milestones, and events."""

from __future__ import annotations

from django.contrib.contenttypes.models import ContentType

from notifications.kinds import KINDS
from notifications.models import Notification
from programmes.models import Milestone

from .base import Context

EVENT_KINDS = [key for key, kind in KINDS.items() if kind.group == "event"]

# Shares of all notifications that go to each benchmark person.
KEY_SHARES = {
    "researcher": 0.02,
    "programme_manager": 0.01,
    "line_manager": 0.01,
    "recipient": 0.01,
}


def seed(ctx: Context) -> None:
    owned: dict[int, list[Milestone]] = {}
    for milestone in ctx.milestones:
        owned.setdefault(milestone.owner_id, []).append(milestone)
    milestone_type = ContentType.objects.get_for_model(Milestone)
    shares = [(ctx.key[role], share) for role, share in KEY_SHARES.items()]
    rows = []
    for _ in range(ctx.sizes.notifications):
        draw = ctx.rng.random()
        recipient = None
        for person, share in shares:
            if draw < share:
                recipient = person
                break
            draw -= share
        if recipient is None:
            recipient = ctx.rng.choice(ctx.users)
        created = ctx.ago(0, 365)
        age = (ctx.now - created).days
        # Older notices have mostly been read.
        read = ctx.rng.random() < (0.95 if age > 30 else 0.5)
        mine = owned.get(recipient.pk)
        if mine and ctx.rng.random() < 0.6:
            milestone = ctx.rng.choice(mine)
            overdue = milestone.due_date < created.date()
            notice = Notification(
                recipient=recipient,
                kind="milestone_overdue" if overdue else "milestone_due",
                subject=f"Milestone “{milestone.title}” "
                + (
                    f"is overdue (due {milestone.due_date:%-d %B %Y})"
                    if overdue
                    else f"is due on {milestone.due_date:%-d %B %Y}"
                ),
                body="You own this milestone.",
                url=milestone.get_absolute_url(),
                content_type=milestone_type,
                object_id=milestone.pk,
            )
        else:
            kind = ctx.rng.choice(EVENT_KINDS)
            notice = Notification(
                recipient=recipient,
                kind=kind,
                subject=f"{KINDS[kind].label}",
                body="",
                url="/",
            )
        notice.created_at = created
        notice.read_at = ctx.moment(created.date()) if read else None
        if notice.read_at is not None and notice.read_at < created:
            notice.read_at = created
        rows.append(notice)
    ctx.create(Notification, rows)
