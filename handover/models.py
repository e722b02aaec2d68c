import datetime
import hashlib
import json

from django.conf import settings
from django.db import models
from django.urls import reverse
from simple_history.models import HistoricalRecords

from portal import bounds
from portal.fields import StoredFileNameField
from portal.search.fields import SearchIndex, search_document

from . import markings
from .markings import Marking

GENESIS_HASH = "0" * 64


class MarkingScheme(models.TextChoices):
    UK = markings.UK, markings.SCHEME_LABELS[markings.UK]
    AU = markings.AU, markings.SCHEME_LABELS[markings.AU]


class Document(models.Model):
    """A document held by one institute, carrying its originator's protective marking."""

    title = models.CharField(max_length=200)
    owner_institute = models.ForeignKey(
        "accounts.Institute", on_delete=models.PROTECT, related_name="documents"
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="documents_created"
    )
    scheme = models.CharField("marking scheme", max_length=2, choices=MarkingScheme.choices)
    classification = models.CharField(max_length=40)
    descriptors = models.JSONField(default=list, blank=True)
    handling_instructions = models.JSONField(default=list, blank=True)
    information_management_markers = models.JSONField(default=list, blank=True)
    releasability = models.CharField(max_length=20, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    search_vector = search_document(("title", "A"))

    history = HistoricalRecords(excluded_fields=["search_vector"])

    class Meta:
        ordering = ["-updated_at", "-pk"]
        indexes = [
            models.Index(fields=["owner_institute", "-updated_at"]),
            # The list's order: walked in order, a page stops after its rows.
            models.Index(fields=["-updated_at", "-id"], name="document_updated_id_idx"),
            SearchIndex(fields=["search_vector"], name="document_search_idx"),
        ]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("handover:document_detail", args=[self.pk])

    @property
    def marking(self) -> Marking:
        return Marking.of(self)

    @property
    def marking_text(self) -> str:
        return markings.banner_text(self.marking)

    @property
    def marking_class(self) -> str:
        return markings.banner_class(self.marking)


class DocumentVersion(models.Model):
    """One immutable file of a document: its facts are recorded once, at upload."""

    document = models.ForeignKey(Document, on_delete=models.PROTECT, related_name="versions")
    number = models.PositiveIntegerField()
    file = StoredFileNameField(
        "stored file name", max_length=255, help_text="Name in the configured file storage."
    )
    original_name = models.CharField(max_length=255)
    size = models.PositiveBigIntegerField(help_text="Bytes.")
    media_type = models.CharField(max_length=120)
    sha256 = models.CharField("SHA-256", max_length=64)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    note = models.TextField(blank=True, max_length=bounds.NOTE_MAX_LENGTH)
    created_at = models.DateTimeField(auto_now_add=True)
    # Set by the retention schedule (records app) when the file is deleted from storage;
    # the version's facts (name, size, SHA-256) stay, as do its handovers' custody chains.
    file_removed_at = models.DateTimeField(
        "file deleted under the retention schedule", null=True, blank=True, editable=False
    )

    class Meta:
        ordering = ["document", "-number"]
        constraints = [
            models.UniqueConstraint(fields=["document", "number"], name="version_number_unique"),
            models.CheckConstraint(condition=models.Q(size__gt=0), name="version_not_empty"),
        ]

    def __str__(self) -> str:
        return f"{self.document} – version {self.number}"

    def save(self, *args, **kwargs):
        # Versions are immutable: the facts recorded at upload never change (the retention
        # schedule marks a deleted file with a queryset update, handover.services.retention).
        if self.pk is not None:
            raise ValueError("A document version is immutable; upload a new version instead.")
        super().save(*args, **kwargs)

    def get_download_url(self) -> str:
        return reverse("handover:version_download", args=[self.document_id, self.number])


class HandoverStatus(models.TextChoices):
    DRAFT = "draft", "Draft"
    SENT = "sent", "Sent"
    ACKNOWLEDGED = "acknowledged", "Acknowledged"
    QUERIED = "queried", "Queried"
    WITHDRAWN = "withdrawn", "Withdrawn"


class HandoverCounter(models.Model):
    """The last reference number issued in a year; locked while the next is taken."""

    year = models.PositiveIntegerField(primary_key=True)
    last_number = models.PositiveIntegerField(default=0)

    def __str__(self) -> str:
        return f"{self.year}: {self.last_number}"


class Handover(models.Model):
    """A package of document versions handed from one institute to the other."""

    reference = models.CharField(max_length=20, unique=True)
    sending_institute = models.ForeignKey(
        "accounts.Institute", on_delete=models.PROTECT, related_name="handovers_sent"
    )
    receiving_institute = models.ForeignKey(
        "accounts.Institute", on_delete=models.PROTECT, related_name="handovers_received"
    )
    sender = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="handovers_sent"
    )
    recipients = models.ManyToManyField(settings.AUTH_USER_MODEL, related_name="handovers")
    message = models.TextField(blank=True, max_length=bounds.NOTE_MAX_LENGTH)
    acknowledge_by = models.DateField(validators=[bounds.validate_entered_date])
    status = models.CharField(
        max_length=20, choices=HandoverStatus.choices, default=HandoverStatus.DRAFT
    )
    created_at = models.DateTimeField(auto_now_add=True)
    sent_at = models.DateTimeField(null=True, blank=True)
    acknowledged_at = models.DateTimeField(null=True, blank=True)
    acknowledged_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    queried_at = models.DateTimeField(null=True, blank=True)
    queried_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    query_reason = models.TextField(blank=True, max_length=bounds.REASON_MAX_LENGTH)
    withdrawn_at = models.DateTimeField(null=True, blank=True)
    withdraw_reason = models.TextField(blank=True, max_length=bounds.REASON_MAX_LENGTH)
    # Recipients may download through this date (inclusive); the sender may revoke sooner.
    access_ends_on = models.DateField(
        null=True, blank=True, validators=[bounds.validate_entered_date]
    )
    access_revoked_at = models.DateTimeField(null=True, blank=True)
    access_revoke_reason = models.TextField(blank=True, max_length=bounds.REASON_MAX_LENGTH)
    project = models.ForeignKey(
        "programmes.Project",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="handovers",
    )
    milestone = models.ForeignKey(
        "programmes.Milestone",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="handovers",
    )
    secondment = models.ForeignKey(
        "exchange.Secondment",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="handovers",
    )
    # Hash of the newest custody event, so that a removed tail of the chain shows too.
    custody_head = models.CharField(max_length=64, default=GENESIS_HASH)
    search_vector = search_document(("reference", "A"), ("message", "B"))

    history = HistoricalRecords(m2m_fields=[recipients], excluded_fields=["search_vector"])

    class Meta:
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=~models.Q(sending_institute=models.F("receiving_institute")),
                name="handover_between_institutes",
            ),
            models.CheckConstraint(
                condition=~models.Q(status="queried") | ~models.Q(query_reason=""),
                name="handover_query_has_reason",
            ),
            bounds.dates_stored_within_bounds(
                "acknowledge_by", "access_ends_on", name="handover_date_within_bounds"
            ),
            models.CheckConstraint(
                condition=models.Q(access_revoked_at__isnull=True)
                | ~models.Q(access_revoke_reason=""),
                name="handover_revoke_has_reason",
            ),
        ]
        indexes = [
            models.Index(fields=["status", "acknowledge_by"]),
            models.Index(fields=["sender", "status"]),
            models.Index(fields=["milestone", "status"]),
            SearchIndex(fields=["search_vector"], name="handover_search_idx"),
        ]

    def __str__(self) -> str:
        return self.reference

    def get_absolute_url(self) -> str:
        return reverse("handover:handover_detail", args=[self.reference])


