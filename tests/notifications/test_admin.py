"""The ledger in the admin: filters, resend through the service, institute scope."""

import pytest
from django.core import mail
from django.urls import reverse

from accounts.models import Role
from notifications import services
from notifications.models import Notification, Reminder
from tests.factories import UserFactory, enable_totp

pytestmark = pytest.mark.django_db


@pytest.fixture
def superuser(client, uk_institute):
    user = UserFactory(institute=uk_institute, is_staff=True, is_superuser=True)
    enable_totp(user)
    client.force_login(user)
    return user


def failed_reminder(recipient, **fields):
    return Reminder.objects.create(
        kind="application_submitted",
        recipient=recipient,
        window=f"w-{recipient.pk}-{Reminder.objects.count()}",
        due_at="2026-11-27T09:00Z",
        status=fields.pop("status", "failed"),
        last_error="SMTPServerDisconnected: gone",
        attempts=5,
        notification=Notification.objects.create(
            recipient=recipient, kind="application_submitted", subject="Please decide"
        ),
        **fields,
    )


def test_the_ledger_lists_and_filters(client, superuser, uk_user, au_user):
    failed_reminder(uk_user)
    failed_reminder(au_user, status="sent")
    url = reverse("admin:notifications_reminder_changelist")

    assert client.get(url).status_code == 200
    response = client.get(url, {"status__exact": "failed"})
    assert list(response.context["cl"].queryset) == list(Reminder.objects.filter(status="failed"))
    response = client.get(url, {"recipient__id__exact": au_user.pk})
    assert [r.recipient for r in response.context["cl"].queryset] == [au_user]
    assert client.get(url, {"kind": "application_submitted"}).status_code == 200
    for name in ("preference", "notification", "digest"):
        assert client.get(reverse(f"admin:notifications_{name}_changelist")).status_code == 200


def test_resend_puts_a_failed_reminder_back_and_it_is_delivered(client, superuser, uk_user):
    reminder = failed_reminder(uk_user)
    response = client.post(
        reverse("admin:notifications_reminder_changelist"),
        {"action": "resend", "_selected_action": [reminder.pk]},
        follow=True,
    )
    assert "1 reminder(s) queued to be sent again." in response.content.decode()
    reminder.refresh_from_db()
    assert (reminder.status, reminder.attempts, reminder.last_error) == ("pending", 0, "")

    services.reminder_deliver_due()
    assert [m.subject for m in mail.outbox] == ["Please decide"]


def test_a_sent_reminder_is_not_resent(client, superuser, uk_user):
    reminder = failed_reminder(uk_user, status="sent")
    response = client.post(
        reverse("admin:notifications_reminder_changelist"),
        {"action": "resend", "_selected_action": [reminder.pk]},
        follow=True,
    )
    assert "Only a failed or skipped reminder can be sent again." in response.content.decode()
    reminder.refresh_from_db()
    assert reminder.status == "sent"


def test_an_institute_admin_sees_only_their_institutes_people(
    client, uk_institute, uk_user, au_user
):
    admin = UserFactory(institute=uk_institute, roles=[Role.INSTITUTE_ADMIN])
    enable_totp(admin)
    client.force_login(admin)
    mine = failed_reminder(uk_user)
    theirs = failed_reminder(au_user)

    response = client.get(reverse("admin:notifications_reminder_changelist"))

    assert list(response.context["cl"].queryset) == [mine]
    change = reverse("admin:notifications_reminder_change", args=[theirs.pk])
    assert client.get(change).status_code in (302, 404)
