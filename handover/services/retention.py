"""Handover's records under the retention schedule (records app, docs/records.md):
the files of documents handed over, and the log of who opened them."""

import datetime

from django.db.models import Q

from audit import services as audit_services
from audit.models import AuditEvent
from records import registry
from records.registry import Action

from ..models import AccessEvent, DocumentVersion, Handover, HandoverStatus


def _closed_before(cutoff: datetime.datetime) -> Q:
    """A handover that closed before the cutoff: withdrawn, its access revoked or ended,
    or acknowledged with no access end date."""
    return (
        Q(withdrawn_at__lt=cutoff)
        | Q(access_revoked_at__lt=cutoff)
        | Q(access_ends_on__lt=cutoff.date())
        | Q(acknowledged_at__lt=cutoff, access_ends_on__isnull=True)
    )


def document_files(cutoff: datetime.datetime):
    """Versions handed over whose every handover (a draft included) closed before the
    cutoff, and whose file is still in storage. Versions never handed over are the
    owning institute's working copies and are not touched."""
    closed = Handover.objects.exclude(status=HandoverStatus.DRAFT).filter(_closed_before(cutoff))
    still_open = Handover.objects.exclude(pk__in=closed.values("pk"))
    return (
        DocumentVersion.objects.filter(file_removed_at__isnull=True)
        .filter(handover_items__handover__in=closed)
        .exclude(handover_items__handover__in=still_open)
        .distinct()
    )


def document_files_delete(ids, now) -> list[str]:
    """Mark the versions' files deleted and return them. The version's facts (name,
    size, SHA-256), its handovers and their custody chains stay as they are."""
    versions = list(
        DocumentVersion.objects.filter(pk__in=ids).select_related("document__owner_institute")
    )
    # Versions are immutable to saves; this one field is set by an update.
    DocumentVersion.objects.filter(pk__in=ids).update(file_removed_at=now)
    for version in versions:
        audit_services.record(
            event=AuditEvent.RETENTION,
            actor=None,
            obj=version.document,
            object_institute=version.document.owner_institute,
            new={"version": version.number, "sha256": version.sha256},
            summary=f"File of version {version.number} deleted under the retention schedule.",
        )
    return [version.file for version in versions if version.file]


def access_log(cutoff: datetime.datetime):
    return AccessEvent.objects.filter(at__lt=cutoff)


def access_log_delete(ids, now) -> list[str]:
    AccessEvent.objects.filter(pk__in=ids).delete()
    return []


DOCUMENT_FILES = registry.RecordType(
    key="handover.document_files",
    label="Files of documents handed over",
    clock="after every handover of the file closed (acknowledged, withdrawn, or access "
    "ended or revoked)",
    default_months=24,
    action=Action.DELETE_FILES,
    candidates=document_files,
    apply=document_files_delete,
    institute_lookups=(
        "document__owner_institute",
        "handover_items__handover__receiving_institute",
    ),
    why="Kept while recipients may need them, then deleted: each institute keeps its own "
    "copy in its records system. The custody record and checksums stay.",
)

ACCESS_LOG = registry.RecordType(
    key="handover.access_log",
    label="Log of who opened or downloaded documents",
    clock="after the document was opened",
    default_months=72,
    action=Action.DELETE,
    candidates=access_log,
    apply=access_log_delete,
    institute_lookups=("user__institute", "version__document__owner_institute"),
    why="Kept with the audit log, to investigate misuse (six years). Handover custody "
    "records are kept for as long as the portal runs.",
)


def register_all() -> None:
    registry.register(DOCUMENT_FILES, order=40)
    registry.register(ACCESS_LOG, order=50)
