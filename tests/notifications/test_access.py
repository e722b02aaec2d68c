"""Notifications' access rule is defined once (notifications/access.py): the list, the
notice's own link, the unread count in the header and My work all follow it."""

import pytest
from django.urls import reverse

from notifications import access, selectors
from notifications.models import Notification
from notifications.services import notify

pytestmark = pytest.mark.django_db


def test_notifications_visible_to_is_the_one_rule(client, uk_user, monkeypatch):
    notice = notify(recipient=uk_user, kind="application_submitted", subject="Hello", url="/")
    client.force_login(uk_user)
    assert client.get(reverse("notifications:open", args=[notice.pk])).status_code == 302
    monkeypatch.setattr(
        access, "notifications_visible_to", lambda user: Notification.objects.none()
    )

    assert list(client.get(reverse("notifications:list")).context["page_obj"]) == []
    assert client.get(reverse("notifications:open", args=[notice.pk])).status_code == 404
    assert selectors.notification_unread_count(uk_user) == 0
    (section,) = selectors.my_work_sections(uk_user)
    assert section["items"] == []
