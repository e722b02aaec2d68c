"""Milestone reminders: 14, 7 and 1 days before; the day after, then weekly until done."""

import datetime

import pytest
import time_machine
from django.core import mail

from notifications import services
from notifications.models import Reminder
from notifications.windows import window_label
from programmes.models import MilestoneStatus
from tests.notifications.factories import MilestoneFactory

pytestmark = pytest.mark.django_db

DUE = datetime.date(2026, 12, 31)


def at(day: datetime.date, hour: int = 9):
    return time_machine.travel(
        datetime.datetime.combine(day, datetime.time(hour), tzinfo=datetime.UTC), tick=False
    )


def labels(kind):
    return sorted(
        window_label(w) for w in Reminder.objects.filter(kind=kind).values_list("window", flat=True)
    )


@pytest.fixture
def milestone(uk_user):
    return MilestoneFactory(owner=uk_user, due_date=DUE, title="Joint evaluation report")


@pytest.mark.parametrize(
    ("offset", "kind", "expected"),
    [
        (-15, "milestone_due", []),
        (-14, "milestone_due", ["d14"]),
        (-8, "milestone_due", ["d14"]),
        (-7, "milestone_due", ["d7"]),
        (-2, "milestone_due", ["d7"]),
        (-1, "milestone_due", ["d1"]),
        (0, "milestone_due", ["d1"]),
        (0, "milestone_overdue", []),
        (1, "milestone_overdue", ["overdue-w0"]),
        (1, "milestone_due", []),
        (7, "milestone_overdue", ["overdue-w0"]),
        (8, "milestone_overdue", ["overdue-w1"]),
        (22, "milestone_overdue", ["overdue-w3"]),
    ],
)
def test_milestone_windows_at_their_boundaries(milestone, offset, kind, expected):
    with at(DUE + datetime.timedelta(days=offset)):
        services.reminder_scan()
    assert labels(kind) == expected


def test_daily_scans_give_each_reminder_once(milestone):
    for offset in range(-20, 16):
        with at(DUE + datetime.timedelta(days=offset)):
            services.reminder_scan()
    assert labels("milestone_due") == ["d1", "d14", "d7"]
    assert labels("milestone_overdue") == ["overdue-w0", "overdue-w1", "overdue-w2"]
    assert set(Reminder.objects.values_list("recipient_id", flat=True)) == {milestone.owner_id}


@pytest.mark.parametrize("status", [MilestoneStatus.DONE, MilestoneStatus.CANCELLED])
def test_closed_milestones_get_no_reminders(milestone, status):
    milestone.status = status
    milestone.completed_on = DUE
    milestone.save()
    with at(DUE - datetime.timedelta(days=7)):
        services.reminder_scan()
    with at(DUE + datetime.timedelta(days=1)):
        services.reminder_scan()
    assert not Reminder.objects.exists()


def test_a_milestone_done_before_delivery_sends_nothing(milestone):
    with at(DUE - datetime.timedelta(days=7)):
        services.reminder_scan()
        milestone.status = MilestoneStatus.DONE
        milestone.completed_on = DUE - datetime.timedelta(days=7)
        milestone.save()
        result = services.reminder_deliver_due()
    assert result.skipped == 1
    assert mail.outbox == []
    assert Reminder.objects.get().status == "skipped"


def test_the_email_names_the_milestone_project_and_date(milestone, settings):
    settings.SITE_URL = "https://portal.example.org"
    with at(DUE - datetime.timedelta(days=7)):
        services.reminder_scan()
        services.reminder_deliver_due()
    (email,) = mail.outbox
    assert (
        email.subject == "Milestone “Joint evaluation report” is due in 7 days (31 December 2026)"
    )
    assert milestone.project.code in email.body
    assert "https://portal.example.org/" in email.body


def test_overdue_email_says_weekly_until_done(milestone):
    with at(DUE + datetime.timedelta(days=1)):
        services.reminder_scan()
        services.reminder_deliver_due()
    (email,) = mail.outbox
    assert email.subject == "Milestone “Joint evaluation report” is overdue (due 31 December 2026)"
    assert "weekly until it is done" in email.body


def test_relative_dates_are_the_recipients(au_user):
    """08:00 on Wednesday 2 December in Canberra is still 1 December in UTC: the milestone
    is due today for its owner, not tomorrow."""
    MilestoneFactory(owner=au_user, due_date=datetime.date(2026, 12, 2), title="Protocol")
    with time_machine.travel(datetime.datetime(2026, 12, 1, 21, 0, tzinfo=datetime.UTC)):
        services.reminder_scan()
        services.reminder_deliver_due()
    (email,) = mail.outbox
    assert email.subject == "Milestone “Protocol” is due today (2 December 2026)"


@pytest.mark.parametrize(
    ("offset", "expected"),
    [(-3, "3 days ago"), (-1, "yesterday"), (0, "today"), (1, "tomorrow"), (7, "in 7 days")],
)
def test_relative_day_wording(offset, expected):
    from notifications.windows import relative_day

    today = datetime.date(2026, 12, 2)
    assert relative_day(today + datetime.timedelta(days=offset), today) == expected
