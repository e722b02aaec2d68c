"""Writes for documents and handovers. Each checks who may act and says why when it refuses."""

import datetime
from collections.abc import Iterable
from zoneinfo import ZoneInfo

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.storage import default_storage
from django.db import transaction
from django.db.models import Max
from django.utils import timezone

from accounts.models import Institute, User
from exchange.models import Secondment
from notifications.services import notify
from portal.uploads import DOCUMENT_TYPES, inspect_upload, store_upload, stored_sha256
from programmes.models import Milestone, Project

from . import access, markings
from .markings import Marking, MarkingError
from .models import (
    GENESIS_HASH,
    AccessAction,
    AccessEvent,
    CustodyEvent,
    CustodyKind,
    Document,
    DocumentVersion,
    Handover,
    HandoverCounter,
    HandoverItem,
    HandoverStatus,
)
from .selectors import milestone_choices_for, project_choices_for, secondment_choices_for

# --- documents ------------------------------------------------------------------------


def _marking_or_error(marking: Marking) -> Marking:
    try:
        return markings.validate(marking)
    except MarkingError as exc:
        raise ValidationError({exc.field: exc.message}) from None


def _create_version(*, document: Document, uploaded, uploader: User, note: str) -> DocumentVersion:
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
    _create_version(document=document, uploaded=uploaded, uploader=user, note=note)
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
    version = _create_version(document=document, uploaded=uploaded, uploader=user, note=note)
    document.save(update_fields=["updated_at"])
    return version


def access_record(
    *, user: User, version: DocumentVersion, action: str, handover: Handover | None = None
) -> AccessEvent:
    return AccessEvent.objects.create(user=user, version=version, action=action, handover=handover)


# --- custody chain --------------------------------------------------------------------


