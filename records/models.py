"""The retention schedule (one rule per record type), the runs that applied it, and the
stored files waiting to be deleted once the database change that released them is in."""

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils import timezone
from simple_history.models import HistoricalRecords

from .registry import Action

PERIOD_MIN_MONTHS = 1
PERIOD_MAX_MONTHS = 120


class RetentionRule(models.Model):
    """How long one type of record is kept, and what happens to it then."""

    record_type = models.CharField(max_length=60, unique=True)
    label = models.CharField(max_length=200)
    period_months = models.PositiveSmallIntegerField(
        "kept for (months)",
        validators=[MinValueValidator(PERIOD_MIN_MONTHS), MaxValueValidator(PERIOD_MAX_MONTHS)],
        help_text=f"Between {PERIOD_MIN_MONTHS} and {PERIOD_MAX_MONTHS} months.",
    )
    action = models.CharField(max_length=20, choices=Action.choices)
    enabled = models.BooleanField(
        "applied by the daily run",
        default=True,
        help_text="Untick to pause this rule: the daily run then leaves these records alone.",
    )
    notes = models.TextField(
        blank=True,
        max_length=2000,
        help_text="Why this period: the agreement or guidance it follows.",
    )
    updated_at = models.DateTimeField(auto_now=True)

    history = HistoricalRecords(excluded_fields=["updated_at"])

    class Meta:
        verbose_name = "retention rule"
        verbose_name_plural = "retention schedule"
        ordering = ["label"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(period_months__gte=PERIOD_MIN_MONTHS)
                & models.Q(period_months__lte=PERIOD_MAX_MONTHS),
                name="retention_period_bounded",
            ),
        ]

    def __str__(self) -> str:
        return self.label


class RetentionRun(models.Model):
    """One application of the schedule (or a dry run of it) and what it found."""

    started_at = models.DateTimeField(default=timezone.now)
    finished_at = models.DateTimeField(null=True, blank=True)
    dry_run = models.BooleanField(default=False)
    started_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        help_text="Empty for the daily run.",
    )
    institute = models.ForeignKey(
        "accounts.Institute",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        help_text="A dry run limited to one institute's records; empty for all.",
    )
    counts = models.JSONField(default=dict, blank=True)
    errors = models.JSONField(default=dict, blank=True)

    class Meta:
        ordering = ["-started_at", "-pk"]
        indexes = [models.Index(fields=["-started_at"], name="retention_run_started")]

    def __str__(self) -> str:
        what = "Dry run" if self.dry_run else "Run"
        return f"{what} at {self.started_at:%Y-%m-%d %H:%M} UTC"

    @property
    def total(self) -> int:
        return sum(self.counts.values())


class PendingFileDeletion(models.Model):
    """A stored file that a committed retention change released. Deleted from storage
    after the commit; a failure leaves the row, and the next run tries again."""

    name = models.CharField(max_length=255, unique=True)
    record_type = models.CharField(max_length=60)
    created_at = models.DateTimeField(default=timezone.now)
    attempts = models.PositiveSmallIntegerField(default=0)
    last_error = models.CharField(max_length=500, blank=True)

    class Meta:
        ordering = ["created_at", "pk"]

    def __str__(self) -> str:
        return self.name
