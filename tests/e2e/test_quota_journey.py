"""An admin sets an exchange quota; the host's programme manager accepts an application
that takes it over, sees the warning with the figures, gives the reason; the reciprocity
page shows agreed, used, planned and left. axe checks every page on the way."""

import datetime
from decimal import Decimal

import pytest

from accounts.models import Role
from exchange.models import ApplicationEvent, ExchangeQuota, Secondment
from tests.exchange.factories import World
from tests.factories import UserFactory, enable_totp

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_accepting_over_a_quota_with_a_reason(page, live_server, browser_login, assert_accessible):
    world = World()
    application = world.endorsed(
        proposed_start=datetime.date(2027, 2, 1), proposed_end=datetime.date(2027, 8, 1)
    )
    admin = UserFactory(institute=world.uk, full_name="Ada Admin", roles=[Role.INSTITUTE_ADMIN])
    enable_totp(admin)

    # 1. The admin sets the UK-to-Australia quota for 2027: 4 person-months.
    browser_login(page, admin)
    page.goto(f"{live_server.url}/admin/exchange/exchangequota/add/")
    assert_accessible(page)
    page.get_by_label("Programme").select_option(label=str(world.programme))
    page.get_by_label("Year").fill("2027")
    page.get_by_label("Direction").select_option(label="UK to Australia")
    page.get_by_label("Unit").select_option(label="Person-months")
    page.get_by_label("Agreed amount").fill("4")
    page.get_by_label("Note").fill("Joint board, November 2026")
    page.get_by_role("button", name="Save", exact=True).click()
    page.wait_for_url("**/admin/exchange/exchangequota/")
    assert_accessible(page)
    assert ExchangeQuota.objects.get().agreed == Decimal("4")

    # 2. The Australian programme manager accepts the six-month application.
    page.context.clear_cookies()
    browser_login(page, world.au_pm)
    page.goto(f"{live_server.url}{application.get_absolute_url()}")
    page.get_by_role("link", name="Accept", exact=True).click()
    page.wait_for_url("**/accept/")
    warning = page.get_by_role("table", name="Exchange quotas this acceptance takes over")
    assert "4.0" in warning.inner_text() and "6.0" in warning.inner_text()
    assert_accessible(page)
    page.get_by_role("button", name="Accept over the quota and set up the secondment").click()
    assert page.title().startswith("Error: ")
    assert "reason for going over the quota" in page.locator(".govuk-error-summary").inner_text()
    assert not Secondment.objects.exists()
    assert_accessible(page)
    page.get_by_label("Reason for going over the quota").fill("Agreed by both directors.")
    page.get_by_role("button", name="Accept over the quota and set up the secondment").click()
    page.wait_for_url("**/exchanges/secondments/*/")
    assert_accessible(page)
    event = ApplicationEvent.objects.get(application=application, to_status="accepted")
    assert event.quota_override_reason == "Agreed by both directors."

    # 3. The reciprocity page: 4 agreed, none used, 6 planned, 2 over.
    page.goto(f"{live_server.url}/exchanges/reciprocity/")
    table = page.get_by_role(
        "table", name=f"Secondments and exchange quotas for {world.programme.name}"
    )
    row = table.get_by_role("row").filter(has_text="2027").first
    text = row.inner_text()
    assert "4.0 person-months" in text and "6.0" in text and "\u22122.0" in text
    assert "Over" in text
    assert_accessible(page)
