"""Exchange reminders at their boundaries: decisions, checklists, secondment dates, expiry."""

import datetime

import pytest
import time_machine
from django.core import mail

from notifications import services
from notifications.calendars import working_days_before
from notifications.models import Reminder
from notifications.windows import window_label
from tests.factories import UserFactory
from tests.notifications.factories import (
    ApplicationFactory,
    ChecklistItemFactory,
    ProgrammeFactory,
    SecondmentFactory,
)

pytestmark = pytest.mark.django_db

UTC = datetime.UTC


def at(day: datetime.date, hour: int = 9, minute: int = 0):
    return time_machine.travel(
        datetime.datetime.combine(day, datetime.time(hour, minute), tzinfo=UTC), tick=False
    )


def reminders(kind):
    return sorted(
        (window_label(w), r)
        for w, r in Reminder.objects.filter(kind=kind).values_list("window", "recipient_id")
    )


# --- waiting on a decision -----------------------------------------------------------

MONDAY = datetime.datetime(2026, 11, 23, 10, tzinfo=UTC)


@pytest.mark.parametrize(
    ("now", "expected"),
    [
        (datetime.datetime(2026, 11, 30, 10, tzinfo=UTC), MONDAY),  # Monday → last Monday
        (datetime.datetime(2026, 11, 28, 10, tzinfo=UTC), None),  # Saturday → a Friday night
    ],
)
def test_five_working_days_skip_the_weekend(now, expected):
    cutoff = working_days_before(now, 5)
    if expected:
        assert cutoff == expected
    else:
        assert cutoff.date() == datetime.date(2026, 11, 20)
        assert cutoff.weekday() == 4


@pytest.mark.parametrize(
    ("now", "due"),
    [
        (datetime.datetime(2026, 11, 28, 12, tzinfo=UTC), False),  # Saturday: 4 working days
        (datetime.datetime(2026, 11, 30, 9, 59, tzinfo=UTC), False),  # a minute short
        (datetime.datetime(2026, 11, 30, 10, 0, tzinfo=UTC), True),  # 5 working days
    ],
)
def test_an_application_waits_5_working_days_before_its_line_manager_is_reminded(now, due):
    application = ApplicationFactory(status="submitted", status_changed_at=MONDAY)
    with time_machine.travel(now, tick=False):
        services.reminder_scan()
    expected = [("submitted-w0", application.line_manager_id)] if due else []
    assert reminders("application_awaiting_decision") == expected


def test_public_holidays_are_not_working_days_for_the_recipient():
    """Christmas and the Boxing Day holiday do not count for a line manager in England:
    submitted on 21 December, the reminder is due on 30 December, not 28 December."""
    monday = datetime.datetime(2026, 12, 21, 10, tzinfo=UTC)
    application = ApplicationFactory(status="submitted", status_changed_at=monday)
    assert application.line_manager.institute.subdivision == "ENG"
    with time_machine.travel(datetime.datetime(2026, 12, 29, 12, tzinfo=UTC), tick=False):
        services.reminder_scan()
    assert reminders("application_awaiting_decision") == []
    with time_machine.travel(datetime.datetime(2026, 12, 30, 10, tzinfo=UTC), tick=False):
        services.reminder_scan()
    assert reminders("application_awaiting_decision") == [
        ("submitted-w0", application.line_manager_id)
    ]


def test_then_weekly_until_decided():
    application = ApplicationFactory(status="submitted", status_changed_at=MONDAY)
    for day in range(0, 22):
        with at(MONDAY.date() + datetime.timedelta(days=day), 11):
            services.reminder_scan()
    windows = [w for w, _ in reminders("application_awaiting_decision")]
    # 30 November (5 working days), then 7 and 14 December.
    assert windows == ["submitted-w0", "submitted-w1", "submitted-w2"]
    application.status = "endorsed"
    application.status_changed_at = datetime.datetime(2026, 12, 14, 10, tzinfo=UTC)
    application.save()
    with at(datetime.date(2026, 12, 15)):
        services.reminder_scan()
    assert len(reminders("application_awaiting_decision")) == 3


def test_an_endorsed_application_reminds_every_programme_manager():
    managers = [UserFactory(), UserFactory()]
    programme = ProgrammeFactory(managers=managers)
    application = ApplicationFactory(
        status="endorsed", status_changed_at=MONDAY, programme=programme
    )
    with at(datetime.date(2026, 12, 1)):
        services.reminder_scan()
        services.reminder_deliver_due()
    assert {r for _, r in reminders("application_awaiting_decision")} == {m.pk for m in managers}
    assert len(mail.outbox) == 2
    assert mail.outbox[0].subject == (
        f"Application {application.reference} from {application.applicant} is waiting for "
        "your decision"
    )


def test_a_decision_before_delivery_sends_nothing():
    application = ApplicationFactory(status="submitted", status_changed_at=MONDAY)
    with at(datetime.date(2026, 12, 1)):
        services.reminder_scan()
        application.status = "endorsed"
        application.status_changed_at = datetime.datetime(2026, 12, 1, 8, tzinfo=UTC)
        application.save()
        services.reminder_deliver_due()
    assert mail.outbox == []


# --- checklist items -----------------------------------------------------------------

