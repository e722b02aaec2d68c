"""portal.events: webhooks listens from its ready(); a listener that fails does not stop
the others; an unknown event type is an error, never silently dropped."""

import pytest

from portal import events
from portal.registry import Registry
from webhooks import tasks
from webhooks.services import dispatch


def test_webhooks_listens_and_names_its_delivery_task():
    assert events.listeners.names() == ["webhooks"]
    assert events.listeners.entries() == [dispatch.event_received]
    assert dispatch._delivery["task"] is tasks.deliver


def test_an_unknown_event_type_is_an_error(db):
    from tests.factories import InstituteFactory

    with pytest.raises(ValueError, match="Unknown event type"):
        events.emit("application.exploded", InstituteFactory())


def test_one_failing_listener_does_not_stop_the_others(monkeypatch, caplog):
    monkeypatch.setattr(events, "listeners", Registry("event listeners"))
    heard = []

    def broken(event):
        raise RuntimeError("boom")

    events.listen("broken", broken, order=1)
    events.listen("working", heard.append, order=2)
    event = events.Event(
        type=events.EventType.HANDOVER_SENT, model=object, pk=1, change="sent", occurred_at=None
    )
    events.publish(event)
    assert heard == [event]
    assert "Event listener broken failed" in caplog.text
