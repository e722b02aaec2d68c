"""Delivery: claim, re-check at send time, deliver by preference, one SMTP connection."""

import datetime
import time

import pytest
import time_machine
from django.core import mail

from notifications import rules as registry
from notifications import services
from notifications.kinds import Delivery
from notifications.models import Notification, Preference, Reminder
from notifications.services.delivery import claim_due
from programmes.models import Programme
from tests.factories import ProgrammeFactory, UserFactory, enable_totp
from tests.notifications.mail import CountingBackend
from tests.notifications.rules_for_tests import KIND, visible_to

pytestmark = pytest.mark.django_db

END = datetime.date(2026, 12, 31)
NOW = datetime.datetime(2026, 12, 24, 9, tzinfo=datetime.UTC)  # 7 days before END


@pytest.fixture(autouse=True)
def _at_now():
    with time_machine.travel(NOW, tick=False):
        yield


@pytest.fixture
def programme(uk_user):
    return ProgrammeFactory(name="Joint evaluations", end_date=END, managers=[uk_user])


def scan_and_deliver():
    services.reminder_scan()
    return services.reminder_deliver_due()


def test_a_due_reminder_is_emailed_in_text_and_html_with_a_link(
    only_test_rules, programme, uk_user, settings
):
    settings.SITE_URL = "https://portal.example.org"

    result = scan_and_deliver()

    assert result.sent == 1
    (email,) = mail.outbox
    assert email.to == [uk_user.email]
    assert email.subject == "Joint evaluations ends on 31 December 2026"
    link = f"https://portal.example.org/programmes/{programme.pk}/"
    assert link in email.body
    html, mimetype = email.alternatives[0]
    assert mimetype == "text/html"
    assert link in html
    assert "https://portal.example.org/notifications/preferences/" in email.body
    reminder = Reminder.objects.get()
    assert reminder.status == "sent"
    assert reminder.delivery == "immediately"
    assert reminder.sent_at == NOW
    assert reminder.notification.recipient == uk_user
    assert reminder.notification.url == f"/programmes/{programme.pk}/"


def test_a_marked_subject_carries_the_marking_and_never_a_file(only_test_rules, uk_user):
    ProgrammeFactory(name="Sensitive evaluations", end_date=END, managers=[uk_user])

    scan_and_deliver()

    (email,) = mail.outbox
    assert email.subject.startswith("[OFFICIAL-SENSITIVE] ")
    assert email.attachments == []
    assert email.body.startswith("OFFICIAL-SENSITIVE")


def test_a_batch_goes_over_one_smtp_connection(only_test_rules, uk_institute, settings):
    settings.EMAIL_BACKEND = "tests.notifications.mail.CountingBackend"
    CountingBackend.opened = 0
    managers = [UserFactory(institute=uk_institute) for _ in range(12)]
    ProgrammeFactory(end_date=END, managers=managers)

    result = scan_and_deliver()

    assert result.sent == 12
    assert len(mail.outbox) == 12
    assert CountingBackend.opened == 1


def test_a_reminder_resolved_before_delivery_sends_nothing(only_test_rules, programme):
    """The end date moved after the scan: the reminder is skipped and nobody is told."""
    services.reminder_scan()
    programme.end_date = END + datetime.timedelta(days=90)
    programme.save()

    result = services.reminder_deliver_due()

    assert result.skipped == 1
    assert mail.outbox == []
    assert Notification.objects.count() == 0
    reminder = Reminder.objects.get()
    assert reminder.status == "skipped"
    assert "No longer applies" in reminder.last_error


def test_a_recipient_who_can_no_longer_see_it_gets_nothing(only_test_rules, programme, uk_user):
    services.reminder_scan()
    programme.managers.remove(uk_user)

    services.reminder_deliver_due()

    assert mail.outbox == []
    assert Reminder.objects.get().status == "skipped"


def test_mfa_turned_on_before_delivery_sends_nothing(uk_institute):
    from accounts.models import Role

    manager = UserFactory(institute=uk_institute, roles=[Role.PROGRAMME_MANAGER])
    services.reminder_scan()
    enable_totp(manager)

    services.reminder_deliver_due()

    assert mail.outbox == []
    assert Reminder.objects.get(recipient=manager).status == "skipped"


