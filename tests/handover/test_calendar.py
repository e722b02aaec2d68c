"""Acknowledge-by dates in the personal calendar feed: for the recipients of a sent
handover until it is acknowledged, with a link back."""

import pytest
from django.urls import reverse
from icalendar import Calendar

from handover import services
from programmes import services as programme_services
from tests.handover.factories import make_document, make_handover

pytestmark = pytest.mark.django_db


def _feed(client, user, **headers):
    token = programme_services.calendar_feed_reset(user=user).token
    return client.get(reverse("calendar_feed", args=[token]), **headers), token


def _events(response) -> dict:
    body = b"".join(response.streaming_content) if response.streaming else response.content
    return {str(e["summary"]): e for e in Calendar.from_ical(body).walk("VEVENT")}


def test_acknowledge_by_dates_reach_the_recipients_until_acknowledged(cast, client):
    doc = make_document(cast["uk_sender"], title="Protocol")
    handover = make_handover(cast["uk_sender"], [cast["au_recipient"]], [doc])
    summary = f"Acknowledge handover {handover.reference}"

    response, token = _feed(client, cast["au_recipient"])
    event = _events(response)[summary]
    assert event.decoded("dtstart") == handover.acknowledge_by
    assert str(event["url"]).endswith(handover.get_absolute_url())
    assert summary not in _events(_feed(client, cast["uk_sender"])[0])
    assert summary not in _events(_feed(client, cast["au_other"])[0])

    services.handover_acknowledge(handover=handover, user=cast["au_recipient"])
    again = client.get(reverse("calendar_feed", args=[token]), HTTP_IF_NONE_MATCH=response["ETag"])
    assert again.status_code == 200
    assert summary not in _events(again)
