"""A secondment, the changes to its dates, and its mid-point review and return report."""

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.urls import reverse
from django.utils import timezone
from simple_history.models import HistoricalRecords

from portal import bounds

from .applications import Application
from .common import Direction


class Secondment(models.Model):
    class Status(models.TextChoices):
        PLANNING = "planning", "Planning"
        READY = "ready", "Ready"
        ACTIVE = "active", "Active"
        COMPLETED = "completed", "Completed"
        CANCELLED = "cancelled", "Cancelled"
        ENDED_EARLY = "ended_early", "Ended early"

    class Arrangement(models.TextChoices):
        SECONDMENT = "secondment", "Secondment"
        LOAN = "loan", "Loan"

    # Planned or running: a person may hold only one of these at a time for any date.
    LIVE = (Status.PLANNING, Status.READY, Status.ACTIVE)

    application = models.OneToOneField(
        Application,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="secondment",
    )
    secondee = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="secondments"
    )
    programme = models.ForeignKey(
        "programmes.Programme", on_delete=models.PROTECT, related_name="secondments"
    )
    home_institute = models.ForeignKey(
        "accounts.Institute", on_delete=models.PROTECT, related_name="+"
    )
    host_institute = models.ForeignKey(
        "accounts.Institute", on_delete=models.PROTECT, related_name="+"
    )
    direction = models.CharField(max_length=5, choices=Direction.choices)
    home_manager = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="secondments_managed"
    )
    host_supervisor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="secondments_supervised",
    )
    title = models.CharField(max_length=200, help_text="The role or work the secondee will do.")
    start_date = models.DateField(db_index=True, validators=[bounds.validate_entered_date])
    end_date = models.DateField(db_index=True, validators=[bounds.validate_entered_date])
    location = models.CharField(max_length=200)
    arrangement = models.CharField(
        max_length=12, choices=Arrangement.choices, default=Arrangement.SECONDMENT
    )
    status = models.CharField(max_length=12, choices=Status.choices, default=Status.PLANNING)
    status_reason = models.TextField(blank=True, max_length=bounds.REASON_MAX_LENGTH)
    status_changed_at = models.DateTimeField(default=timezone.now)
    created_at = models.DateTimeField(auto_now_add=True)

    history = HistoricalRecords()

    class Meta:
        ordering = ["start_date", "pk"]
        indexes = [
            models.Index(fields=["status", "start_date"], name="secondment_status_start_idx"),
            models.Index(fields=["status", "end_date"], name="secondment_status_end_idx"),
            models.Index(fields=["secondee", "status"], name="secondment_secondee_idx"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(end_date__gt=F("start_date")), name="secondment_end_after_start"
            ),
            models.CheckConstraint(
                condition=~Q(home_institute=F("host_institute")),
                name="secondment_host_is_partner",
            ),
            bounds.dates_stored_within_bounds(
                "start_date", "end_date", name="secondment_dates_within_bounds"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.secondee} – {self.title} ({self.get_direction_display()})"

    def get_absolute_url(self) -> str:
        return reverse("exchange:secondment_detail", args=[self.pk])

    @property
    def reference(self) -> str:
        return f"SEC-{self.pk:05d}"


class SecondmentDateChange(models.Model):
    """An amendment to a secondment's dates: extension, early end or rescheduling."""

    class Kind(models.TextChoices):
        EXTENSION = "extension", "Extension"
        EARLY_END = "early_end", "Early end"
        RESCHEDULE = "reschedule", "Rescheduled"

    secondment = models.ForeignKey(
        Secondment, on_delete=models.CASCADE, related_name="date_changes"
    )
    kind = models.CharField(max_length=12, choices=Kind.choices)
    old_start = models.DateField()
    old_end = models.DateField()
    new_start = models.DateField()
    new_end = models.DateField()
    reason = models.TextField(max_length=bounds.REASON_MAX_LENGTH)
    changed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    changed_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["changed_at", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(new_end__gt=F("new_start")), name="date_change_end_after_start"
            ),
            bounds.dates_stored_within_bounds(
                "old_start",
                "old_end",
                "new_start",
                "new_end",
                name="secondment_date_change_within_bounds",
            ),
        ]

    def __str__(self) -> str:
        old = f"{self.old_start}–{self.old_end}"
        return f"{self.get_kind_display()}: {old} → {self.new_start}–{self.new_end}"


class RatingChoice(models.TextChoices):
    ON_TRACK = "on_track", "On track"
    SOME_CONCERNS = "some_concerns", "Some concerns"
    OFF_TRACK = "off_track", "Off track"


class MidpointReview(models.Model):
    secondment = models.OneToOneField(
        Secondment, on_delete=models.CASCADE, related_name="midpoint_review"
    )
    progress = models.CharField(
        "progress against objectives", max_length=20, choices=RatingChoice.choices
    )
    achievements = models.TextField("what has gone well", max_length=bounds.STATEMENT_MAX_LENGTH)
    concerns = models.TextField(
        "concerns or issues", blank=True, max_length=bounds.STATEMENT_MAX_LENGTH
    )
    support_needed = models.TextField(
        "support needed for the second half", blank=True, max_length=bounds.STATEMENT_MAX_LENGTH
    )
    objectives_changed = models.BooleanField("objectives have changed", default=False)
    objectives_change_details = models.TextField(blank=True, max_length=bounds.STATEMENT_MAX_LENGTH)
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    submitted_at = models.DateTimeField(default=timezone.now)

    history = HistoricalRecords()

    def __str__(self) -> str:
        return f"Mid-point review of {self.secondment}"


class ReturnReport(models.Model):
    secondment = models.OneToOneField(
        Secondment, on_delete=models.CASCADE, related_name="return_report"
    )
    work_summary = models.TextField(
        "summary of the work done", max_length=bounds.STATEMENT_MAX_LENGTH
    )
    skills_gained = models.TextField(max_length=bounds.STATEMENT_MAX_LENGTH)
    knowledge_handed_over = models.TextField(
        "knowledge handed over to the host", max_length=bounds.STATEMENT_MAX_LENGTH
    )
    benefit_to_home = models.TextField(
        "how the home team will use what was learned", max_length=bounds.STATEMENT_MAX_LENGTH
    )
    recommendations = models.TextField(
        "recommendations for future exchanges", blank=True, max_length=bounds.STATEMENT_MAX_LENGTH
    )
    would_recommend = models.BooleanField("would recommend the exchange to a colleague")
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    submitted_at = models.DateTimeField(default=timezone.now)

    history = HistoricalRecords()

    def __str__(self) -> str:
        return f"Return report for {self.secondment}"
