"""Expiring access: after a handover's access end date, or once the sender revokes
access, recipients still see the handover and its custody record but no file URL (pages
or API) gives them its files; the sending institute still downloads."""

import datetime

import pytest
import time_machine
from django.urls import reverse
from django.utils import timezone

from handover import services
from handover.models import CustodyKind, HandoverStatus
from tests.api.conftest import api_client

from .factories import login, make_document, make_handover

pytestmark = pytest.mark.django_db

DAY = datetime.datetime(2026, 3, 2, 10, 0, tzinfo=datetime.UTC)


@pytest.fixture(autouse=True)
def frozen():
    with time_machine.travel(DAY, tick=False) as traveller:
        yield traveller


@pytest.fixture
def sent(cast):
    document = make_document(cast["uk_sender"])
    handover = make_handover(cast["uk_sender"], [cast["au_recipient"]], [document])
    return handover, document


def file_urls(handover, document):
    item = handover.items.get()
    return [
        ("page", reverse("handover:version_download", args=[document.pk, 1])),
        (
            "page",
            reverse(
                "handover:handover_item_download",
                kwargs={"reference": handover.reference, "item_id": item.pk},
            ),
        ),
        ("api", reverse("api:document-download", kwargs={"pk": document.pk, "number": 1})),
        (
            "api",
            reverse(
                "api:handover-download",
                kwargs={"reference": handover.reference, "item_id": item.pk},
            ),
        ),
    ]


def statuses(client_for, user, handover, document):
    result = []
    for kind, url in file_urls(handover, document):
        client = client_for(kind, user)
        result.append(client.get(url).status_code)
    return result


@pytest.fixture
def client_for(client):
    def make(kind, user):
        if kind == "api":
            return api_client(user)
        client.logout()
        return login(client, user)

    return make


def test_recipient_downloads_until_the_end_date_then_is_refused(cast, sent, client_for, frozen):
    handover, document = sent
    services.handover_access_end_set(
        handover=handover, user=cast["uk_sender"], access_ends_on=datetime.date(2026, 3, 5)
    )
    frozen.move_to(datetime.datetime(2026, 3, 5, 12, 0, tzinfo=datetime.UTC))
    assert statuses(client_for, cast["au_recipient"], handover, document) == [200] * 4

    frozen.move_to(datetime.datetime(2026, 3, 6, 12, 0, tzinfo=datetime.UTC))
    assert statuses(client_for, cast["au_recipient"], handover, document) == [404] * 4
    assert statuses(client_for, cast["uk_sender"], handover, document) == [200] * 4
    # A colleague of the sender downloads through the document (the handover is the
    # sender's own, as before).
    assert statuses(client_for, cast["uk_colleague"], handover, document)[::2] == [200, 200]

    # The recipient still sees that it was received, and the custody record says so.
    page = client_for("page", cast["au_recipient"]).get(handover.get_absolute_url())
    assert page.status_code == 200
    text = page.content.decode()
    assert "Access ended" in text
    assert "ended after 5 March 2026" in text
    assert "Download<span" not in text
    kinds = list(handover.custody.values_list("kind", flat=True))
    assert CustodyKind.ACCESS_END_SET in kinds


def test_sender_revokes_after_acknowledgement_with_a_reason(cast, sent, client_for):
    handover, document = sent
    services.handover_acknowledge(handover=handover, user=cast["au_recipient"])
    assert statuses(client_for, cast["au_recipient"], handover, document) == [200] * 4

    client = client_for("page", cast["uk_sender"])
    url = reverse("handover:handover_access_revoke", kwargs={"reference": handover.reference})
    response = client.post(url, {"reason": "The collaboration ended."})
    assert response.status_code == 302
    handover.refresh_from_db()
    assert handover.status == HandoverStatus.ACKNOWLEDGED
    assert handover.access_revoked_at == timezone.now()

    assert statuses(client_for, cast["au_recipient"], handover, document) == [404] * 4
    assert statuses(client_for, cast["uk_sender"], handover, document) == [200] * 4
    last = handover.custody.get(kind=CustodyKind.ACCESS_REVOKED)
    assert last.kind == CustodyKind.ACCESS_REVOKED
    assert last.detail == {"reason": "The collaboration ended."}
    page = client_for("page", cast["au_recipient"]).get(handover.get_absolute_url())
    text = page.content.decode()
    assert "Access revoked by the sender" in text
    assert "The collaboration ended." in text


