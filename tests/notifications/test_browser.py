"""A person reads their notifications and changes what reaches them, in a real browser."""

import pytest
from django.conf import settings
from django.test import Client

from notifications.models import Notification, Preference
from tests.notifications.factories import NotificationFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_read_notifications_and_change_preferences(page, live_server, uk_user, assert_accessible):
    NotificationFactory(recipient=uk_user, subject="Please endorse an application", url="/")
    NotificationFactory(recipient=uk_user, subject="Handover sent", marking="OFFICIAL-SENSITIVE")
    client = Client()
    client.force_login(uk_user)
    page.context.add_cookies(
        [
            {
                "name": settings.SESSION_COOKIE_NAME,
                "value": client.cookies[settings.SESSION_COOKIE_NAME].value,
                "url": live_server.url,
            }
        ]
    )

    page.goto("/notifications/")
    assert_accessible(page)
    nav = page.get_by_role("navigation", name="Menu")
    assert " ".join(nav.inner_text().split()).endswith("Notifications 2 unread")
    page.locator("tr", has_text="Handover sent").get_by_role("button", name="Mark as read").click()
    page.wait_for_url("**/notifications/?page=1")
    assert "Marked as read." in page.content()
    assert_accessible(page)

    page.get_by_role("link", name="Please endorse an application").click()
    page.wait_for_url(f"{live_server.url}/")
    assert not Notification.objects.filter(read_at__isnull=True).exists()

    page.goto("/notifications/preferences/")
    assert_accessible(page)
    page.get_by_role("group", name="Milestone due soon").get_by_label("In my daily digest").check()
    page.get_by_role("button", name="Save settings").click()
    page.wait_for_url("**/notifications/preferences/")
    assert "Your notification settings have been saved." in page.content()
    assert_accessible(page)
    assert Preference.objects.get(user=uk_user, kind="milestone_due").delivery == "digest"