class HandoverItem(models.Model):
    handover = models.ForeignKey(Handover, on_delete=models.CASCADE, related_name="items")
    version = models.ForeignKey(
        DocumentVersion, on_delete=models.PROTECT, related_name="handover_items"
    )

    class Meta:
        ordering = ["pk"]
        constraints = [
            models.UniqueConstraint(fields=["handover", "version"], name="handover_item_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.handover}: {self.version}"


class AccessAction(models.TextChoices):
    VIEW = "view", "Viewed"
    DOWNLOAD = "download", "Downloaded"


class AccessEvent(models.Model):
    """Someone viewed or downloaded a document version."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="document_accesses"
    )
    version = models.ForeignKey(
        DocumentVersion, on_delete=models.PROTECT, related_name="access_events"
    )
    action = models.CharField(max_length=10, choices=AccessAction.choices)
    handover = models.ForeignKey(
        Handover, on_delete=models.PROTECT, null=True, blank=True, related_name="access_events"
    )
    at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-at", "-pk"]
        indexes = [models.Index(fields=["version", "-at"])]

    def __str__(self) -> str:
        return f"{self.user} {self.get_action_display().lower()} {self.version}"


class CustodyKind(models.TextChoices):
    CREATED = "created", "Prepared"
    SENT = "sent", "Sent"
    DOWNLOADED = "downloaded", "Downloaded"
    ACKNOWLEDGED = "acknowledged", "Acknowledged"
    QUERIED = "queried", "Queried"
    WITHDRAWN = "withdrawn", "Withdrawn"
    ACCESS_END_SET = "access_end_set", "Access end date set"
    ACCESS_REVOKED = "access_revoked", "Access revoked by the sender"
    INTEGRITY_FAILED = "integrity_failed", "Checksum mismatch: acknowledgement refused"


class CustodyEvent(models.Model):
    """One link of a handover's custody chain.

    ``hash`` covers this event's content and ``previous_hash``, so changing any stored
    event, or removing one, breaks the chain from that point on.
    """

    handover = models.ForeignKey(Handover, on_delete=models.PROTECT, related_name="custody")
    sequence = models.PositiveIntegerField()
    kind = models.CharField(max_length=20, choices=CustodyKind.choices)
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    at = models.DateTimeField()
    detail = models.JSONField(default=dict, blank=True)
    previous_hash = models.CharField(max_length=64)
    hash = models.CharField(max_length=64, unique=True)

    class Meta:
        ordering = ["handover", "sequence"]
        constraints = [
            models.UniqueConstraint(
                fields=["handover", "sequence"], name="custody_sequence_unique"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.handover_id} #{self.sequence} {self.kind}"

    def compute_hash(self, *, reference: str) -> str:
        content = {
            "handover": reference,
            "sequence": self.sequence,
            "kind": self.kind,
            "actor": self.actor_id,
            "at": self.at.astimezone(datetime.UTC).isoformat(timespec="microseconds"),
            "detail": self.detail,
            "previous_hash": self.previous_hash,
        }
        canonical = json.dumps(content, sort_keys=True, separators=(",", ":"), default=str)
        return hashlib.sha256(canonical.encode()).hexdigest()


class DeliverableDocument(models.Model):
    """A document version linked to a programme deliverable: the report a milestone
    delivers, as handed over. Only people who may see the version are shown the link
    (``selectors.deliverable_document_links``)."""

    deliverable = models.ForeignKey(
        "programmes.Deliverable", on_delete=models.CASCADE, related_name="document_links"
    )
    version = models.ForeignKey(
        DocumentVersion, on_delete=models.PROTECT, related_name="deliverable_links"
    )
    linked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    linked_at = models.DateTimeField(auto_now_add=True)

    history = HistoricalRecords()

    class Meta:
        ordering = ["linked_at", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["deliverable", "version"], name="deliverable_document_unique"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.deliverable}: {self.version}"
