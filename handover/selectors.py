"""Reads for documents and handovers. Each starts from the access rules in access.py."""

from django.db.models import Count, Exists, OuterRef, Prefetch, QuerySet, Subquery
from django.urls import reverse

from accounts.models import User
from exchange import access as exchange_access
from exchange.models import Secondment
from programmes import access as programmes_access
from programmes.models import Milestone, Project

from . import access, markings
from .markings import Marking
from .models import (
    AccessEvent,
    CustodyEvent,
    DeliverableDocument,
    Document,
    DocumentVersion,
    Handover,
    HandoverItem,
    HandoverStatus,
)


def document_list_for_page(user) -> QuerySet[Document]:
    """Documents for the list page, with what each row shows, in a constant number of queries."""
    return (
        access.documents_visible_to(user)
        .select_related("owner_institute")
        # A subquery, so only the shown page's documents count their versions (the
        # page's COUNT(*) drops it).
        .annotate(
            version_count=Subquery(
                DocumentVersion.objects.filter(document_id=OuterRef("pk"))
                .order_by()
                .values("document_id")
                .annotate(n=Count("pk"))
                .values("n")
            )
        )
        .order_by("-updated_at", "-pk")
    )


def document_versions_for(*, user, document: Document) -> QuerySet[DocumentVersion]:
    return (
        access.versions_visible_to(user)
        .filter(document=document)
        .select_related("uploaded_by", "document__owner_institute")
        .order_by("-number")
    )


def document_access_log(*, document: Document) -> QuerySet[AccessEvent]:
    return (
        AccessEvent.objects.filter(version__document=document)
        .select_related("user__institute", "version", "handover")
        .order_by("-at", "-pk")
    )


def versions_for_handover_form(user) -> QuerySet[DocumentVersion]:
    """The latest version of each document of the sender's institute that they may open."""
    if not user.is_authenticated or not user.institute_id:
        return DocumentVersion.objects.none()
    newer = DocumentVersion.objects.filter(
        document_id=OuterRef("document_id"), number__gt=OuterRef("number")
    )
    return (
        access.versions_visible_to(user)
        .filter(document__owner_institute_id=user.institute_id)
        .exclude(Exists(newer))
        .select_related("document")
        .order_by("document__title", "pk")
    )


def _with_items(queryset: QuerySet[Handover]) -> QuerySet[Handover]:
    return queryset.select_related(
        "sender", "sending_institute", "receiving_institute"
    ).prefetch_related(
        Prefetch(
            "items",
            queryset=HandoverItem.objects.select_related("version__document").order_by("pk"),
        )
    )


def handover_list_received(user) -> QuerySet[Handover]:
    received = Handover.recipients.through.objects.filter(user_id=user.pk).values("handover_id")
    return _with_items(
        access.handovers_visible_to(user)
        .filter(pk__in=received)
        .exclude(status=HandoverStatus.DRAFT)
        .order_by("-sent_at", "-pk")
    )


def handover_list_sent(user) -> QuerySet[Handover]:
    return _with_items(
        access.handovers_visible_to(user).filter(sender_id=user.pk).order_by("-created_at", "-pk")
    )


def handover_detail_queryset(user) -> QuerySet[Handover]:
    return _with_items(access.handovers_visible_to(user)).prefetch_related("recipients__institute")


def handover_custody(*, handover: Handover) -> QuerySet[CustodyEvent]:
    return handover.custody.select_related("actor__institute").order_by("sequence")


def handover_marking(handover: Handover) -> Marking | None:
    """The most restrictive marking among the handover's items (uses prefetched items)."""
    return markings.highest(Marking.of(item.version.document) for item in handover.items.all())


def page_marking(documents) -> Marking | None:
    return markings.highest(Marking.of(document) for document in documents)


def handover_manifest_rows(handover: Handover) -> list[dict]:
    return [
        {
            "file_name": item.version.original_name,
            "document": item.version.document.title,
            "version": item.version.number,
            "size": item.version.size,
            "media_type": item.version.media_type,
            "sha256": item.version.sha256,
            "marking": item.version.document.marking_text,
        }
        for item in handover.items.all()
    ]


MY_WORK_LIMIT = 10


