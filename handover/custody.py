"""The custody hash chain of each handover: appending to it, and verifying it (the
management command and the tests verify)."""

from django.utils import timezone

from accounts.models import User
from audit import services as audit_services
from audit.models import AuditEvent

from .models import GENESIS_HASH, CustodyEvent, Handover


def custody_append(
    *, handover: Handover, kind: str, actor: User, detail: dict | None = None
) -> CustodyEvent:
    """Append to the chain. The caller holds the handover row lock (``select_for_update``)."""
    last = handover.custody.order_by("-sequence").first()
    event = CustodyEvent(
        handover=handover,
        sequence=(last.sequence + 1) if last else 1,
        kind=kind,
        actor=actor,
        at=timezone.now(),
        detail=detail or {},
        previous_hash=last.hash if last else GENESIS_HASH,
    )
    event.hash = event.compute_hash(reference=handover.reference)
    event.save()
    Handover.objects.filter(pk=handover.pk).update(custody_head=event.hash)
    handover.custody_head = event.hash
    _mirror(handover, event)
    return event


def _mirror(handover: Handover, event: CustodyEvent) -> None:
    """The audit log carries each custody link too, for both institutes' admins."""
    other = (
        handover.receiving_institute
        if event.actor.institute_id == handover.sending_institute_id
        else handover.sending_institute
    )
    audit_services.record(
        event=AuditEvent.CUSTODY,
        actor=event.actor,
        obj=handover,
        object_institute=other,
        new={"sequence": event.sequence, "kind": event.kind, **event.detail},
        summary=f"{event.get_kind_display()} (custody link {event.sequence}).",
    )


def _describe(reference: str, event: CustodyEvent | None, sequence: int, problem: str) -> str:
    if event is None:
        return f"{reference} event {sequence}: {problem}"
    return f"{reference} event {event.sequence} ({event.kind}, id {event.pk}): {problem}"


def verify_handover(handover: Handover, events) -> str | None:
    """Return a description of the first broken link of one chain, or None when intact."""
    previous = GENESIS_HASH
    expected_sequence = 1
    for event in events:
        if event.sequence != expected_sequence:
            return _describe(
                handover.reference,
                event,
                expected_sequence,
                f"expected event {expected_sequence} here; an event is missing or renumbered",
            )
        if event.previous_hash != previous:
            return _describe(
                handover.reference, event, event.sequence, "does not follow the event before it"
            )
        if event.compute_hash(reference=handover.reference) != event.hash:
            return _describe(
                handover.reference,
                event,
                event.sequence,
                "its content has been changed since it was recorded",
            )
        previous = event.hash
        expected_sequence += 1
    if previous != handover.custody_head:
        return _describe(
            handover.reference,
            None,
            expected_sequence,
            "the newest recorded event is missing from the chain",
        )
    return None


def verify_chains(chunk_size: int = 2000) -> tuple[int, int, str | None]:
    """Walk every chain in order; stop at the first broken link.

    Returns (handovers checked, events checked, first problem or None). Events are read in
    one ordered pass with a server-side cursor, so memory stays flat however long the
    record grows.
    """
    handovers = 0
    events_checked = 0
    current = None
    batch: list[CustodyEvent] = []

    references = dict(Handover.objects.values_list("pk", "reference"))
    heads = dict(Handover.objects.values_list("pk", "custody_head"))
    seen: set[int] = set()
    events = CustodyEvent.objects.order_by("handover_id", "sequence").iterator(
        chunk_size=chunk_size
    )
    for event in events:
        if current is not None and event.handover_id != current.pk:
            problem = verify_handover(current, batch)
            handovers += 1
            if problem:
                return handovers, events_checked, problem
            batch = []
            current = None
        if current is None:
            current = Handover(
                pk=event.handover_id,
                reference=references[event.handover_id],
                custody_head=heads[event.handover_id],
            )
            seen.add(event.handover_id)
        batch.append(event)
        events_checked += 1
    if current is not None:
        problem = verify_handover(current, batch)
        handovers += 1
        if problem:
            return handovers, events_checked, problem
    # A handover whose whole chain was removed still remembers its newest link.
    for pk, head in sorted(heads.items()):
        if pk not in seen:
            handovers += 1
            if head != GENESIS_HASH:
                return (
                    handovers,
                    events_checked,
                    _describe(references[pk], None, 1, "its custody events are missing"),
                )
    return handovers, events_checked, None
