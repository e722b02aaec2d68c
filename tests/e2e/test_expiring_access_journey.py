"""A sender sets when recipients' access to a handover's files ends, then revokes it with a
reason; the recipient still sees the handover but can no longer download. axe checks
every page on the way, the error states included."""

import pytest

from handover.models import Handover
from tests.e2e.dates import fill_date
from tests.factories import InstituteFactory, UserFactory
from tests.handover.factories import make_document, make_handover

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_sender_ends_then_revokes_recipients_access(
    page, live_server, browser_login, assert_accessible
):
    uk = InstituteFactory(uk=True)
    au = InstituteFactory(au=True)
    sender = UserFactory(institute=uk, full_name="Priya Shah", email="priya@aisi.example.gov.uk")
    recipient = UserFactory(institute=au, full_name="Liam Nguyen", email="liam@aisi.example.gov.au")
    handover = make_handover(sender, [recipient], [make_document(sender)])

    browser_login(page, sender)
    page.goto(f"{live_server.url}{handover.get_absolute_url()}")
    page.get_by_role("link", name="Set when access ends").click()
    assert page.locator("h1").inner_text() == "When should recipients' access end?"
    assert_accessible(page)

    page.get_by_role("button", name="Set end date").click()
    assert page.title().startswith("Error: ")
    assert "Enter the last day" in page.locator(".govuk-error-summary").inner_text()
    assert_accessible(page)

    fill_date(page, "Recipients can download until", ("10", "12", "2026"))
    page.get_by_role("button", name="Set end date").click()
    page.wait_for_url(f"**{handover.get_absolute_url()}")
    assert "Until 10 December 2026" in page.content()
    assert_accessible(page)

    page.get_by_role("link", name="Revoke recipients' access").click()
    assert_accessible(page)
    page.get_by_role("button", name="Revoke access").click()
    assert page.title().startswith("Error: ")
    assert_accessible(page)
    page.get_by_label("Why are you revoking access?").fill("Sent to the wrong team")
    page.get_by_role("button", name="Revoke access").click()
    page.wait_for_url(f"**{handover.get_absolute_url()}")
    assert "Sent to the wrong team" in page.content()
    handover = Handover.objects.get(pk=handover.pk)
    assert handover.access_revoked_at is not None

    # The recipient still sees the handover, with no way to its files.
    page.context.clear_cookies()
    browser_login(page, recipient)
    page.goto(f"{live_server.url}{handover.get_absolute_url()}")
    assert "Revoked by the sender" in page.content()
    assert page.locator('a[href*="/items/"][download]').count() == 0
    assert_accessible(page)
