"""Handovers: prepared and sent by the sender, acknowledged (after every checksum is
verified) or queried by a recipient, withdrawn by the sender; each step on the custody
chain."""

import datetime
from collections.abc import Iterable

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone

from accounts.clock import today_for
from accounts.models import Institute, User
from exchange.models import Secondment
from notifications.services import notify
from portal import bounds, events
from portal.uploads import stored_sha256
from programmes.models import Milestone, Project

from .. import access, markings
from ..custody import custody_append
from ..markings import Marking
from ..models import (
    AccessAction,
    AccessEvent,
    CustodyKind,
    DocumentVersion,
    Handover,
    HandoverCounter,
    HandoverItem,
    HandoverStatus,
)
from ..selectors import milestone_choices_for, project_choices_for, secondment_choices_for
from .documents import access_record


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
    elif date_error := bounds.date_errors(acknowledge_by=acknowledge_by):
        errors.setdefault("acknowledge_by", []).append(date_error["acknowledge_by"])
    elif acknowledge_by < today_for(sender):
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
    custody_append(
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
    custody_append(handover=handover, kind=CustodyKind.SENT, actor=user)
    events.emit(events.EventType.HANDOVER_SENT, handover, change="sent")
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
            custody_append(
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
            custody_append(
                handover=handover,
                kind=CustodyKind.ACKNOWLEDGED,
                actor=user,
                detail={"verified": [i.version.sha256 for i in handover.items.all()]},
            )
            events.emit(events.EventType.HANDOVER_ACKNOWLEDGED, handover, change="acknowledged")
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
    custody_append(
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
    custody_append(
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


def _sender_with_open_access(handover: Handover, user: User, doing: str) -> Handover:
    handover = _locked(handover)
    if not access.is_handover_sender(user=user, handover=handover):
        raise PermissionDenied(f"Only the sender can {doing}.")
    if handover.status not in access.DELIVERED:
        raise ValidationError(
            f"{handover.reference} is {handover.status}: its access cannot change."
        )
    if handover.access_revoked_at is not None:
        raise ValidationError(f"Recipients' access to {handover.reference} is already revoked.")
    return handover


@transaction.atomic
def handover_access_end_set(*, handover: Handover, user: User, access_ends_on) -> Handover:
    """Recipients may download its files through ``access_ends_on`` (inclusive)."""
    bounds.check_entered_dates(access_ends_on=access_ends_on)
    handover = _sender_with_open_access(handover, user, "set when access ends")
    handover.access_ends_on = access_ends_on
    handover.save(update_fields=["access_ends_on"])
    custody_append(
        handover=handover,
        kind=CustodyKind.ACCESS_END_SET,
        actor=user,
        detail={"access_ends_on": access_ends_on.isoformat()},
    )
    return handover


@transaction.atomic
def handover_access_revoke(*, handover: Handover, user: User, reason: str) -> Handover:
    """Recipients can no longer download its files, acknowledged or not; they still see
    that they received it."""
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": "Enter why you are revoking access."})
    handover = _sender_with_open_access(handover, user, "revoke access")
    handover.access_revoked_at = timezone.now()
    handover.access_revoke_reason = reason
    handover.save(update_fields=["access_revoked_at", "access_revoke_reason"])
    custody_append(
        handover=handover, kind=CustodyKind.ACCESS_REVOKED, actor=user, detail={"reason": reason}
    )
    marking = _notify_marking(handover)
    for recipient in handover.recipients.all():
        notify(
            recipient=recipient,
            kind="handover_withdrawn",
            subject=f"Access to {handover.reference} revoked by the sender",
            body=reason,
            url=handover.get_absolute_url(),
            about=handover,
            marking=marking,
        )
    return handover


@transaction.atomic
def handover_item_download(*, handover: Handover, item: HandoverItem, user: User) -> AccessEvent:
    """Record that ``user`` downloaded an item: an access event and a custody link."""
    handover = _locked(handover)
    custody_append(
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