def _custody_append(
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
    return event


def _locked(handover: Handover) -> Handover:
    return Handover.objects.select_for_update().get(pk=handover.pk)


def _next_reference(*, year: int) -> str:
    # The counter row is created once per year (a concurrent creator is ignored) and then
    # locked, so two handovers prepared at the same moment never share a number.
    HandoverCounter.objects.bulk_create([HandoverCounter(year=year)], ignore_conflicts=True)
    counter = HandoverCounter.objects.select_for_update().get(year=year)
    counter.last_number += 1
    counter.save(update_fields=["last_number"])
    return f"HO-{year}-{counter.last_number:04d}"


# --- handovers ------------------------------------------------------------------------


@transaction.atomic
def handover_prepare(
    *,
    sender: User,
    receiving_institute: Institute,
    recipients: Iterable[User],
    versions: Iterable[DocumentVersion],
    acknowledge_by: datetime.date,
    message: str = "",
    project: Project | None = None,
    milestone: Milestone | None = None,
    secondment: Secondment | None = None,
) -> Handover:
    """Prepare a draft handover of pinned document versions to the partner institute.

    It may be linked to a project, a milestone (whose handover gate it can satisfy) or a
    secondment, each one the sender can see.
    """
    if not sender.is_authenticated or sender.institute_id is None:
        raise PermissionDenied("Only people at a partner institute can hand over documents.")
    errors: dict[str, list[str]] = {}
    if receiving_institute.pk == sender.institute_id:
        errors.setdefault("receiving_institute", []).append(
            "Choose the partner institute: a handover goes to another institute."
        )
    recipients = list(recipients)
    versions = list(versions)
    if not recipients:
        errors.setdefault("recipients", []).append("Choose at least one recipient.")
    for person in recipients:
        if person.institute_id != receiving_institute.pk or not person.is_active:
            errors.setdefault("recipients", []).append(
                f"{person.get_full_name()} is not at {receiving_institute.name}: recipients "
                "must be people at the receiving institute."
            )
    if not versions:
        errors.setdefault("versions", []).append("Choose at least one document to hand over.")
    allowed = set(
        access.versions_visible_to(sender)
        .filter(pk__in=[v.pk for v in versions], document__owner_institute_id=sender.institute_id)
        .values_list("pk", flat=True)
    )
    for version in versions:
        if version.pk not in allowed:
            errors.setdefault("versions", []).append(
                f"{version} is not a document of your institute that you may open."
            )
            continue
        for person in recipients:
            if person.institute_id == receiving_institute.pk and not access.can_open_document(
                person, version.document
            ):
                errors.setdefault("recipients", []).append(
                    f"{person.get_full_name()} may not receive {version.document.title}: it is "
                    f"marked {version.document.releasability}."
                )
    if acknowledge_by is None:
        errors.setdefault("acknowledge_by", []).append("Enter the date to acknowledge by.")
    elif acknowledge_by < timezone.localdate(timezone=ZoneInfo(sender.effective_time_zone)):
        errors.setdefault("acknowledge_by", []).append(
            "The acknowledge-by date must be today or in the future."
        )
    if project is not None and not project_choices_for(sender).filter(pk=project.pk).exists():
        errors.setdefault("project", []).append("Choose a project you work on.")
    if milestone is not None:
        if not milestone_choices_for(sender).filter(pk=milestone.pk).exists():
            errors.setdefault("milestone", []).append(
                "Choose a milestone of a project you work on."
            )
        elif project is not None and milestone.project_id != project.pk:
            errors.setdefault("milestone", []).append(
                f"That milestone belongs to another project, not {project.code}."
            )
        elif project is None:
            project = milestone.project
    if (
        secondment is not None
        and not secondment_choices_for(sender).filter(pk=secondment.pk).exists()
    ):
        errors.setdefault("secondment", []).append("Choose a secondment you are part of.")
    if errors:
        raise ValidationError(errors)

    handover = Handover.objects.create(
        reference=_next_reference(year=timezone.now().year),
        sending_institute_id=sender.institute_id,
        receiving_institute=receiving_institute,
        sender=sender,
        message=(message or "").strip(),
        acknowledge_by=acknowledge_by,
        project=project,
        milestone=milestone,
        secondment=secondment,
    )
    handover.recipients.set(recipients)
    HandoverItem.objects.bulk_create(
        [HandoverItem(handover=handover, version=version) for version in versions]
    )
    handover = _locked(handover)
    _custody_append(
        handover=handover,
        kind=CustodyKind.CREATED,
        actor=sender,
        detail={
            "items": [
                {"version": v.pk, "file": v.original_name, "sha256": v.sha256} for v in versions
            ],
            "recipients": sorted(p.pk for p in recipients),
        },
    )
    return handover


def _notify_marking(handover: Handover) -> str:
    """The package's highest marking; the notifications app puts it in front of subjects."""
    marking = markings.highest(
        Marking.of(item.version.document)
        for item in handover.items.select_related("version__document")
    )
    return markings.banner_text(marking) if marking else ""


@transaction.atomic
def handover_send(*, handover: Handover, user: User) -> Handover:
    handover = _locked(handover)
    if not access.is_handover_sender(user=user, handover=handover):
        raise PermissionDenied("Only the person who prepared this handover can send it.")
    if handover.status != HandoverStatus.DRAFT:
        raise ValidationError(f"{handover.reference} has already been {handover.status}.")
    handover.status = HandoverStatus.SENT
    handover.sent_at = timezone.now()
    handover.save(update_fields=["status", "sent_at"])
    _custody_append(handover=handover, kind=CustodyKind.SENT, actor=user)
    marking = _notify_marking(handover)
    count = handover.items.count()
    for recipient in handover.recipients.all():
        notify(
            recipient=recipient,
            kind="handover_sent",
            subject=f"{handover.reference}: {count} document"
            f"{'' if count == 1 else 's'} from {handover.sending_institute.name} to acknowledge "
            f"by {handover.acknowledge_by:%-d %B %Y}",
            url=handover.get_absolute_url(),
            about=handover,
            marking=marking,
        )
    return handover


def _recipient_or_denied(handover: Handover, user: User) -> None:
    if not access.is_handover_recipient(user=user, handover=handover):
        raise PermissionDenied("Only a recipient of this handover can do that.")


def handover_acknowledge(*, handover: Handover, user: User) -> Handover:
    """Acknowledge receipt, after checking every item's file against its recorded SHA-256.

    A mismatch refuses acknowledgement, and the refusal itself is kept: it is recorded in
    the custody chain and the sender is told, even though the acknowledgement fails.
    """
    with transaction.atomic():
        handover = _locked(handover)
        _recipient_or_denied(handover, user)
        if handover.status not in {HandoverStatus.SENT, HandoverStatus.QUERIED}:
            raise ValidationError(
                f"{handover.reference} cannot be acknowledged: it is {handover.status}."
            )
        mismatches = []
        for item in handover.items.select_related("version__document"):
            version = item.version
            try:
                actual = stored_sha256(version.file)
            except OSError:
                actual = "missing"
            if actual != version.sha256:
                mismatches.append(
                    {
                        "version": version.pk,
                        "file": version.original_name,
                        "expected": version.sha256,
                        "actual": actual,
                    }
                )
        marking = _notify_marking(handover)
        if mismatches:
            _custody_append(
                handover=handover,
                kind=CustodyKind.INTEGRITY_FAILED,
                actor=user,
                detail={"mismatches": mismatches},
            )
            names = ", ".join(m["file"] for m in mismatches)
            notify(
                recipient=handover.sender,
                kind="handover_integrity_failed",
                subject=f"{handover.reference}: stored file does not match its "
                f"checksum ({names}); acknowledgement refused",
                url=handover.get_absolute_url(),
                about=handover,
                marking=marking,
            )
        else:
            handover.status = HandoverStatus.ACKNOWLEDGED
            handover.acknowledged_at = timezone.now()
            handover.acknowledged_by = user
            handover.save(update_fields=["status", "acknowledged_at", "acknowledged_by"])
            _custody_append(
                handover=handover,
                kind=CustodyKind.ACKNOWLEDGED,
                actor=user,
                detail={"verified": [i.version.sha256 for i in handover.items.all()]},
            )
            notify(
                recipient=handover.sender,
                kind="handover_acknowledged",
                subject=f"{handover.reference} acknowledged by {user.get_full_name()}",
                url=handover.get_absolute_url(),
                about=handover,
                marking=marking,
            )
    if mismatches:
        raise ValidationError(
            f"Acknowledgement refused: {names} no longer matches the checksum recorded at "
            "upload. The sender has been told. Do not rely on the copy you downloaded; ask "
            "the sender to send the documents again."
        )
    return handover


@transaction.atomic
def handover_query(*, handover: Handover, user: User, reason: str) -> Handover:
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": "Enter what is wrong or missing."})
    handover = _locked(handover)
    _recipient_or_denied(handover, user)
    if handover.status != HandoverStatus.SENT:
        raise ValidationError(f"{handover.reference} cannot be queried: it is {handover.status}.")
    handover.status = HandoverStatus.QUERIED
    handover.queried_at = timezone.now()
    handover.queried_by = user
    handover.query_reason = reason
    handover.save(update_fields=["status", "queried_at", "queried_by", "query_reason"])
    _custody_append(
        handover=handover, kind=CustodyKind.QUERIED, actor=user, detail={"reason": reason}
    )
    marking = _notify_marking(handover)
    notify(
        recipient=handover.sender,
        kind="handover_queried",
        subject=f"{handover.reference} queried by {user.get_full_name()}",
        body=reason,
        url=handover.get_absolute_url(),
        about=handover,
        marking=marking,
    )
    return handover


@transaction.atomic
def handover_withdraw(*, handover: Handover, user: User, reason: str = "") -> Handover:
    handover = _locked(handover)
    if not access.is_handover_sender(user=user, handover=handover):
        raise PermissionDenied("Only the sender can withdraw this handover.")
    if handover.status in {HandoverStatus.ACKNOWLEDGED, HandoverStatus.WITHDRAWN}:
        raise ValidationError(
            f"{handover.reference} cannot be withdrawn: it is already {handover.status}."
        )
    was_sent = handover.status != HandoverStatus.DRAFT
    handover.status = HandoverStatus.WITHDRAWN
    handover.withdrawn_at = timezone.now()
    handover.withdraw_reason = (reason or "").strip()
    handover.save(update_fields=["status", "withdrawn_at", "withdraw_reason"])
    _custody_append(
        handover=handover,
        kind=CustodyKind.WITHDRAWN,
        actor=user,
        detail={"reason": handover.withdraw_reason},
    )
    if was_sent:
        marking = _notify_marking(handover)
        for recipient in handover.recipients.all():
            notify(
                recipient=recipient,
                kind="handover_withdrawn",
                subject=f"{handover.reference} withdrawn by the sender",
                body=handover.withdraw_reason,
                url=handover.get_absolute_url(),
                about=handover,
                marking=marking,
            )
    return handover


@transaction.atomic
def handover_item_download(*, handover: Handover, item: HandoverItem, user: User) -> AccessEvent:
    """Record that ``user`` downloaded an item: an access event and a custody link."""
    handover = _locked(handover)
    _custody_append(
        handover=handover,
        kind=CustodyKind.DOWNLOADED,
        actor=user,
        detail={
            "version": item.version_id,
            "file": item.version.original_name,
            "sha256": item.version.sha256,
        },
    )
    return access_record(
        user=user, version=item.version, action=AccessAction.DOWNLOAD, handover=handover
    )


@transaction.atomic
def version_download(*, version: DocumentVersion, user: User) -> AccessEvent:
    """Record a download from the document's page.

    If the person holds the version through handovers they received, each of those
    handovers' custody records the download too, so custody is complete however the file
    was fetched.
    """
    delivered = access.handovers_delivered_to(user).filter(items__version=version).order_by("pk")
    for handover in delivered.select_for_update(of=("self",)):
        _custody_append(
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
