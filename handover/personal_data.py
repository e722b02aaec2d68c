"""Handover's part of a person's data download (records.subject_access): handovers they
sent and received (their details, not the documents), documents they uploaded (facts,
not files: the documents are their institute's), and their own opening of documents."""

from records import subject_access as sar

from .models import AccessEvent, DocumentVersion, Handover


def _handover(h, *, sent: bool) -> dict:
    return {
        "reference": h.reference,
        "direction": "sent by you" if sent else "sent to you",
        "from_institute": str(h.sending_institute),
        "to_institute": str(h.receiving_institute),
        "status": h.get_status_display(),
        "message": h.message,
        "acknowledge_by": h.acknowledge_by,
        "sent_at": h.sent_at,
        "acknowledged_at": h.acknowledged_at,
        "access_ends_on": h.access_ends_on,
        "items": [
            {"file": i.version.original_name, "sha256": i.version.sha256} for i in h.items.all()
        ],
    }


def handover_rows(user):
    related = ("sending_institute", "receiving_institute")
    sent = Handover.objects.filter(sender=user).select_related(*related)
    received = Handover.objects.filter(recipients=user).exclude(status="draft")
    for h in sent.prefetch_related("items__version").order_by("pk"):
        yield _handover(h, sent=True)
    for h in received.select_related(*related).prefetch_related("items__version").order_by("pk"):
        yield _handover(h, sent=False)


def upload_rows(user):
    versions = DocumentVersion.objects.filter(uploaded_by=user).select_related("document")
    for v in versions.order_by("pk"):
        yield {
            "document": v.document.title,
            "version": v.number,
            "file": v.original_name,
            "size": v.size,
            "sha256": v.sha256,
            "note": v.note,
            "uploaded_at": v.created_at,
        }


def access_rows(user):
    events = AccessEvent.objects.filter(user=user).select_related("version__document", "handover")
    for e in events.order_by("at", "pk").iterator():
        yield {
            "at": e.at,
            "action": e.get_action_display(),
            "document": e.version.document.title,
            "version": e.version.number,
            "handover": e.handover.reference if e.handover_id else "",
        }


def register_sections() -> None:
    sar.register(
        sar.Section("handovers", "Handovers you sent or received", handover_rows), order=40
    )
    sar.register(
        sar.Section("document-uploads", "Document versions you uploaded", upload_rows), order=41
    )
    sar.register(
        sar.Section("document-access", "Documents you opened or downloaded", access_rows),
        order=42,
    )
