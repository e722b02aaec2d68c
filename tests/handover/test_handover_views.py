"""Handover pages: prepare, send, acknowledge, query, withdraw, manifests, and 404s for
everyone else."""

import datetime
import json
from pathlib import Path

import pytest
from django.urls import reverse
from django.utils import timezone

from handover.models import DocumentVersion, Handover, HandoverStatus
from tests.factories import UserFactory

from .factories import banners, login, make_document, make_handover, sample_csv

pytestmark = pytest.mark.django_db


# --- handovers ------------------------------------------------------------------------


def prepare_data(cast, document, **overrides):
    data = {
        "receiving_institute": cast["au"].pk,
        "recipients": [cast["au_recipient"].pk],
        "versions": [document.versions.get().pk],
        "acknowledge_by": (timezone.localdate() + datetime.timedelta(days=7)).isoformat(),
        "message": "For the joint project.",
    }
    data.update(overrides)
    return data


def test_prepare_send_acknowledge_through_the_pages(client, cast):
    """Sender prepares and sends; the recipient downloads and acknowledges; both see custody."""
    document = make_document(cast["uk_sender"], title="Protocol")
    login(client, cast["uk_sender"])
    form_page = client.get(reverse("handover:handover_prepare"))
    body = form_page.content.decode()
    assert "Liam Nguyen" in body
    assert "Tom Ellis" not in body  # colleagues are not offered as recipients
    response = client.post(reverse("handover:handover_prepare"), prepare_data(cast, document))
    handover = Handover.objects.get()
    assert response.url == handover.get_absolute_url()
    assert handover.status == HandoverStatus.DRAFT
    client.post(reverse("handover:handover_send", args=[handover.reference]))
    handover.refresh_from_db()
    assert handover.status == HandoverStatus.SENT

    login(client, cast["au_recipient"])
    detail = client.get(handover.get_absolute_url())
    assert detail.status_code == 200
    assert banners(detail) == 2
    assert "Acknowledge receipt" in detail.content.decode()
    item = handover.items.get()
    download = client.get(
        reverse("handover:handover_item_download", args=[handover.reference, item.pk])
    )
    assert download["X-Content-Type-Options"] == "nosniff"
    assert f"{handover.reference} OFFICIAL v1 report.pdf" in download["Content-Disposition"]
    response = client.post(
        reverse("handover:handover_acknowledge", args=[handover.reference]), follow=True
    )
    assert "You have acknowledged" in response.content.decode()
    handover.refresh_from_db()
    assert handover.status == HandoverStatus.ACKNOWLEDGED

    login(client, cast["uk_sender"])
    timeline = client.get(handover.get_absolute_url()).content.decode()
    for label in ("Prepared", "Sent", "Downloaded", "Acknowledged"):
        assert label in timeline


@pytest.mark.parametrize(
    ("overrides", "field", "message"),
    [
        (
            {"acknowledge_by": (timezone.localdate() - datetime.timedelta(days=1)).isoformat()},
            "acknowledge_by",
            "today or in the future",
        ),
        (
            {"acknowledge_by": "not a date"},
            "acknowledge_by",
            "The acknowledge-by date must be a real date",
        ),
        (
            {"acknowledge_by_day": "12", "acknowledge_by_month": "", "acknowledge_by_year": ""},
            "acknowledge_by",
            "The acknowledge-by date must include a month and year",
        ),
        ({"recipients": "colleague"}, "recipients", "must be people at the receiving institute"),
        ({"recipients": []}, "recipients", "Choose at least one recipient."),
        ({"versions": []}, "versions", "Choose at least one document"),
    ],
)
def test_prepare_bad_input_gets_a_clear_message_and_saves_nothing(
    client, cast, overrides, field, message
):
    """Bad handover input is refused beside its field; no handover is created."""
    document = make_document(cast["uk_sender"])
    if overrides.get("recipients") == "colleague":
        overrides["recipients"] = [cast["au_recipient"].pk, cast["uk_colleague"].pk]
    login(client, cast["uk_sender"])
    response = client.post(
        reverse("handover:handover_prepare"), prepare_data(cast, document, **overrides)
    )
    assert response.status_code == 200
    assert any(message in e for e in response.context["form"].errors[field])
    assert Handover.objects.count() == 0


def test_acknowledging_a_tampered_package_shows_why_and_alerts_the_sender(client, cast, settings):
    """The recipient is told acknowledgement was refused; the sender gets an alert."""
    document = make_document(cast["uk_sender"])
    handover = make_handover(cast["uk_sender"], [cast["au_recipient"]], [document])
    (Path(settings.MEDIA_ROOT) / document.versions.get().file).write_bytes(b"%PDF-1.4 changed")
    login(client, cast["au_recipient"])
    response = client.post(
        reverse("handover:handover_acknowledge", args=[handover.reference]), follow=True
    )
    body = response.content.decode()
    assert "Acknowledgement refused" in body
    # A refusal uses the GOV.UK error summary (red), not the blue information banner.
    summary = body[body.index('<div class="govuk-error-summary"') :]
    assert summary.index("Acknowledgement refused") < summary.index("</div>")
    assert "govuk-notification-banner" not in body
    handover.refresh_from_db()
    assert handover.status == HandoverStatus.SENT
    assert cast["uk_sender"].notifications.filter(kind="handover_integrity_failed").exists()


