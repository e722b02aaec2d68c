"""Daily digests: 08:00 in each person's own time zone, on their working days only."""

import datetime
import zoneinfo

import pytest
import time_machine
from django.core import mail

from notifications import services
from notifications.kinds import Delivery
from notifications.models import Digest, Preference, Reminder
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

UTC = datetime.UTC
LONDON = zoneinfo.ZoneInfo("Europe/London")
SYDNEY = zoneinfo.ZoneInfo("Australia/Sydney")


def queue_for_digest(user, subject="Application for you", kind="application_submitted"):
    """An event whose kind the person takes in their digest, delivered to the ledger."""
    Preference.objects.update_or_create(
        user=user, kind=kind, defaults={"delivery": Delivery.DIGEST}
    )
    services.notify(recipient=user, kind=kind, subject=subject, url="/exchanges/")
    services.reminder_deliver_due()


def local(zone, *args):
    return datetime.datetime(*args, tzinfo=zone)


@pytest.fixture
def london(uk_institute):
    return UserFactory(institute=uk_institute, email="london@example.org")


@pytest.fixture
def sydney(au_institute):
    return UserFactory(institute=au_institute, email="sydney@example.org")


# Working days either side of each country's daylight-saving changes. London: BST from
# 28 March 2027 and GMT from 25 October 2026. Sydney: AEDT from 4 October 2026 and AEST
# from 4 April 2027. 08:00 local moves against UTC; the digest follows local time. (Good
# Friday 26 March 2027 and the ACT's Labour Day, 5 October 2026, are holidays: skipped.)
DST_CASES = [
    ("london", local(LONDON, 2026, 10, 23, 8), datetime.datetime(2026, 10, 23, 7, tzinfo=UTC)),
    ("london", local(LONDON, 2026, 10, 26, 8), datetime.datetime(2026, 10, 26, 8, tzinfo=UTC)),
    ("london", local(LONDON, 2027, 3, 25, 8), datetime.datetime(2027, 3, 25, 8, tzinfo=UTC)),
    ("london", local(LONDON, 2027, 3, 30, 8), datetime.datetime(2027, 3, 30, 7, tzinfo=UTC)),
    ("sydney", local(SYDNEY, 2026, 10, 2, 8), datetime.datetime(2026, 10, 1, 22, tzinfo=UTC)),
    ("sydney", local(SYDNEY, 2026, 10, 6, 8), datetime.datetime(2026, 10, 5, 21, tzinfo=UTC)),
    ("sydney", local(SYDNEY, 2027, 4, 1, 8), datetime.datetime(2027, 3, 31, 21, tzinfo=UTC)),
    ("sydney", local(SYDNEY, 2027, 4, 5, 8), datetime.datetime(2027, 4, 4, 22, tzinfo=UTC)),
]


@pytest.mark.parametrize(("who", "eight_local", "eight_utc"), DST_CASES)
def test_the_digest_goes_at_8am_local_across_daylight_saving_changes(
    request, who, eight_local, eight_utc
):
    """Not a minute before 08:00 local; at 08:00 local (whatever UTC offset applies), once."""
    user = request.getfixturevalue(who)
    assert eight_local == eight_utc
    with time_machine.travel(eight_utc - datetime.timedelta(hours=12), tick=False):
        queue_for_digest(user)

    with time_machine.travel(eight_utc - datetime.timedelta(minutes=1), tick=False):
        assert services.digest_send_due() == 0
    assert mail.outbox == []

    with time_machine.travel(eight_utc, tick=False):
        assert services.digest_send_due() == 1
        assert services.digest_send_due() == 0
    (email,) = mail.outbox
    assert email.to == [user.email]
    assert email.subject == "Your daily digest: 1 update"
    assert "Application for you" in email.body
    digest = Digest.objects.get()
    assert digest.local_date == eight_local.date()
    assert Reminder.objects.get().digest == digest


def test_no_digest_on_a_uk_bank_holiday_while_the_au_user_gets_theirs(london, sydney):
    """31 August 2026 is the Summer bank holiday in England and Wales, not in the ACT."""
    with time_machine.travel(datetime.datetime(2026, 8, 28, 12, tzinfo=UTC), tick=False):
        queue_for_digest(london)
        queue_for_digest(sydney)
    # Monday 31 August, 10:00 in London and 19:00 in Sydney.
    with time_machine.travel(datetime.datetime(2026, 8, 31, 9, tzinfo=UTC), tick=False):
        assert services.digest_send_due() == 1
    assert [m.to for m in mail.outbox] == [[sydney.email]]
    # The UK user's waits for Tuesday 08:00 BST.
    with time_machine.travel(datetime.datetime(2026, 9, 1, 7, tzinfo=UTC), tick=False):
        assert services.digest_send_due() == 1
    assert [m.to for m in mail.outbox] == [[sydney.email], [london.email]]


def test_no_digest_on_a_canberra_public_holiday_for_the_au_user(london, sydney):
    """Canberra Day (8 March 2027) is a holiday in the ACT only."""
    with time_machine.travel(datetime.datetime(2027, 3, 5, 12, tzinfo=UTC), tick=False):
        queue_for_digest(london)
        queue_for_digest(sydney)
    with time_machine.travel(datetime.datetime(2027, 3, 8, 9, tzinfo=UTC), tick=False):
        services.digest_send_due()
    assert [m.to for m in mail.outbox] == [[london.email]]


