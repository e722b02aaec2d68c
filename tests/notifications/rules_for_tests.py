"""A rule used only by the tests: a programme's managers, before and after its end date.

It exercises the framework (windows, M2M recipients, weekly repeats, send-time re-checks)
on a model that exists on every branch.
"""

from django.db.models import F, Q

from notifications.rules import Message, Rule, due_values
from notifications.windows import before, found_at, weekly_after
from programmes.models import Programme

RULE_NAME = "tests.programme_ending"
OVERDUE_RULE_NAME = "tests.programme_ended"
KIND = "milestone_due"
OVERDUE_KIND = "milestone_overdue"


def programme_ending_due(now):
    q, window = before("end_date", now.date(), (14, 7, 1))
    return due_values(
        Programme.objects.filter(q).filter(managers__isnull=False),
        object_id=F("pk"),
        recipient_id=F("managers"),
        window=window,
        due_at=found_at(now),
    )


def programme_ended_due(now):
    q, window = weekly_after("end_date", now.date(), "overdue")
    return due_values(
        Programme.objects.filter(q).filter(managers__isnull=False),
        object_id=F("pk"),
        recipient_id=F("managers"),
        window=window,
        due_at=found_at(now),
    )


def visible_to(user):
    return Programme.objects.filter(Q(managers=user) | Q(institutes__members=user)).distinct()


def describe(programme, reminder):
    return Message(
        subject=f"{programme.name} ends on {programme.end_date:%d %B %Y}",
        body="Plan its close-down.",
        url=f"/programmes/{programme.pk}/",
        marking="OFFICIAL-SENSITIVE" if "Sensitive" in programme.name else "",
    )


ENDING = Rule(
    name=RULE_NAME,
    kind=KIND,
    model=Programme,
    due=programme_ending_due,
    describe=describe,
    visible_to=visible_to,
)
ENDED = Rule(
    name=OVERDUE_RULE_NAME,
    kind=OVERDUE_KIND,
    model=Programme,
    due=programme_ended_due,
    describe=describe,
    visible_to=visible_to,
)
