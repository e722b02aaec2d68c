"""Who may see and act on notices and reminders. Decided here only.

A person sees only their own notices; reminders are resent from the admin by people with
the permission to change them.
"""

from django.db.models import QuerySet

from accounts import access as accounts_access

from .models import Notification


def notifications_visible_to(user) -> QuerySet[Notification]:
    if not accounts_access.is_active_person(user):
        return Notification.objects.none()
    return Notification.objects.filter(recipient=user)


def is_notification_recipient(*, user, notification: Notification) -> bool:
    return notification.recipient_id == user.pk


def can_resend_reminders(user) -> bool:
    return user.is_superuser or user.has_perm("notifications.change_reminder")
