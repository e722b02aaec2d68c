"""The footer's pages: public, linked from every page, and the privacy notice's
retention table follows the rules in force."""

import pytest
from django.conf import settings
from django.urls import reverse

from records.models import RetentionRule

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("name", ["privacy", "accessibility", "cookies"])
def test_the_pages_are_public_and_linked_from_the_footer(client, name):
    page = client.get(reverse(name))
    assert page.status_code == 200
    assert f'href="{reverse(name)}"' in client.get(reverse("account_login")).content.decode()


def test_the_privacy_notice_shows_the_schedule_in_force(client):
    RetentionRule.objects.filter(record_type="exchange.closed_applications").update(
        period_months=18
    )
    RetentionRule.objects.filter(record_type="audit.audit_log").update(enabled=False)
    html = client.get(reverse("privacy")).content.decode()
    assert "Withdrawn and declined applications" in html
    assert "18 months after the application was withdrawn or declined" in html
    assert "Kept (the rule is paused)" in html
    assert "6 months after the secondment ended" in html
    assert "joint controllers" in html


def test_the_cookies_page_names_the_cookies_the_portal_sets(client):
    html = client.get(reverse("cookies")).content.decode()
    assert settings.SESSION_COOKIE_NAME in html
    assert settings.CSRF_COOKIE_NAME in html
    assert "analytics" in html


def test_the_accessibility_statement_follows_the_template(client):
    html = client.get(reverse("accessibility")).content.decode()
    for heading in (
        "How accessible the portal is",
        "Reporting accessibility problems",
        "Enforcement procedure",
        "Compliance status",
        "Preparation of this accessibility statement",
    ):
        assert heading in html
