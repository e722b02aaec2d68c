"""The footer's public pages, a person's data download and the retention admin pass axe
and work by their visible labels."""

import datetime
import zipfile

import pytest
import time_machine
from django.urls import reverse

from accounts.models import Role
from notifications.models import Notification
from tests.factories import InstituteFactory, UserFactory, enable_totp

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

LONG_AGO = datetime.datetime(2025, 6, 1, 9, 0, tzinfo=datetime.UTC)


def test_footer_pages_pass_axe_signed_out(page, assert_accessible):
    page.goto(reverse("account_login"))
    for link, heading in (
        ("Privacy", "Privacy notice"),
        ("Accessibility statement", "Accessibility statement for Exchange Portal"),
        ("Cookies", "Cookies"),
    ):
        page.get_by_role("contentinfo").get_by_role("link", name=link, exact=True).click()
        assert page.get_by_role("heading", level=1).inner_text() == heading
        assert_accessible(page)


def test_a_person_downloads_their_data(page, browser_login, assert_accessible):
    person = UserFactory(institute=InstituteFactory(uk=True), full_name="Uma Staff")
    browser_login(page, person)
    page.goto(reverse("profile"))
    page.get_by_role("link", name="Your data").click()
    assert page.get_by_role("heading", level=1).inner_text() == "Download your data"
    assert_accessible(page)
    with page.expect_download() as download:
        page.get_by_role("button", name="Download your data").click()
    path = download.value.path()
    assert "account.json" in zipfile.ZipFile(path).namelist()


def test_the_retention_admin_and_its_dry_run_pass_axe(page, browser_login, assert_accessible):
    uk = InstituteFactory(uk=True)
    person = UserFactory(institute=uk)
    with time_machine.travel(LONG_AGO, tick=False):
        Notification.objects.create(recipient=person, kind="test", subject="An old notice")
    admin = UserFactory(institute=uk, roles=[Role.INSTITUTE_ADMIN])
    enable_totp(admin)
    browser_login(page, admin)
    page.set_viewport_size({"width": 1280, "height": 900})
    page.goto(reverse("admin:records_retentionrule_changelist"))
    assert_accessible(page)
    # Each click is followed to its new page before axe reads it.
    page.get_by_role("link", name="Dry run now").click()
    page.wait_for_url("**/retentionrule/dry-run/")
    page.wait_for_load_state()
    assert_accessible(page)
    with page.expect_navigation():
        page.get_by_role("button", name="Dry run now").click()
    page.wait_for_load_state()
    row = page.get_by_role("row", name="Notifications in the portal")
    assert "An old notice" in row.inner_text()
    assert_accessible(page)
    page.get_by_role("link", name="Retention runs").first.click()
    page.wait_for_url("**/records/retentionrun/")
    page.wait_for_load_state()
    assert_accessible(page)