def my_work_sections(user) -> list[dict]:
    """Handovers waiting on my acknowledgement, and my sent handovers that were queried."""
    if not user.is_authenticated:
        return []
    received = Handover.recipients.through.objects.filter(user_id=user.pk).values("handover_id")
    waiting = list(
        Handover.objects.filter(pk__in=received, status=HandoverStatus.SENT)
        .select_related("sending_institute")
        .order_by("acknowledge_by", "pk")[:MY_WORK_LIMIT]
    )
    queried = list(
        Handover.objects.filter(sender_id=user.pk, status=HandoverStatus.QUERIED)
        .select_related("queried_by")
        .order_by("queried_at", "pk")[:MY_WORK_LIMIT]
    )
    return [
        {
            "title": "Handovers to acknowledge",
            "items": [
                {
                    "title": f"{h.reference} from {h.sending_institute.name}",
                    "url": h.get_absolute_url(),
                    "detail": f"Acknowledge by {h.acknowledge_by:%-d %B %Y}",
                }
                for h in waiting
            ],
            "empty": "No handovers are waiting for your acknowledgement.",
        },
        {
            "title": "Your handovers that were queried",
            "items": [
                {
                    "title": f"{h.reference} queried by {h.queried_by.get_full_name()}",
                    "url": h.get_absolute_url(),
                    "detail": h.query_reason[:200],
                }
                for h in queried
            ],
            "empty": "None of your handovers has been queried.",
        },
    ]


# --- links to projects, milestones and secondments ------------------------------------
# A sender links a handover only to what they could open in the app that owns it.


def project_choices_for(user) -> QuerySet[Project]:
    visible = programmes_access.projects_visible_to(user)
    return Project.objects.filter(pk__in=visible.values("pk")).order_by("code")


def milestone_choices_for(user) -> QuerySet[Milestone]:
    return (
        Milestone.objects.filter(pk__in=programmes_access.milestones_visible_to(user).values("pk"))
        .select_related("project")
        .order_by("project__code", "due_date", "pk")
    )


def secondment_choices_for(user) -> QuerySet[Secondment]:
    return (
        Secondment.objects.filter(pk__in=exchange_access.secondments_visible_to(user).values("pk"))
        .select_related("secondee")
        .order_by("start_date", "pk")
    )


def milestone_gate_satisfied(*, milestone: Milestone) -> bool:
    """Whether a milestone's handover gate is met.

    True when a handover linked to the milestone, sent from an institute other than the
    milestone owner's institute to the owner's institute, has been acknowledged. Registered
    (apps.py) as the programmes app's partner handover gate.
    """
    owner_institute_id = User.objects.filter(pk=milestone.owner_id).values("institute_id")
    return (
        Handover.objects.filter(
            milestone_id=milestone.pk,
            status=HandoverStatus.ACKNOWLEDGED,
            receiving_institute_id__in=owner_institute_id,
        )
        .exclude(sending_institute_id__in=owner_institute_id)
        .exists()
    )


# --- documents linked to programme deliverables ---------------------------------------


def deliverable_document_label(version: DocumentVersion) -> str:
    """Title, version number and marking: what a milestone page shows for a link."""
    document = version.document
    return f"{document.title}, version {version.number} ({document.marking_text})"


def deliverable_document_links(*, user, deliverable_ids) -> dict[int, list[dict]]:
    """The ``programmes.deliverable_links`` source: per deliverable, the versions linked
    to it that ``user`` may see (``access.versions_visible_to``), in one query. A linked
    version the person may not see is left out altogether: not its title, not that it
    exists."""
    links = (
        DeliverableDocument.objects.filter(
            deliverable_id__in=programmes_access.deliverables_visible_to(user)
            .filter(pk__in=list(deliverable_ids))
            .values("pk"),
            version_id__in=access.versions_visible_to(user).values("pk"),
        )
        .select_related("version__document")
        .order_by("linked_at", "pk")
    )
    found: dict[int, list[dict]] = {}
    for link in links:
        version = link.version
        found.setdefault(link.deliverable_id, []).append(
            {
                "label": deliverable_document_label(version),
                "url": reverse("handover:document_detail", args=[version.document_id])
                + f"#version-{version.number}",
                "unlink_url": reverse(
                    "handover:deliverable_document_unlink", args=[link.deliverable_id, link.pk]
                ),
            }
        )
    return found


def deliverable_link_page(deliverable_id: int) -> dict:
    """The ``programmes.deliverable_links`` page where managers link a document."""
    return {
        "label": "Link a document",
        "url": reverse("handover:deliverable_document_link", args=[deliverable_id]),
    }


def versions_to_link(*, user, deliverable) -> QuerySet[DocumentVersion]:
    """Versions ``user`` may see and that are not yet linked to ``deliverable``, newest
    first (the link form offers the first ``LINK_CHOICES_MAX``)."""
    return (
        access.versions_visible_to(user)
        .exclude(deliverable_links__deliverable=deliverable)
        .select_related("document")
        .order_by("-created_at", "-pk")
    )
