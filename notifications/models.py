from django.conf import settings
from django.contrib.contenttypes.fields import GenericForeignKey
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.db.models import Q
from django.urls import reverse

from .kinds import MANDATORY_KINDS, Delivery, kind_for


class Notification(models.Model):
    """An in-portal notice to one person about one thing, with a link to it."""

    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notifications"
    )
    kind = models.CharField(max_length=64)
    subject = models.CharField(max_length=300)
    body = models.TextField(blank=True)
    url = models.CharField(max_length=500, blank=True)
    marking = models.CharField(
        max_length=200, blank=True, help_text="Protective marking of what this is about, if any."
    )
    content_type = models.ForeignKey(ContentType, on_delete=models.CASCADE, null=True, blank=True)
    object_id = models.PositiveBigIntegerField(null=True, blank=True)
    about = GenericForeignKey("content_type", "object_id")
    created_at = models.DateTimeField(auto_now_add=True)
    read_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        indexes = [
            models.Index(fields=["recipient", "read_at"], name="notification_unread_idx"),
            models.Index(fields=["content_type", "object_id"], name="notification_about_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.subject} → {self.recipient}"

    def get_absolute_url(self) -> str:
        return reverse("notifications:open", args=[self.pk])

    @property
    def kind_label(self) -> str:
        return kind_for(self.kind).label


class Digest(models.Model):
    """One daily digest email to one person, at most one per day of their own calendar."""

    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="digests"
    )
    local_date = models.DateField(help_text="The day, in the recipient's time zone.")
    time_zone = models.CharField(max_length=64)
    item_count = models.PositiveIntegerField(default=0)
    sent_at = models.DateTimeField()

    class Meta:
        ordering = ["-local_date", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["recipient", "local_date"], name="digest_one_per_local_day"
            ),
        ]

    def __str__(self) -> str:
        return f"Digest for {self.recipient} on {self.local_date}"


class Reminder(models.Model):
    """The ledger: one row per (kind, object, recipient, window), whatever scans ran.

    The scan inserts rows and ignores conflicts with the unique key, so a rule that keeps
    matching (level-triggered) never produces a second reminder for the same window.
    Delivery claims rows by ``available_at``: pending ones when due, failed ones after
    their back-off, and ``sending`` ones whose worker died before finishing (the claim is
    a lease). Rows waiting for a digest have no ``available_at``.
    """

    class Status(models.TextChoices):
        PENDING = "pending", "Pending"
        SENDING = "sending", "Sending"
        SENT = "sent", "Sent"
        FAILED = "failed", "Failed"
        SKIPPED = "skipped", "Skipped"

    kind = models.CharField(max_length=64)
    # Content types are fixed rows: no index (the unique key serves lookups) and no
    # constraint trigger, which keeps the scan's bulk insert cheap.
    content_type = models.ForeignKey(
        ContentType,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        db_index=False,
        db_constraint=False,
    )
    object_id = models.PositiveBigIntegerField(null=True, blank=True)
    about = GenericForeignKey("content_type", "object_id")
    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="reminders"
    )
    window = models.CharField(
        max_length=40, help_text="Which occurrence this is, e.g. d14, d7, overdue-w2."
    )
    due_at = models.DateTimeField()
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.PENDING)
    delivery = models.CharField(
        max_length=12,
        choices=Delivery.choices,
        blank=True,
        help_text="How it reached the person, decided from their preference when delivered.",
    )
    available_at = models.DateTimeField(
        null=True, blank=True, help_text="When a delivery worker may next pick it up."
    )
    claim_token = models.CharField(max_length=32, blank=True)
    attempts = models.PositiveSmallIntegerField(default=0)
    last_error = models.TextField(blank=True)
    # Empty for most of a row's life: indexed only where set (see Meta).
    notification = models.ForeignKey(
        Notification,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="reminders",
        db_index=False,
    )
    digest = models.ForeignKey(
        Digest,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="reminders",
        db_index=False,
    )
    created = models.DateTimeField(auto_now_add=True)
    sent_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created", "-pk"]
        constraints = [
            # Integer columns first: the scan probes this index once per due row, and
            # integer comparisons are far cheaper than collated text ones.
            models.UniqueConstraint(
                fields=["object_id", "recipient", "content_type", "kind", "window"],
                name="reminder_once_per_window",
            ),
            models.UniqueConstraint(
                fields=["notification"],
                condition=Q(notification__isnull=False),
                name="reminder_one_per_notification",
            ),
        ]
        indexes = [
            models.Index(
                fields=["available_at"],
                condition=Q(status__in=["pending", "failed", "sending"]),
                name="reminder_claim_idx",
            ),
            models.Index(
                fields=["recipient"],
                condition=Q(status="pending", delivery="digest"),
                name="reminder_digest_idx",
            ),
            models.Index(
                fields=["digest"], condition=Q(digest__isnull=False), name="reminder_digest_fk_idx"
            ),
            models.Index(fields=["kind"], condition=Q(status="failed"), name="reminder_failed_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.kind} [{self.window}] → {self.recipient}"

    @property
    def kind_label(self) -> str:
        return kind_for(self.kind).label


class Preference(models.Model):
    """How one person wants one kind of notice by email. No row means the kind's default."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notification_preferences"
    )
    kind = models.CharField(max_length=64)
    delivery = models.CharField(max_length=12, choices=Delivery.choices)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["user", "kind"]
        constraints = [
            models.UniqueConstraint(fields=["user", "kind"], name="preference_one_per_kind"),
            models.CheckConstraint(
                condition=~Q(kind__in=MANDATORY_KINDS, delivery=Delivery.OFF),
                name="preference_mandatory_not_off",
                violation_error_message="This kind of notice cannot be switched off.",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.user}: {self.kind} {self.delivery}"