def test_digest_preference_waits_for_the_digest(only_test_rules, programme, uk_user):
    Preference.objects.create(user=uk_user, kind=KIND, delivery=Delivery.DIGEST)

    result = scan_and_deliver()

    assert result.digest == 1
    assert mail.outbox == []
    reminder = Reminder.objects.get()
    assert (reminder.status, reminder.delivery, reminder.available_at) == (
        "pending",
        "digest",
        None,
    )
    # In the portal at once, and no later delivery run picks it up again.
    assert Notification.objects.filter(recipient=uk_user).count() == 1
    assert services.reminder_deliver_due().claimed == 0


def test_off_preference_sends_no_email_but_lists_it_in_the_portal(
    only_test_rules, programme, uk_user
):
    Preference.objects.create(user=uk_user, kind=KIND, delivery=Delivery.OFF)

    result = scan_and_deliver()

    assert result.off == 1
    assert mail.outbox == []
    assert Reminder.objects.get().delivery == "off"
    assert Notification.objects.filter(recipient=uk_user).count() == 1


def test_an_inactive_recipient_gets_nothing(only_test_rules, programme, uk_user):
    services.reminder_scan()
    uk_user.is_active = False
    uk_user.save()

    services.reminder_deliver_due()

    assert mail.outbox == []
    assert Reminder.objects.get().status == "skipped"


def test_a_refused_message_fails_with_the_error_and_is_retried_with_backoff(
    only_test_rules, uk_institute, settings
):
    settings.EMAIL_BACKEND = "tests.notifications.mail.RefusingBackend"
    good = UserFactory(institute=uk_institute)
    bad = UserFactory(institute=uk_institute, email="refuse@example.org")
    ProgrammeFactory(end_date=END, managers=[good, bad])

    result = scan_and_deliver()

    assert (result.sent, result.failed) == (1, 1)
    failed = Reminder.objects.get(recipient=bad)
    assert failed.status == "failed"
    assert "No such user" in failed.last_error
    assert failed.available_at == NOW + datetime.timedelta(minutes=1)
    assert services.reminder_deliver_due().claimed == 0  # not before its back-off

    with time_machine.travel(NOW + datetime.timedelta(minutes=1, seconds=1), tick=False):
        services.reminder_deliver_due()
    failed.refresh_from_db()
    assert failed.attempts == 2
    # The back-off grows: 1 minute after the first failure, 4 after the second.
    assert failed.available_at == NOW + datetime.timedelta(minutes=5, seconds=1)
    assert len(mail.outbox) == 1  # the good one, once


def test_after_the_last_attempt_a_failure_stays_failed(only_test_rules, uk_institute, settings):
    settings.EMAIL_BACKEND = "tests.notifications.mail.RefusingBackend"
    settings.NOTIFICATIONS_MAX_ATTEMPTS = 2
    bad = UserFactory(institute=uk_institute, email="refuse2@example.org")
    ProgrammeFactory(end_date=END, managers=[bad])
    scan_and_deliver()
    with time_machine.travel(NOW + datetime.timedelta(hours=1), tick=False):
        services.reminder_deliver_due()
    with time_machine.travel(NOW + datetime.timedelta(days=1), tick=False):
        assert services.reminder_deliver_due().claimed == 0
    reminder = Reminder.objects.get()
    assert (reminder.status, reminder.attempts, reminder.available_at) == ("failed", 2, None)


def test_an_unreachable_mail_server_fails_the_batch_for_retry(only_test_rules, programme, settings):
    settings.EMAIL_BACKEND = "tests.notifications.mail.DownBackend"

    result = scan_and_deliver()

    assert result.failed == 1
    reminder = Reminder.objects.get()
    assert reminder.status == "failed"
    assert "Connection refused" in reminder.last_error


def test_a_claim_abandoned_by_a_dead_worker_is_taken_again_after_the_lease(
    only_test_rules, programme, settings
):
    settings.NOTIFICATIONS_SENDING_LEASE_SECONDS = 60
    services.reminder_scan()
    claimed = claim_due(limit=10, now=NOW)  # a worker claims, then dies
    assert [r.status for r in claimed] == ["sending"]
    assert services.reminder_deliver_due().claimed == 0  # the lease holds

    with time_machine.travel(NOW + datetime.timedelta(seconds=61), tick=False):
        result = services.reminder_deliver_due()

    assert result.sent == 1
    assert len(mail.outbox) == 1


