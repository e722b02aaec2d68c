"""An application for an opportunity (or an open one to a partner), and its transitions."""

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.urls import reverse
from django.utils import timezone
from simple_history.models import HistoricalRecords

from portal import bounds
from portal.search.fields import SearchIndex, search_document

from .common import Direction, cv_upload_to
from .opportunities import Opportunity


class Application(models.Model):
    class Status(models.TextChoices):
        DRAFT = "draft", "Draft"
        SUBMITTED = "submitted", "Submitted"
        ENDORSED = "endorsed", "Endorsed"
        ACCEPTED = "accepted", "Accepted"
        RETURNED = "returned", "Returned for changes"
        DECLINED = "declined", "Declined"
        WITHDRAWN = "withdrawn", "Withdrawn"

    EDITABLE = (Status.DRAFT, Status.RETURNED)
    FINAL = (Status.DECLINED, Status.WITHDRAWN)

    applicant = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="exchange_applications"
    )
    opportunity = models.ForeignKey(
        Opportunity,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="applications",
        help_text="Blank for an open application to the host institute.",
    )
    programme = models.ForeignKey(
        "programmes.Programme",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="applications",
        help_text="The opportunity's programme; blank for an open application.",
    )
    home_institute = models.ForeignKey(
        "accounts.Institute", on_delete=models.PROTECT, related_name="+"
    )
    host_institute = models.ForeignKey(
        "accounts.Institute", on_delete=models.PROTECT, related_name="+"
    )
    direction = models.CharField(max_length=5, choices=Direction.choices)
    proposed_start = models.DateField(
        null=True, blank=True, validators=[bounds.validate_entered_date]
    )
    proposed_end = models.DateField(
        null=True, blank=True, validators=[bounds.validate_entered_date]
    )
    skills_to_gain = models.TextField(
        "skills you will gain", blank=True, max_length=bounds.STATEMENT_MAX_LENGTH
    )
    benefit_to_home_team = models.TextField(
        "benefit to your home team", blank=True, max_length=bounds.STATEMENT_MAX_LENGTH
    )
    offer_to_host = models.TextField(
        "what you offer the host", blank=True, max_length=bounds.STATEMENT_MAX_LENGTH
    )
    line_manager = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="exchange_applications_to_endorse",
    )
    cv = models.FileField("CV", upload_to=cv_upload_to, blank=True, max_length=200)
    cv_name = models.CharField("CV file name", max_length=255, blank=True)
    cv_content_type = models.CharField(max_length=100, blank=True)
    cv_size = models.PositiveIntegerField(null=True, blank=True)
    has_conflict_of_interest = models.BooleanField(null=True, blank=True)
    conflict_of_interest_details = models.TextField(
        blank=True, max_length=bounds.STATEMENT_MAX_LENGTH
    )
    declaration_confirmed = models.BooleanField(default=False)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.DRAFT)
    submitted_at = models.DateTimeField(null=True, blank=True, db_index=True)
    status_changed_at = models.DateTimeField(default=timezone.now)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    # The business case; a conflict of interest's details are left out of search.
    search_vector = search_document(
        ("skills_to_gain", "B"), ("benefit_to_home_team", "B"), ("offer_to_host", "B")
    )

    history = HistoricalRecords(excluded_fields=["updated_at", "search_vector"])

    class Meta:
        ordering = ["-status_changed_at", "-pk"]
        indexes = [
            models.Index(fields=["status", "status_changed_at"], name="application_waiting_idx"),
            # The lists' order: walked in order, a page stops after its rows.
            models.Index(fields=["status_changed_at", "id"], name="application_changed_idx"),
            models.Index(fields=["line_manager", "status"], name="application_manager_idx"),
            SearchIndex(fields=["search_vector"], name="application_search_idx"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(proposed_start__isnull=True)
                | Q(proposed_end__isnull=True)
                | Q(proposed_end__gt=F("proposed_start")),
                name="application_end_after_start",
            ),
            bounds.dates_stored_within_bounds(
                "proposed_start", "proposed_end", name="application_dates_within_bounds"
            ),
            models.CheckConstraint(
                condition=~Q(home_institute=F("host_institute")),
                name="application_host_is_partner",
            ),
            models.UniqueConstraint(
                fields=["applicant", "opportunity"],
                condition=Q(opportunity__isnull=False) & ~Q(status__in=["declined", "withdrawn"]),
                name="application_one_live_per_opportunity",
            ),
        ]

    def __str__(self) -> str:
        target = self.opportunity.title if self.opportunity_id else "Open application"
        return f"{self.applicant} – {target}"

    def get_absolute_url(self) -> str:
        return reverse("exchange:application_detail", args=[self.pk])

    @property
    def reference(self) -> str:
        return f"APP-{self.pk:05d}"

    @property
    def is_open_application(self) -> bool:
        return self.opportunity_id is None

    @property
    def is_editable(self) -> bool:
        return self.status in self.EDITABLE


class ApplicationEvent(models.Model):
    """One transition of an application: who, when, from, to and why."""

    application = models.ForeignKey(Application, on_delete=models.CASCADE, related_name="events")
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    at = models.DateTimeField(default=timezone.now)
    from_status = models.CharField(max_length=10, choices=Application.Status.choices, blank=True)
    to_status = models.CharField(max_length=10, choices=Application.Status.choices)
    reason = models.TextField(blank=True, max_length=bounds.REASON_MAX_LENGTH)
    quota_override_reason = models.TextField(
        "reason for going over the quota",
        blank=True,
        max_length=bounds.REASON_MAX_LENGTH,
        help_text="Given when an acceptance took an agreed exchange quota over.",
    )

    class Meta:
        ordering = ["at", "pk"]
        indexes = [models.Index(fields=["application", "at"], name="application_event_idx")]

    def __str__(self) -> str:
        return f"{self.application_id}: {self.from_status or 'new'} → {self.to_status}"
