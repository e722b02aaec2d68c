"""The scan: rules become ledger rows once per window, however often it runs."""

import datetime

import pytest
import time_machine

from accounts.models import Role
from notifications import rules as registry
from notifications import services
from notifications.models import Reminder
from notifications.rules import Rule
from notifications.windows import window_label
from tests.factories import ProgrammeFactory, UserFactory, enable_totp
from tests.notifications.rules_for_tests import KIND, OVERDUE_KIND

pytestmark = pytest.mark.django_db

END = datetime.date(2026, 12, 31)


def at(day: datetime.date, hour: int = 12):
    return time_machine.travel(
        datetime.datetime.combine(day, datetime.time(hour), tzinfo=datetime.UTC), tick=False
    )


def windows(kind=KIND):
    return sorted(
        window_label(w) for w in Reminder.objects.filter(kind=kind).values_list("window", flat=True)
    )


@pytest.fixture
def programme(uk_user):
    return ProgrammeFactory(end_date=END, managers=[uk_user])


@pytest.mark.parametrize(
    ("days_before", "expected"),
    [
        (15, []),
        (14, ["d14"]),
        (8, ["d14"]),
        (7, ["d7"]),
        (2, ["d7"]),
        (1, ["d1"]),
        (0, ["d1"]),
    ],
)
def test_due_soon_windows_open_at_14_7_and_1_days(
    only_test_rules, programme, days_before, expected
):
    """A date 14, 7 and 1 days away opens windows d14, d7 and d1; 15 days away, none."""
    with at(END - datetime.timedelta(days=days_before)):
        services.reminder_scan()
    assert windows() == expected


def test_each_window_is_reminded_once_as_days_pass(only_test_rules, programme):
    """Scanning every day for three weeks gives exactly one reminder per window."""
    for days_before in range(20, -1, -1):
        for hour in (0, 12, 23):
            with at(END - datetime.timedelta(days=days_before), hour):
                services.reminder_scan()
    assert windows() == ["d1", "d14", "d7"]


@pytest.mark.parametrize(
    ("days_after", "expected"),
    [(0, []), (1, ["overdue-w0"]), (7, ["overdue-w0"]), (8, ["overdue-w1"]), (15, ["overdue-w2"])],
)
def test_overdue_the_day_after_then_weekly(only_test_rules, programme, days_after, expected):
    """Overdue starts the day after the date (w0), then a new window every 7 days."""
    with at(END + datetime.timedelta(days=days_after)):
        services.reminder_scan()
    assert windows(OVERDUE_KIND) == expected


def test_overdue_weekly_until_done(only_test_rules, programme):
    """Daily scans over three weeks overdue give w0, w1, w2; nothing after it is resolved."""
    for days_after in range(0, 22):
        with at(END + datetime.timedelta(days=days_after)):
            services.reminder_scan()
    assert windows(OVERDUE_KIND) == ["overdue-w0", "overdue-w1", "overdue-w2"]
    programme.end_date = END + datetime.timedelta(days=400)
    programme.save()
    with at(END + datetime.timedelta(days=40)):
        services.reminder_scan()
    assert windows(OVERDUE_KIND) == ["overdue-w0", "overdue-w1", "overdue-w2"]


def test_a_moved_date_starts_a_new_series(only_test_rules, programme):
    """The date is part of the window: moving it brings reminders for the new date."""
    with at(END - datetime.timedelta(days=7)):
        services.reminder_scan()
    programme.end_date = END + datetime.timedelta(days=3)
    programme.save()
    with at(END - datetime.timedelta(days=7)):
        services.reminder_scan()
    assert sorted(Reminder.objects.values_list("window", flat=True)) == [
        "d14:2027-01-03",
        "d7:2026-12-31",
    ]


def test_repeated_scans_create_nothing_twice(only_test_rules, uk_user, au_user):
    """The unique key makes a second and third scan a no-op."""
    ProgrammeFactory(end_date=END, managers=[uk_user, au_user])
    ProgrammeFactory(end_date=END - datetime.timedelta(days=3), managers=[uk_user])
    with at(END - datetime.timedelta(days=5)):
        first = services.reminder_scan()
        second = services.reminder_scan()
        third = services.reminder_scan()
    assert first.total == 3
    assert second.total == third.total == 0
    assert Reminder.objects.count() == 3
    assert set(Reminder.objects.values_list("status", flat=True)) == {"pending"}


def test_every_manager_of_a_programme_is_a_recipient(only_test_rules, uk_user, au_user):
    programme = ProgrammeFactory(end_date=END, managers=[uk_user, au_user])
    with at(END - datetime.timedelta(days=7)):
        services.reminder_scan()
    rows = Reminder.objects.filter(object_id=programme.pk)
    assert set(rows.values_list("recipient_id", flat=True)) == {uk_user.pk, au_user.pk}
    assert {r.about for r in rows} == {programme}


def test_a_broken_rule_does_not_stop_the_others(only_test_rules, programme, monkeypatch):
    def broken(now):
        raise RuntimeError("boom")

    registry.register(
        Rule(name="tests.broken", kind=KIND, model=type(programme), due=broken, describe=None)
    )
    original = registry.all_rules
    try:
        monkeypatch.setattr(
            registry, "all_rules", lambda: [*original(), registry._RULES["tests.broken"]]
        )
        with at(END - datetime.timedelta(days=7)):
            result = services.reminder_scan()
    finally:
        registry.unregister("tests.broken")
    assert result.failed == ["tests.broken"]
    assert windows() == ["d7"]


@time_machine.travel(datetime.datetime(2026, 11, 25, 9, tzinfo=datetime.UTC), tick=False)
def test_managers_without_an_authenticator_are_reminded_weekly(uk_institute):
    """The account rule: programme managers and admins without TOTP, once per ISO week."""
    manager = UserFactory(institute=uk_institute, roles=[Role.PROGRAMME_MANAGER])
    admin = UserFactory(institute=uk_institute, roles=[Role.INSTITUTE_ADMIN])
    protected = UserFactory(institute=uk_institute, roles=[Role.PROGRAMME_MANAGER])
    enable_totp(protected)
    UserFactory(institute=uk_institute)  # staff need no MFA

    services.reminder_scan()
    services.reminder_scan()

    rows = Reminder.objects.filter(kind="mfa_setup_required")
    assert set(rows.values_list("recipient_id", flat=True)) == {manager.pk, admin.pk}
    assert set(rows.values_list("window", flat=True)) == {"week-2026-W48"}

    with time_machine.travel(datetime.datetime(2026, 12, 2, 9, tzinfo=datetime.UTC)):
        services.reminder_scan()
    assert rows.filter(recipient=manager).count() == 2