ITEM_DUE = datetime.date(2027, 1, 15)


@pytest.mark.parametrize(
    ("offset", "expected"),
    [(-8, []), (-7, ["d7"]), (0, ["d7"]), (1, ["late"]), (30, ["late"])],
)
def test_checklist_item_due_in_7_days_and_late(offset, expected):
    ChecklistItemFactory(due_date=ITEM_DUE)
    with at(ITEM_DUE + datetime.timedelta(days=offset)):
        services.reminder_scan()
    found = [w for w, _ in reminders("checklist_item_due") + reminders("checklist_item_late")]
    assert found == expected


def test_checklist_reminders_once_each_over_a_month():
    item = ChecklistItemFactory(due_date=ITEM_DUE)
    for offset in range(-10, 20):
        with at(ITEM_DUE + datetime.timedelta(days=offset)):
            services.reminder_scan()
    assert reminders("checklist_item_due") == [("d7", item.owner_id)]
    assert reminders("checklist_item_late") == [("late", item.owner_id)]


@pytest.mark.parametrize("change", ["done", "not_applicable", "cancelled", "no_owner"])
def test_closed_items_unowned_items_and_cancelled_secondments_are_not_reminded(change):
    item = ChecklistItemFactory(due_date=ITEM_DUE)
    if change == "cancelled":
        item.secondment.status = "cancelled"
        item.secondment.save()
    elif change == "no_owner":
        item.owner = None
        item.save()
    else:
        item.status = change
        item.save()
    with at(ITEM_DUE + datetime.timedelta(days=2)):
        services.reminder_scan()
    assert not Reminder.objects.filter(kind__startswith="checklist").exists()


# --- secondment dates ----------------------------------------------------------------

START = datetime.date(2027, 2, 1)
END = datetime.date(2027, 8, 1)


@pytest.mark.parametrize(
    ("offset", "expected"),
    [(-31, []), (-30, ["d30"]), (-8, ["d30"]), (-7, ["d7"]), (0, ["d7"]), (1, [])],
)
def test_secondment_starting_in_30_and_7_days(offset, expected):
    secondment = SecondmentFactory(start_date=START, end_date=END)
    with at(START + datetime.timedelta(days=offset)):
        services.reminder_scan()
    found = reminders("secondment_starting")
    assert sorted({w for w, _ in found}) == expected
    if expected:
        assert {r for _, r in found} == {
            secondment.secondee_id,
            secondment.home_manager_id,
            secondment.host_supervisor_id,
        }


@pytest.mark.parametrize(("offset", "expected"), [(-31, []), (-30, ["d30"]), (0, ["d30"])])
def test_secondment_ending_in_30_days(offset, expected):
    secondment = SecondmentFactory(start_date=START, end_date=END, status="active")
    with at(END + datetime.timedelta(days=offset)):
        services.reminder_scan()
    found = reminders("secondment_ending")
    assert sorted({w for w, _ in found}) == expected
    if expected:
        assert {r for _, r in found} == {secondment.secondee_id, secondment.home_manager_id}


def test_a_completed_secondment_is_not_reminded_of_its_end():
    SecondmentFactory(start_date=START, end_date=END, status="completed")
    with at(END - datetime.timedelta(days=10)):
        services.reminder_scan()
    assert not Reminder.objects.exists()


# --- clearance and visa expiry -------------------------------------------------------

EXPIRY = datetime.date(2027, 5, 1)


@pytest.mark.parametrize(
    ("field", "offset", "expected"),
    [
        ("clearance_expires_on", -61, []),
        ("clearance_expires_on", -60, ["clearance"]),
        ("clearance_expires_on", 0, ["clearance"]),
        ("visa_expires_on", -61, []),
        ("visa_expires_on", -60, ["visa"]),
        ("visa_expires_on", -1, ["visa"]),
    ],
)
def test_clearance_or_visa_expiring_within_60_days(field, offset, expected):
    item = ChecklistItemFactory(kind="clearance", status="done", **{field: EXPIRY})
    with at(EXPIRY + datetime.timedelta(days=offset)):
        services.reminder_scan()
    found = reminders("clearance_expiring")
    assert sorted({w for w, _ in found}) == expected
    if expected:
        assert {r for _, r in found} == {
            item.secondment.secondee_id,
            item.secondment.home_manager_id,
        }


def test_the_expiry_email_says_what_expires_and_when():
    ChecklistItemFactory(kind="visa", status="done", visa_expires_on=EXPIRY)
    with at(EXPIRY - datetime.timedelta(days=30)):
        services.reminder_scan()
        services.reminder_deliver_due()
    assert len(mail.outbox) == 2
    assert "Visa for " in mail.outbox[0].subject
    assert "expires on 1 May 2027" in mail.outbox[0].subject


def test_a_recipient_removed_from_the_secondment_gets_nothing():
    secondment = SecondmentFactory(start_date=START, end_date=END)
    supervisor = secondment.host_supervisor
    with at(START - datetime.timedelta(days=7)):
        services.reminder_scan()
        secondment.host_supervisor = UserFactory()
        secondment.save()
        services.reminder_deliver_due()
    assert supervisor.email not in [m.to[0] for m in mail.outbox]
    assert Reminder.objects.get(recipient=supervisor).status == "skipped"
