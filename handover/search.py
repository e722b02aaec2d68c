"""What document handover offers the portal's search: documents (by title) and handovers
(by reference and message), each found only by those its own pages show it to
(``access``: releasability caveats included)."""

from portal.search import Source

from . import access
from .models import Document, Handover


def _document_context(document: Document) -> str:
    return f"Document of {document.owner_institute.code} · {document.marking_text}"


def _handover_context(handover: Handover) -> str:
    return (
        f"Handover from {handover.sending_institute.code} to "
        f"{handover.receiving_institute.code} · {handover.get_status_display()}"
    )


SOURCES = [
    (
        Source(
            kind="documents",
            label="Documents",
            model=Document,
            visible_to=access.documents_visible_to,
            title=lambda document: document.title,
            context=_document_context,
            select_related=("owner_institute",),
        ),
        50,
    ),
    (
        Source(
            kind="handovers",
            label="Handovers",
            model=Handover,
            visible_to=access.handovers_visible_to,
            title=lambda handover: handover.reference,
            context=_handover_context,
            snippet_fields=("message",),
            select_related=("sending_institute", "receiving_institute"),
        ),
        60,
    ),
]
