"""An AU researcher hands two documents to UK colleagues; one downloads and acknowledges;
the sender reads the custody timeline. axe checks every page on the way."""

import datetime

import pytest
from django.test import Client
from django.utils import timezone

from handover.demo import sample_csv, sample_pdf
from handover.markings import Marking
from handover.models import Handover, HandoverStatus
from tests.e2e.dates import fill_date
from tests.factories import InstituteFactory, UserFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def sign_in_as(page, live_server, user):
    client = Client()
    client.force_login(user)
    page.context.clear_cookies()
    page.context.add_cookies(
        [{"name": "sessionid", "value": client.cookies["sessionid"].value, "url": live_server.url}]
    )


def test_au_researcher_hands_two_documents_to_uk_recipients(page, live_server, assert_accessible):
    uk = InstituteFactory(uk=True)
    au = InstituteFactory(au=True)
    sender = UserFactory(institute=au, full_name="Liam Nguyen", email="liam@aisi.example.gov.au")
    reader = UserFactory(institute=uk, full_name="Priya Shah", email="priya@aisi.example.gov.uk")
    UserFactory(institute=uk, full_name="Tom Ellis", email="tom@aisi.example.gov.uk")

    # The AU researcher uploads two documents.
    sign_in_as(page, live_server, sender)
    page.goto("/documents/")
    assert_accessible(page)
    page.get_by_role("link", name="Upload a document").click()
    page.wait_for_url("**/documents/upload/")
    assert_accessible(page)
    page.get_by_label("Title").fill("Benchmark report")
    page.get_by_label("Protective marking").select_option("AU|OFFICIAL: Sensitive")
    page.get_by_label("Personal-Privacy").check()
    page.get_by_label("File", exact=True).set_input_files(
        {"name": "benchmark.pdf", "mimeType": "application/pdf", "buffer": sample_pdf("Bench")}
    )
    page.get_by_role("button", name="Upload document").click()
    page.wait_for_url("**/documents/*/")
    assert_accessible(page)
    banners = page.locator(".app-marking-banner")
    assert banners.count() == 2
    assert banners.first.inner_text() == "OFFICIAL: Sensitive // Personal-Privacy"

    # A mistake first: a file above the ceiling is refused and nothing is kept.
    page.goto("/documents/upload/")
    page.get_by_label("Title").fill("Scores")
    page.get_by_label("Protective marking").select_option("AU|PROTECTED")
    page.get_by_label("File", exact=True).set_input_files(
        {"name": "scores.csv", "mimeType": "text/csv", "buffer": sample_csv(6)}
    )
    page.get_by_role("button", name="Upload document").click()
    assert "OFFICIAL-level information only" in page.locator(".govuk-error-summary").inner_text()
    assert_accessible(page)
    page.get_by_label("Protective marking").select_option("AU|OFFICIAL")
    page.get_by_label("File", exact=True).set_input_files(
        {"name": "scores.csv", "mimeType": "text/csv", "buffer": sample_csv(6)}
    )
    page.get_by_role("button", name="Upload document").click()
    page.wait_for_url("**/documents/*/")

    # ...then prepares and sends the handover to two UK recipients.
    page.goto("/documents/handovers/")
    assert_accessible(page)
    page.get_by_role("link", name="Hand over documents").click()
    page.wait_for_url("**/documents/handovers/new/")
    assert_accessible(page)
    page.get_by_label("Receiving institute").select_option(label=str(uk))
    page.get_by_label("Priya Shah").check()
    page.get_by_label("Tom Ellis").check()
    page.get_by_label("Benchmark report").check()
    page.get_by_label("Scores").check()
    due = timezone.localdate() + datetime.timedelta(days=10)
    fill_date(page, "Acknowledge by", due)
    page.get_by_label("Message (optional)").fill("Round 1 results for the joint evaluation.")
    page.get_by_role("button", name="Prepare handover").click()
    page.wait_for_url("**/documents/handovers/HO-*/")
    assert_accessible(page)
    page.get_by_role("button", name="Send handover").click()
    page.wait_for_load_state()
    assert "has been sent" in page.locator("main").inner_text()
    assert_accessible(page)
    handover = Handover.objects.get()
    assert handover.status == HandoverStatus.SENT
    assert handover.recipients.count() == 2

    # A UK recipient finds it under My work, downloads both files and acknowledges.
    sign_in_as(page, live_server, reader)
    page.goto("/")
    assert_accessible(page)
    page.get_by_role("link", name=f"{handover.reference} from").click()
    page.wait_for_url(f"**/documents/handovers/{handover.reference}/")
    assert_accessible(page)
    assert page.locator(".app-marking-banner").first.inner_text() == (
        "OFFICIAL: Sensitive // Personal-Privacy"
    )
    for name in ("benchmark.pdf", "scores.csv"):
        with page.expect_download() as info:
            page.get_by_role("link", name=f"Download {name}").click()
        download = info.value
        assert handover.reference in download.suggested_filename
        assert download.suggested_filename.endswith(name)
    page.get_by_role("button", name="Acknowledge receipt").click()
    page.wait_for_load_state()
    assert "You have acknowledged" in page.locator("main").inner_text()
    assert_accessible(page)
    page.goto("/documents/")
    assert_accessible(page)
    assert "Benchmark report" in page.locator("main").inner_text()

    # The sender sees the custody timeline: prepared, sent, two downloads, acknowledged.
    sign_in_as(page, live_server, sender)
    page.goto(f"/documents/handovers/{handover.reference}/")
    assert_accessible(page)
    timeline = page.locator(".app-custody__event h3").all_inner_texts()
    assert timeline == ["Prepared", "Sent", "Downloaded", "Downloaded", "Acknowledged"]
    assert "Priya Shah" in page.locator(".app-custody").inner_text()
    page.get_by_role("link", name="Handovers").first.click()
    assert_accessible(page)
    handover.refresh_from_db()
    assert handover.status == HandoverStatus.ACKNOWLEDGED


