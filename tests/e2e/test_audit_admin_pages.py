"""The audit log and change-request admin pages an institute admin uses pass axe, fit
1280 px, and the export works by its visible labels."""

import datetime

import pytest
import time_machine
from django.urls import reverse

from accounts import services as account_services
from accounts.models import Role
from audit import services
from audit.models import AuditEvent
from tests.factories import InstituteFactory, UserFactory, enable_totp

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

NOW = datetime.datetime(2026, 11, 27, 10, 0, tzinfo=datetime.UTC)


def test_audit_and_change_request_admin_pages_pass_axe(page, live_server, browser_login, axe):
    with time_machine.travel(NOW):
        au = InstituteFactory(au=True)
        person = UserFactory(institute=au, nationality="GBR")
        change = account_services.attribute_change_request(
            actor=person, field="nationality", requested_value="AUS", reason="Naturalised."
        )
        entry = services.record(event=AuditEvent.SIGN_IN, actor=person, obj=person)
        admin = UserFactory(institute=au, roles=[Role.INSTITUTE_ADMIN])
        enable_totp(admin)
    urls = [
        reverse("admin:audit_auditentry_changelist"),
        reverse("admin:audit_auditentry_change", args=[entry.pk]),
        reverse("admin:audit_auditentry_export"),
        reverse("admin:accounts_attributechangerequest_changelist"),
        reverse("admin:accounts_attributechangerequest_change", args=[change.pk]),
    ]
    browser_login(page, admin)
    page.set_viewport_size({"width": 1280, "height": 900})
    failures = []
    for url in urls:
        response = page.goto(url)
        assert response.status == 200, url
        results = axe.run(page)
        if results.violations_count:
            failures.append(f"{url}\n{results.generate_report()}")
        overflow = page.evaluate(
            "document.documentElement.scrollWidth - document.documentElement.clientWidth"
        )
        if overflow > 0:
            failures.append(f"{url}: {overflow} px wider than the window at 1280 px")
    assert not failures, "\n\n".join(failures)

    page.goto(reverse("admin:audit_auditentry_changelist"))
    page.get_by_role("link", name="Export as CSV").click()
    page.get_by_label("From").fill("2026-11-01")
    page.get_by_label("To (inclusive)").fill("2026-11-20")
    with page.expect_download() as download:
        page.get_by_role("button", name="Export as CSV").click()
    assert download.value.suggested_filename == "audit-log-2026-11-01-to-2026-11-20.csv"
