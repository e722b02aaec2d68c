"""The custody chain and `manage.py verify_custody`: clean, then catching tampering."""

from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django.db import connection

from handover import services
from handover.models import CustodyEvent

from .factories import make_document, make_handover, people

pytestmark = pytest.mark.django_db


@pytest.fixture
def chained():
    cast = people()
    document = make_document(cast["uk_sender"])
    first = make_handover(cast["uk_sender"], [cast["au_recipient"]], [document])
    services.handover_item_download(
        handover=first, item=first.items.get(), user=cast["au_recipient"]
    )
    services.handover_acknowledge(handover=first, user=cast["au_recipient"])
    second = make_handover(cast["uk_sender"], [cast["au_other"]], [document])
    return first, second


def run_verify():
    out = StringIO()
    call_command("verify_custody", stdout=out)
    return out.getvalue()


def test_each_event_stores_the_previous_events_hash(chained):
    """Each link points at the one before; the handover remembers the newest."""
    first, _ = chained
    events = list(first.custody.order_by("sequence"))
    assert [e.sequence for e in events] == [1, 2, 3, 4]
    assert events[0].previous_hash == "0" * 64
    for before, after in zip(events, events[1:], strict=False):
        assert after.previous_hash == before.hash
    first.refresh_from_db()
    assert first.custody_head == events[-1].hash


def test_verify_custody_is_clean_on_an_untouched_record(chained):
    """Untouched chains: exit 0 and a count of what was checked."""
    output = run_verify()
    assert "Custody intact: 6 events in 2 handovers verified." in output


def test_verify_custody_names_the_first_edited_event(chained):
    """A raw UPDATE of one stored event is caught: non-zero exit, reference and event named."""
    first, _ = chained
    event = first.custody.get(sequence=3)
    with connection.cursor() as cursor:
        cursor.execute(
            "UPDATE handover_custodyevent SET actor_id = %s WHERE id = %s",
            [first.sender_id, event.pk],
        )
    with pytest.raises(CommandError) as caught:
        run_verify()
    message = str(caught.value)
    assert f"{first.reference} event 3 (downloaded, id {event.pk})" in message
    assert "content has been changed" in message


def test_verify_custody_exits_non_zero_from_the_command_line(chained, capsys):
    """Run as a command, a broken chain exits with status 1 and the message on stderr."""
    first, _ = chained
    with connection.cursor() as cursor:
        cursor.execute(
            "UPDATE handover_custodyevent SET detail = %s WHERE handover_id = %s AND sequence = 1",
            ['{"items": []}', first.pk],
        )
    from django.core.management import ManagementUtility

    with pytest.raises(SystemExit) as exited:
        ManagementUtility(["manage.py", "verify_custody"]).execute()
    assert exited.value.code == 1
    assert f"{first.reference} event 1 (created" in capsys.readouterr().err


def test_a_rewritten_hash_is_caught_at_the_next_link(chained):
    """Recomputing one event's hash after editing it breaks the link that follows."""
    first, _ = chained
    event = first.custody.get(sequence=2)
    event.detail = {"forged": True}
    new_hash = event.compute_hash(reference=first.reference)
    CustodyEvent.objects.filter(pk=event.pk).update(detail=event.detail, hash=new_hash)
    with pytest.raises(CommandError, match=rf"{first.reference} event 3 .*does not follow"):
        run_verify()


def test_a_removed_event_is_caught(chained):
    """Deleting an event from the middle, or the newest one, is detected."""
    first, second = chained
    CustodyEvent.objects.filter(handover=second, sequence=2).delete()
    with pytest.raises(CommandError, match=rf"{second.reference} event .*missing"):
        run_verify()


def test_a_removed_middle_event_is_caught(chained):
    first, _ = chained
    CustodyEvent.objects.filter(handover=first, sequence=2).delete()
    with pytest.raises(CommandError, match=rf"{first.reference} event 3 .*expected event 2"):
        run_verify()
