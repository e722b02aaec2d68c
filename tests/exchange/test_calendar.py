"""Secondment dates and checklist due dates in the personal calendar feed, for the
parties and the items' owners only, with links back."""

import pytest
from django.urls import reverse
from icalendar import Calendar

from exchange.models import ChecklistItem
from programmes import services as programme_services
from programmes.selectors import calendar_window

pytestmark = pytest.mark.django_db


def _feed(client, user, **headers):
    token = programme_services.calendar_feed_reset(user=user).token
    return client.get(reverse("calendar_feed", args=[token]), **headers), token


def _events(response) -> dict:
    body = b"".join(response.streaming_content) if response.streaming else response.content
    return {str(e["summary"]): e for e in Calendar.from_ical(body).walk("VEVENT")}


def test_secondment_and_checklist_dates_reach_the_right_feeds(world, client):
    _, secondment = world.accepted()
    start, end = calendar_window(user=secondment.secondee)
    response, token = _feed(client, secondment.secondee)
    events = _events(response)
    begins = events[f"Secondment starts: {secondment.title}"]
    assert begins.decoded("dtstart") == secondment.start_date
    assert str(begins["url"]).endswith(reverse("exchange:secondment_detail", args=[secondment.pk]))
    owned = ChecklistItem.objects.filter(
        secondment=secondment, owner=secondment.secondee, due_date__range=(start, end)
    ).exclude(status__in=ChecklistItem.CLOSED)
    assert owned.exists()
    for item in owned:
        assert f"Checklist due: {item.title} ({secondment.title})" in events

    # Someone who is no party sees none of it.
    outsider_events = _events(_feed(client, world.outsider)[0])
    assert not any(secondment.title in summary for summary in outsider_events)

    # Closing an item changes the feed's ETag and takes the event away.
    url = reverse("calendar_feed", args=[token])
    etag = response["ETag"]
    item = owned.first()
    item.status = ChecklistItem.Status.DONE
    item.save()
    again = client.get(url, HTTP_IF_NONE_MATCH=etag)
    assert again.status_code == 200
    assert f"Checklist due: {item.title} ({secondment.title})" not in _events(again)