def test_query_withdraw_and_version_pages_are_accessible(page, live_server, assert_accessible):
    """The remaining handover pages, and their error states, pass axe."""
    from handover import services
    from handover.demo import upload

    uk = InstituteFactory(uk=True)
    au = InstituteFactory(au=True)
    sender = UserFactory(institute=uk, full_name="Priya Shah")
    recipient = UserFactory(institute=au, full_name="Liam Nguyen")
    document = services.document_upload(
        user=sender,
        title="Protocol",
        marking=Marking(
            scheme="UK", classification="OFFICIAL-SENSITIVE", descriptors=("PERSONAL DATA",)
        ),
        uploaded=upload("protocol.pdf", sample_pdf("Protocol")),
    )
    handover = services.handover_prepare(
        sender=sender,
        receiving_institute=au,
        recipients=[recipient],
        versions=[document.versions.get()],
        acknowledge_by=timezone.localdate() + datetime.timedelta(days=5),
    )
    services.handover_send(handover=handover, user=sender)

    sign_in_as(page, live_server, sender)
    page.goto(f"/documents/{document.pk}/versions/new/")
    assert_accessible(page)
    page.get_by_role("button", name="Upload version").click()
    assert "Choose a file to upload." in page.locator(".govuk-error-summary").inner_text()
    assert_accessible(page)
    page.goto("/documents/handovers/new/")
    page.get_by_role("button", name="Prepare handover").click()
    assert "Choose at least one recipient." in page.locator(".govuk-error-summary").inner_text()
    assert_accessible(page)

    sign_in_as(page, live_server, recipient)
    page.goto(f"/documents/handovers/{handover.reference}/")
    page.get_by_role("link", name="Query this handover").click()
    assert_accessible(page)
    page.get_by_role("button", name="Send query").click()
    assert "Enter what is wrong or missing." in page.locator(".govuk-error-summary").inner_text()
    assert_accessible(page)
    page.get_by_label("What is wrong or missing?").fill("Appendix B is missing.")
    page.get_by_role("button", name="Send query").click()
    page.wait_for_url(f"**/documents/handovers/{handover.reference}/")
    assert "Queried" in page.locator("main").inner_text()
    assert_accessible(page)

    sign_in_as(page, live_server, sender)
    page.goto("/")
    page.get_by_role("link", name=f"{handover.reference} queried by").click()
    page.get_by_role("link", name="Withdraw handover").click()
    assert_accessible(page)
    page.get_by_role("button", name="Withdraw handover").click()
    page.wait_for_url(f"**/documents/handovers/{handover.reference}/")
    assert "has been withdrawn" in page.locator("main").inner_text()
    assert_accessible(page)
