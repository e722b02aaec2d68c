"""Handover reminders: recipients the day after the acknowledge-by date, the sender a day later."""

import datetime

import pytest
import time_machine
from django.core import mail

from handover import services as handover_services
from handover.markings import Marking
from notifications import services
from notifications.models import Reminder
from notifications.windows import window_label
from tests.handover.factories import make_document, make_handover, people

pytestmark = pytest.mark.django_db

UTC = datetime.UTC
SENT = datetime.datetime(2026, 11, 27, 9, tzinfo=UTC)
ACKNOWLEDGE_BY = datetime.date(2026, 12, 4)  # 7 days after sending


@pytest.fixture
def sent():
    with time_machine.travel(SENT, tick=False):
        who = people()
        document = make_document(
            who["uk_sender"],
            marking=Marking(scheme="UK", classification="OFFICIAL-SENSITIVE"),
        )
        handover = make_handover(
            who["uk_sender"], [who["au_recipient"], who["au_other"]], [document], days=7
        )
    assert handover.acknowledge_by == ACKNOWLEDGE_BY
    return handover, who


def at(day: datetime.date, hour: int = 9):
    return time_machine.travel(
        datetime.datetime.combine(day, datetime.time(hour), tzinfo=UTC), tick=False
    )


def found():
    return sorted(
        (window_label(w), r)
        for w, r in Reminder.objects.filter(kind="handover_unacknowledged").values_list(
            "window", "recipient_id"
        )
    )


@pytest.mark.parametrize(
    ("offset", "expected"),
    [
        (0, set()),
        (1, {"recipients"}),
        (2, {"recipients", "sender"}),
        (10, {"recipients", "sender"}),
    ],
)
def test_reminded_after_the_acknowledge_by_date(sent, offset, expected):
    handover, who = sent
    with at(ACKNOWLEDGE_BY + datetime.timedelta(days=offset)):
        services.reminder_scan()
        services.reminder_scan()
    people_expected = set()
    if "recipients" in expected:
        people_expected |= {
            ("recipient", who["au_recipient"].pk),
            ("recipient", who["au_other"].pk),
        }
    if "sender" in expected:
        people_expected.add(("sender", who["uk_sender"].pk))
    assert set(found()) == people_expected
    assert len(found()) == len(people_expected)


def test_the_email_carries_the_marking_in_the_subject_and_no_file(sent, settings):
    handover, who = sent
    settings.SITE_URL = "https://portal.example.org"
    Reminder.objects.all().delete()  # the "sent to you" notices are not under test here
    with at(ACKNOWLEDGE_BY + datetime.timedelta(days=1)):
        services.reminder_scan()
        services.reminder_deliver_due()
    assert len(mail.outbox) == 2
    email = mail.outbox[0]
    assert email.subject == (
        f"[OFFICIAL-SENSITIVE] {handover.reference} waits for your acknowledgement "
        "(due by 4 December 2026)"
    )
    assert email.attachments == []
    assert f"https://portal.example.org{handover.get_absolute_url()}" in email.body


def test_acknowledged_before_delivery_sends_nothing(sent):
    handover, who = sent
    Reminder.objects.all().delete()
    with at(ACKNOWLEDGE_BY + datetime.timedelta(days=2)):
        services.reminder_scan()
        handover_services.handover_acknowledge(handover=handover, user=who["au_recipient"])
        result = services.reminder_deliver_due()
    assert result.skipped == 3
    # Only the news that it was acknowledged goes out, to the sender.
    assert [m.to for m in mail.outbox] == [[who["uk_sender"].email]]
    assert "acknowledge" in mail.outbox[0].subject.lower()
    assert set(
        Reminder.objects.filter(kind="handover_unacknowledged").values_list("status", flat=True)
    ) == {"skipped"}