def test_the_recipient_cannot_set_or_revoke_access(cast, sent, client_for):
    handover, _document = sent
    client = client_for("page", cast["au_recipient"])
    for name, data in [
        ("handover_access_revoke", {"reason": "No."}),
        ("handover_access_end", {"access_ends_on": "2026-03-03"}),
    ]:
        url = reverse(f"handover:{name}", kwargs={"reference": handover.reference})
        assert client.post(url, data).status_code == 404
    handover.refresh_from_db()
    assert handover.access_revoked_at is None and handover.access_ends_on is None


@pytest.mark.parametrize(
    ("value", "message"),
    [
        ("", "Enter the last day to download"),
        ("not a date", "The last day to download must be a real date"),
        (
            {
                "access_ends_on_day": "31",
                "access_ends_on_month": "4",
                "access_ends_on_year": "2026",
            },
            "The last day to download must be a real date",
        ),
        (
            {"access_ends_on_day": "1", "access_ends_on_month": "4", "access_ends_on_year": ""},
            "The last day to download must include a year",
        ),
        ("1999-12-31", "Enter a date on or after 1 January 2000."),
        ("2040-01-01", "Enter a date on or before 2 March 2036"),
    ],
)
def test_a_bad_end_date_is_a_clear_form_error(cast, sent, client_for, value, message):
    handover, _document = sent
    client = client_for("page", cast["uk_sender"])
    url = reverse("handover:handover_access_end", kwargs={"reference": handover.reference})
    data = value if isinstance(value, dict) else {"access_ends_on": value}
    response = client.post(url, data)
    assert response.status_code == 200
    assert message in response.content.decode()
    handover.refresh_from_db()
    assert handover.access_ends_on is None
    assert not handover.custody.filter(kind=CustodyKind.ACCESS_END_SET).exists()


def test_a_missing_reason_is_a_clear_form_error(cast, sent, client_for):
    handover, _document = sent
    client = client_for("page", cast["uk_sender"])
    url = reverse("handover:handover_access_revoke", kwargs={"reference": handover.reference})
    response = client.post(url, {"reason": "   "})
    assert response.status_code == 200
    assert "Enter why you are revoking access." in response.content.decode()
    handover.refresh_from_db()
    assert handover.access_revoked_at is None


def test_the_api_shows_when_access_ends_and_offers_no_download(cast, sent):
    handover, _document = sent
    services.handover_access_revoke(handover=handover, user=cast["uk_sender"], reason="Ended.")
    url = reverse("api:handover-detail", kwargs={"reference": handover.reference})
    body = api_client(cast["au_recipient"]).get(url).json()
    assert body["access_revoked_at"] is not None
    assert body["access_revoke_reason"] == "Ended."
    assert "download" not in body["actions"]
    assert "download" in api_client(cast["uk_sender"]).get(url).json()["actions"]


def test_the_api_sets_the_end_date_and_revokes_with_clear_errors(cast, sent):
    handover, _document = sent
    kwargs = {"reference": handover.reference}
    sender = api_client(cast["uk_sender"])
    end = reverse("api:handover-set-access-end", kwargs=kwargs)
    revoke = reverse("api:handover-revoke-access", kwargs=kwargs)
    bad = sender.post(end, {"access_ends_on": "2040-01-01"}, format="json")
    assert bad.status_code == 400
    assert "access_ends_on" in str(bad.json())
    assert sender.post(revoke, {}, format="json").status_code == 400
    assert (
        api_client(cast["au_recipient"]).post(revoke, {"reason": "x"}, format="json").status_code
        == 404
    )

    ok = sender.post(end, {"access_ends_on": "2026-03-10"}, format="json")
    assert ok.status_code == 200 and ok.json()["access_ends_on"] == "2026-03-10"
    ok = sender.post(revoke, {"reason": "Ended."}, format="json")
    assert ok.status_code == 200 and ok.json()["access_revoke_reason"] == "Ended."