def test_two_claims_never_take_the_same_row(only_test_rules, uk_institute):
    managers = [UserFactory(institute=uk_institute) for _ in range(5)]
    ProgrammeFactory(end_date=END, managers=managers)
    services.reminder_scan()

    first = claim_due(limit=3, now=NOW)
    second = claim_due(limit=3, now=NOW)

    assert len(first) == 3
    assert len(second) == 2
    assert not {r.pk for r in first} & {r.pk for r in second}


def test_notify_creates_the_notice_and_emails_after_commit(
    uk_user, django_capture_on_commit_callbacks
):
    """An event is in the portal at once and is emailed by the delivery the commit starts."""
    programme = ProgrammeFactory(managers=[uk_user])
    with django_capture_on_commit_callbacks() as callbacks:
        notification = services.notify(
            recipient=uk_user,
            kind="handover_sent",
            subject="Handover HO-2026-0001 sent to you",
            url="/documents/handovers/HO-2026-0001/",
            about=programme,
            marking="OFFICIAL-SENSITIVE",
        )
    assert len(callbacks) == 1
    reminder = Reminder.objects.get()
    assert reminder.notification == notification
    assert reminder.window == f"event-{notification.pk}"
    assert mail.outbox == []

    services.reminder_deliver_due()

    (email,) = mail.outbox
    assert email.subject == "[OFFICIAL-SENSITIVE] Handover HO-2026-0001 sent to you"
    assert "/documents/handovers/HO-2026-0001/" in email.body
    assert Notification.objects.count() == 1


def test_notify_respects_the_preference_for_the_event_kind(uk_user):
    Preference.objects.create(user=uk_user, kind="application_endorsed", delivery=Delivery.OFF)
    services.notify(recipient=uk_user, kind="application_endorsed", subject="Endorsed")

    services.reminder_deliver_due()

    assert mail.outbox == []
    assert Reminder.objects.get().delivery == "off"


def test_notify_rechecks_visibility_where_an_app_declared_it(uk_user, au_user):
    # A programme of the UK institute alone: the AU person has no part in it.
    programme = ProgrammeFactory(managers=[uk_user], institutes=[uk_user.institute])
    registry.register_visibility(Programme, visible_to)
    try:
        services.notify(recipient=au_user, kind="handover_sent", subject="Sent", about=programme)
        services.reminder_deliver_due()
    finally:
        registry._VISIBILITY.pop(Programme, None)
    assert mail.outbox == []
    assert Reminder.objects.get().status == "skipped"


def test_the_web_keeps_working_when_the_broker_is_down(
    uk_user, caplog, django_capture_on_commit_callbacks
):
    """With Redis unreachable, notify still commits; the reminder waits for the next scan."""
    from config.celery import app

    def fresh_pools():
        # Let the app build its connection pools again from broker_url.
        app._pool = None
        app.amqp._producer_pool = None

    original = app.conf.broker_url
    app.conf.broker_url = "redis://127.0.0.1:1/0"
    fresh_pools()
    try:
        started = time.monotonic()
        with django_capture_on_commit_callbacks(execute=True) as callbacks:
            services.notify(recipient=uk_user, kind="application_submitted", subject="For you")
        assert len(callbacks) == 1
        assert time.monotonic() - started < 5  # fails fast, no endless reconnecting
    finally:
        app.conf.broker_url = original
        fresh_pools()
    assert Reminder.objects.get().status == "pending"
    assert "next scan will pick it up" in caplog.text


def test_a_failed_reminder_can_be_sent_again_by_an_admin(only_test_rules, programme, settings):
    from accounts.models import Role

    settings.EMAIL_BACKEND = "tests.notifications.mail.DownBackend"
    scan_and_deliver()
    reminder = Reminder.objects.get()
    admin = UserFactory(roles=[Role.INSTITUTE_ADMIN], is_superuser=True)

    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    services.reminder_resend(reminder=reminder, actor=admin)
    services.reminder_deliver_due()

    reminder.refresh_from_db()
    assert reminder.status == "sent"
    assert len(mail.outbox) == 1
