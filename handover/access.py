"""Who may see and act on documents and handovers. Decided here only.

A document is visible to its owner institute's staff and to recipients of a delivered
handover that contains it, in both cases only if its releasability caveat admits the
person (``markings``). A handover is visible to its sender and, once sent, to its
recipients. Views, selectors, services, reminders and the manifest all ask here, so
everyone else gets a 404.
"""

import datetime

from django.db.models import Q, QuerySet
from django.utils import timezone

from accounts import access as accounts_access
from programmes import access as programmes_access

from . import markings
from .models import Document, DocumentVersion, Handover, HandoverItem, HandoverStatus

# A withdrawn handover no longer gives its recipients access to what was in it.
DELIVERED = [HandoverStatus.SENT, HandoverStatus.ACKNOWLEDGED, HandoverStatus.QUERIED]


def _releasabilities(user) -> list[str]:
    institute = user.institute if user.institute_id else None
    return markings.releasabilities_for(
        nationality=user.nationality or "",
        institute_country=institute.country if institute else "",
    )


def _today() -> datetime.date:
    return timezone.localdate()


def _access_open_q(prefix: str = "") -> Q:
    """Recipients' access to a delivered handover's files is open: not revoked by the
    sender, and its access end date (inclusive) not yet passed."""
    return Q(**{f"{prefix}access_revoked_at__isnull": True}) & (
        Q(**{f"{prefix}access_ends_on__isnull": True})
        | Q(**{f"{prefix}access_ends_on__gte": _today()})
    )


def recipient_access_ended(handover: Handover) -> bool:
    """The sender revoked recipients' access, or its end date has passed."""
    if handover.access_revoked_at is not None:
        return True
    return handover.access_ends_on is not None and handover.access_ends_on < _today()


def _delivered_items(user) -> QuerySet[HandoverItem]:
    """Items the person holds through handovers sent to them whose access is still open."""
    return HandoverItem.objects.filter(
        _access_open_q("handover__"), handover__recipients=user, handover__status__in=DELIVERED
    )


def versions_visible_to(user) -> QuerySet[DocumentVersion]:
    if not accounts_access.is_active_person(user):
        return DocumentVersion.objects.none()
    reach = Q(pk__in=_delivered_items(user).values("version_id"))
    if user.institute_id:
        reach |= Q(document__owner_institute_id=user.institute_id)
    return DocumentVersion.objects.filter(reach, document__releasability__in=_releasabilities(user))


def documents_visible_to(user) -> QuerySet[Document]:
    if not accounts_access.is_active_person(user):
        return Document.objects.none()
    reach = Q(pk__in=_delivered_items(user).values("version__document_id"))
    if user.institute_id:
        reach |= Q(owner_institute_id=user.institute_id)
    return Document.objects.filter(reach, releasability__in=_releasabilities(user))


def can_open_document(user, document) -> bool:
    """The document's releasability caveat admits the person (see ``markings``)."""
    return markings.user_may_access(user, document)


def is_document_owner(*, user, document: Document) -> bool:
    """Staff of the owning institute manage its versions and read its access log."""
    return bool(user.institute_id) and document.owner_institute_id == user.institute_id


def handovers_visible_to(user) -> QuerySet[Handover]:
    if not accounts_access.is_active_person(user):
        return Handover.objects.none()
    received = Handover.recipients.through.objects.filter(user_id=user.pk).values("handover_id")
    return Handover.objects.filter(
        Q(sender_id=user.pk) | (Q(pk__in=received) & ~Q(status=HandoverStatus.DRAFT))
    )


def handovers_delivered_to(user) -> QuerySet[Handover]:
    """Handovers sent to the person, not withdrawn and with access open: what they hold
    documents through."""
    return Handover.objects.filter(_access_open_q(), recipients=user, status__in=DELIVERED)


def may_download_from_handover(*, user, handover: Handover) -> bool:
    """The one rule for a handover's files (pages and API): never once withdrawn; the
    sending institute always; recipients while their access is open."""
    if handover.status == HandoverStatus.WITHDRAWN:
        return False
    if user.institute_id and user.institute_id == handover.sending_institute_id:
        return True
    return is_handover_recipient(user=user, handover=handover) and not recipient_access_ended(
        handover
    )


def is_handover_recipient(*, user, handover: Handover) -> bool:
    """Uses the prefetched recipients where the page has them."""
    return any(person.pk == user.pk for person in handover.recipients.all())


def is_handover_sender(*, user, handover: Handover) -> bool:
    return handover.sender_id == user.pk


def handover_actions_for(*, user, handover: Handover) -> set[str]:
    """What the page offers this person; the services check again on submit."""
    status = handover.status
    actions = set()
    if is_handover_sender(user=user, handover=handover):
        if status == HandoverStatus.DRAFT:
            actions.add("send")
        if status not in {HandoverStatus.ACKNOWLEDGED, HandoverStatus.WITHDRAWN}:
            actions.add("withdraw")
        if status in DELIVERED and handover.access_revoked_at is None:
            actions.update({"set_access_end", "revoke_access"})
    if is_handover_recipient(user=user, handover=handover):
        if status in {HandoverStatus.SENT, HandoverStatus.QUERIED}:
            actions.add("respond")
        if status == HandoverStatus.SENT:
            actions.add("query")
    if may_download_from_handover(user=user, handover=handover):
        actions.add("download")
    return actions


# --- documents linked to programme deliverables ---------------------------------------


def deliverable_link_refusal(*, user, deliverable, version: DocumentVersion | None) -> str:
    """Why ``user`` may not link ``version`` to ``deliverable`` (or unlink it); empty if
    they may. Both rules hold: they may change the deliverable (its programme's managers
    and the milestone's owner, ``programmes.access``) and they may see the version."""
    if not programmes_access.deliverables_visible_to(user).filter(pk=deliverable.pk).exists():
        return "You cannot see this deliverable."
    if not programmes_access.may_manage_deliverables(user=user, milestone=deliverable.milestone):
        return (
            "Only the programme's managers and the milestone's owner can change this "
            "deliverable's documents."
        )
    if version is None or not versions_visible_to(user).filter(pk=version.pk).exists():
        return "You can only link a document version you can see yourself."
    return ""