def test_query_and_withdraw_pages(client, cast):
    """A recipient queries with a reason (required); the sender withdraws."""
    document = make_document(cast["uk_sender"])
    handover = make_handover(cast["uk_sender"], [cast["au_recipient"]], [document])
    login(client, cast["au_recipient"])
    url = reverse("handover:handover_query", args=[handover.reference])
    assert client.get(url).status_code == 200
    empty = client.post(url, {"reason": ""})
    assert "Enter what is wrong or missing." in empty.content.decode()
    client.post(url, {"reason": "Appendix missing"})
    handover.refresh_from_db()
    assert handover.status == HandoverStatus.QUERIED
    assert (
        client.get(reverse("handover:handover_withdraw", args=[handover.reference])).status_code
        == 404
    )

    login(client, cast["uk_sender"])
    url = reverse("handover:handover_withdraw", args=[handover.reference])
    assert client.get(url).status_code == 200
    client.post(url, {"reason": "Replaced"})
    handover.refresh_from_db()
    assert handover.status == HandoverStatus.WITHDRAWN


def test_manifests_list_every_item_for_sender_and_recipients(client, cast):
    """CSV and JSON manifests: file name, version, size, SHA-256 and marking."""
    one = make_document(cast["uk_sender"], title="One")
    two = make_document(cast["uk_sender"], title="Two", name="two.csv", content=sample_csv())
    handover = make_handover(cast["uk_sender"], [cast["au_recipient"]], [one, two])
    for person in (cast["uk_sender"], cast["au_recipient"]):
        login(client, person)
        response = client.get(
            reverse("handover:handover_manifest", args=[handover.reference, "json"])
        )
        data = json.loads(response.content)
        assert data["reference"] == handover.reference
        assert data["marking"] == "OFFICIAL"
        assert {i["file_name"] for i in data["items"]} == {"report.pdf", "two.csv"}
        for item in data["items"]:
            version = DocumentVersion.objects.get(original_name=item["file_name"])
            assert (item["version"], item["size"], item["sha256"], item["marking"]) == (
                version.number,
                version.size,
                version.sha256,
                "OFFICIAL",
            )
        csv_response = client.get(
            reverse("handover:handover_manifest", args=[handover.reference, "csv"])
        )
        lines = csv_response.content.decode().splitlines()
        assert lines[0] == "file_name,document,version,size,media_type,sha256,marking"
        assert len(lines) == 3
        assert "attachment" in csv_response["Content-Disposition"]
        assert f"{handover.reference} OFFICIAL manifest.csv" in csv_response["Content-Disposition"]


def handover_urls(handover) -> list[tuple[str, str]]:
    item = handover.items.first()
    ref = handover.reference
    return [
        ("get", reverse("handover:handover_detail", args=[ref])),
        ("post", reverse("handover:handover_send", args=[ref])),
        ("post", reverse("handover:handover_acknowledge", args=[ref])),
        ("get", reverse("handover:handover_query", args=[ref])),
        ("post", reverse("handover:handover_query", args=[ref])),
        ("get", reverse("handover:handover_withdraw", args=[ref])),
        ("post", reverse("handover:handover_withdraw", args=[ref])),
        ("get", reverse("handover:handover_item_download", args=[ref, item.pk])),
        ("get", reverse("handover:handover_manifest", args=[ref, "csv"])),
        ("get", reverse("handover:handover_manifest", args=[ref, "json"])),
    ]


def test_another_institutes_non_recipient_gets_404_on_every_handover_url(client, cast):
    """A person at the receiving institute who is not a recipient sees nothing of it."""
    document = make_document(cast["uk_sender"])
    handover = make_handover(cast["uk_sender"], [cast["au_recipient"]], [document])
    draft = make_handover(cast["uk_sender"], [cast["au_recipient"]], [document], send=False)
    stranger_elsewhere = UserFactory()  # a third institute
    for person in (cast["au_other"], stranger_elsewhere, cast["uk_colleague"]):
        login(client, person)
        for target in (handover, draft):
            for method, url in handover_urls(target):
                response = getattr(client, method)(url, {"reason": "x"} if method == "post" else {})
                assert response.status_code == 404, (person, method, url)
        listing = client.get(reverse("handover:handover_list")).content.decode()
        assert handover.reference not in listing
    # A recipient does not see a draft before it is sent.
    login(client, cast["au_recipient"])
    assert client.get(draft.get_absolute_url()).status_code == 404
    handover.refresh_from_db()
    assert handover.status == HandoverStatus.SENT


def test_sign_in_is_required(client, cast):
    """Signed-out people are sent to sign in."""
    response = client.get(reverse("handover:document_list"))
    assert response.status_code == 302
    assert reverse("account_login") in response.url
