"""Linking document versions to programme deliverables. Who may: see
``access.deliverable_link_refusal``; every refusal says why."""

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction

from accounts.models import User
from programmes.models import Deliverable

from .. import access
from ..models import DeliverableDocument, DocumentVersion


def deliverable_document_link(
    *, actor: User, deliverable: Deliverable, version: DocumentVersion
) -> DeliverableDocument:
    refusal = access.deliverable_link_refusal(user=actor, deliverable=deliverable, version=version)
    if refusal:
        raise PermissionDenied(refusal)
    if DeliverableDocument.objects.filter(deliverable=deliverable, version=version).exists():
        raise ValidationError({"version": "That version is already linked to this deliverable."})
    link = DeliverableDocument(deliverable=deliverable, version=version, linked_by=actor)
    link._history_user = actor
    try:
        with transaction.atomic():
            link.save()
    except IntegrityError:
        # Someone linked the same version a moment ago.
        raise ValidationError(
            {"version": "That version is already linked to this deliverable."}
        ) from None
    return link


@transaction.atomic
def deliverable_document_unlink(*, actor: User, link: DeliverableDocument) -> None:
    refusal = access.deliverable_link_refusal(
        user=actor, deliverable=link.deliverable, version=link.version
    )
    if refusal:
        raise PermissionDenied(refusal)
    link._history_user = actor
    link.delete()