def test_no_digest_at_the_weekend(london):
    with time_machine.travel(datetime.datetime(2026, 11, 27, 12, tzinfo=UTC), tick=False):
        queue_for_digest(london)
    for day in (28, 29):  # Saturday and Sunday
        with time_machine.travel(datetime.datetime(2026, 11, day, 10, tzinfo=UTC), tick=False):
            assert services.digest_send_due() == 0
    with time_machine.travel(datetime.datetime(2026, 11, 30, 8, tzinfo=UTC), tick=False):
        assert services.digest_send_due() == 1


def test_nothing_to_say_sends_nothing(london):
    with time_machine.travel(datetime.datetime(2026, 11, 30, 9, tzinfo=UTC), tick=False):
        assert services.digest_send_due() == 0
    assert mail.outbox == []
    assert not Digest.objects.exists()


def test_a_digest_collects_everything_waiting_in_one_email_once_a_day(london):
    with time_machine.travel(datetime.datetime(2026, 11, 29, 12, tzinfo=UTC), tick=False):
        queue_for_digest(london, "First")
        queue_for_digest(london, "Second", kind="application_endorsed")
        queue_for_digest(london, "Third", kind="application_endorsed")
    with time_machine.travel(datetime.datetime(2026, 11, 30, 8, 15, tzinfo=UTC), tick=False):
        assert services.digest_send_due() == 1
    with time_machine.travel(datetime.datetime(2026, 11, 30, 9, tzinfo=UTC), tick=False):
        queue_for_digest(london, "Fourth")
        assert services.digest_send_due() == 0  # today's has gone; this waits for tomorrow
    (email,) = mail.outbox
    assert email.subject == "Your daily digest: 3 updates"
    for subject in ("First", "Second", "Third"):
        assert subject in email.body
        assert subject in email.alternatives[0][0]
    assert "Fourth" not in email.body
    with time_machine.travel(datetime.datetime(2026, 12, 1, 8, tzinfo=UTC), tick=False):
        assert services.digest_send_due() == 1
    assert "Fourth" in mail.outbox[1].body


def test_a_digest_item_about_a_marked_document_puts_the_marking_in_the_subject(london):
    Preference.objects.create(user=london, kind="handover_sent", delivery=Delivery.DIGEST)
    with time_machine.travel(datetime.datetime(2026, 11, 29, 12, tzinfo=UTC), tick=False):
        services.notify(
            recipient=london,
            kind="handover_sent",
            subject="Handover HO-2026-0002 sent to you",
            marking="OFFICIAL-SENSITIVE",
        )
        services.reminder_deliver_due()
    with time_machine.travel(datetime.datetime(2026, 11, 30, 8, tzinfo=UTC), tick=False):
        services.digest_send_due()
    assert mail.outbox[0].subject == "[OFFICIAL-SENSITIVE] Your daily digest: 1 update"


def test_a_digest_item_that_no_longer_applies_is_left_out(only_test_rules, london):
    from tests.factories import ProgrammeFactory
    from tests.notifications.rules_for_tests import KIND

    Preference.objects.create(user=london, kind=KIND, delivery=Delivery.DIGEST)
    programme = ProgrammeFactory(end_date=datetime.date(2026, 12, 7), managers=[london])
    with time_machine.travel(datetime.datetime(2026, 11, 29, 12, tzinfo=UTC), tick=False):
        services.reminder_scan()
        services.reminder_deliver_due()
    programme.end_date = datetime.date(2027, 6, 1)
    programme.save()
    with time_machine.travel(datetime.datetime(2026, 11, 30, 8, tzinfo=UTC), tick=False):
        assert services.digest_send_due() == 0
    assert mail.outbox == []
    assert Reminder.objects.get().status == "skipped"


def test_a_person_without_an_institute_follows_utc_on_weekdays(db):
    user = UserFactory(institute=None, email="visitor@example.org")
    with time_machine.travel(datetime.datetime(2026, 11, 29, 12, tzinfo=UTC), tick=False):
        queue_for_digest(user)
    with time_machine.travel(datetime.datetime(2026, 11, 30, 7, 59, tzinfo=UTC), tick=False):
        assert services.digest_send_due() == 0
    with time_machine.travel(datetime.datetime(2026, 11, 30, 8, tzinfo=UTC), tick=False):
        assert services.digest_send_due() == 1


def test_a_personal_time_zone_overrides_the_institute(uk_institute):
    user = UserFactory(institute=uk_institute, time_zone="Asia/Tokyo", email="tokyo@example.org")
    with time_machine.travel(datetime.datetime(2026, 11, 29, 12, tzinfo=UTC), tick=False):
        queue_for_digest(user)
    # 08:00 in Tokyo on Monday 30 November is 23:00 UTC on Sunday.
    with time_machine.travel(datetime.datetime(2026, 11, 29, 23, tzinfo=UTC), tick=False):
        assert services.digest_send_due() == 1


def test_no_digest_on_act_labour_day_the_day_after_sydney_clocks_change(sydney):
    with time_machine.travel(datetime.datetime(2026, 10, 2, 12, tzinfo=UTC), tick=False):
        queue_for_digest(sydney)
    # Monday 5 October 2026, 08:00 AEDT: Labour Day in the ACT.
    with time_machine.travel(datetime.datetime(2026, 10, 4, 21, tzinfo=UTC), tick=False):
        assert services.digest_send_due() == 0
    # Tuesday 08:00 AEDT.
    with time_machine.travel(datetime.datetime(2026, 10, 5, 21, tzinfo=UTC), tick=False):
        assert services.digest_send_due() == 1
