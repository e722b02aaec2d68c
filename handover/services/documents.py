"""Documents: uploaded with their originator's marking, versioned, and every view and
download recorded."""

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.storage import default_storage
from django.db import transaction
from django.db.models import Max

from accounts.models import User
from audit import services as audit_services
from audit.models import AuditEvent
from portal.uploads import DOCUMENT_TYPES, inspect_upload, store_upload

from .. import access, markings
from ..custody import custody_append
from ..markings import Marking, MarkingError
from ..models import AccessAction, AccessEvent, CustodyKind, Document, DocumentVersion, Handover


def _marking_or_error(marking: Marking) -> Marking:
    try:
        return markings.validate(marking)
    except MarkingError as exc:
        raise ValidationError({exc.field: exc.message}) from None


def create_version(*, document: Document, uploaded, uploader: User, note: str) -> DocumentVersion:
    try:
        facts = inspect_upload(uploaded, allowed=DOCUMENT_TYPES)
    except ValidationError as exc:
        raise ValidationError({"file": exc.messages}) from None
    stored = store_upload(uploaded, folder="handover")
    number = (document.versions.aggregate(n=Max("number"))["n"] or 0) + 1
    try:
        return DocumentVersion.objects.create(
            document=document,
            number=number,
            file=stored,
            original_name=facts.original_name[:255],
            size=facts.size,
            media_type=facts.media_type,
            sha256=facts.sha256,
            uploaded_by=uploader,
            note=(note or "").strip(),
        )
    except Exception:
        default_storage.delete(stored)
        raise


@transaction.atomic
def document_upload(
    *,
    user: User,
    title: str,
    marking: Marking,
    uploaded,
    note: str = "",
) -> Document:
    """Record a new document with its originator's marking and its first version."""
    if not user.is_authenticated or user.institute_id is None:
        raise PermissionDenied("Only people at a partner institute can upload documents.")
    title = (title or "").strip()
    if not title:
        raise ValidationError({"title": "Enter a title for the document."})
    marking = _marking_or_error(marking)
    if not access.can_open_document(user, marking):
        raise ValidationError(
            {
                "releasability": f"You could not open a document marked {marking.releasability} "
                "yourself, so you cannot upload one."
            }
        )
    if uploaded is None:
        raise ValidationError({"file": "Choose a file to upload."})
    document = Document.objects.create(
        title=title[:200],
        owner_institute_id=user.institute_id,
        created_by=user,
        scheme=marking.scheme,
        classification=marking.classification,
        descriptors=list(marking.descriptors),
        handling_instructions=list(marking.handling_instructions),
        information_management_markers=list(marking.information_management_markers),
        releasability=marking.releasability,
    )
    create_version(document=document, uploaded=uploaded, uploader=user, note=note)
    return document


@transaction.atomic
def document_version_add(
    *, user: User, document: Document, uploaded, note: str = ""
) -> DocumentVersion:
    """Add a new version. Earlier versions stay exactly as they were."""
    if (
        not access.documents_visible_to(user)
        .filter(pk=document.pk, owner_institute_id=user.institute_id)
        .exists()
    ):
        raise PermissionDenied("Only the owning institute can add versions of this document.")
    # Lock the document so that two uploads at once cannot take the same number.
    document = Document.objects.select_for_update().get(pk=document.pk)
    version = create_version(document=document, uploaded=uploaded, uploader=user, note=note)
    document.save(update_fields=["updated_at"])
    return version


def access_record(
    *, user: User, version: DocumentVersion, action: str, handover: Handover | None = None
) -> AccessEvent:
    event = AccessEvent.objects.create(user=user, version=version, action=action, handover=handover)
    if action == AccessAction.VIEW:
        # Downloads reach the audit log as the file is served (portal.downloads).
        audit_services.record(
            event=AuditEvent.DOCUMENT_VIEWED,
            actor=user,
            obj=version.document,
            object_institute=version.document.owner_institute,
            summary=f"Opened version {version.number}.",
        )
    return event


@transaction.atomic
def version_download(*, version: DocumentVersion, user: User) -> AccessEvent:
    """Record a download from the document's page.

    If the person holds the version through handovers they received, each of those
    handovers' custody records the download too, so custody is complete however the file
    was fetched.
    """
    delivered = access.handovers_delivered_to(user).filter(items__version=version).order_by("pk")
    for handover in delivered.select_for_update(of=("self",)):
        custody_append(
            handover=handover,
            kind=CustodyKind.DOWNLOADED,
            actor=user,
            detail={
                "version": version.pk,
                "file": version.original_name,
                "sha256": version.sha256,
                "via": "document page",
            },
        )
    return access_record(user=user, version=version, action=AccessAction.DOWNLOAD)
