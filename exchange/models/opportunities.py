"""An opportunity: a place at the host institute that staff of a partner may apply for."""

from django.conf import settings
from django.core.validators import MaxValueValidator
from django.db import models
from django.db.models import F, Q
from django.urls import reverse
from simple_history.models import HistoricalRecords

from portal import bounds
from portal.search.fields import SearchIndex, search_document

from .common import ClearanceLevel

# A secondment lasts at most five years; an opportunity offers at most 100 places.
MAX_DURATION_MONTHS = 60
MAX_PLACES = 100


class Opportunity(models.Model):
    class Status(models.TextChoices):
        DRAFT = "draft", "Draft"
        OPEN = "open", "Open"
        CLOSED = "closed", "Closed"

    programme = models.ForeignKey(
        "programmes.Programme", on_delete=models.PROTECT, related_name="opportunities"
    )
    host_institute = models.ForeignKey(
        "accounts.Institute", on_delete=models.PROTECT, related_name="hosted_opportunities"
    )
    team = models.CharField(max_length=200)
    title = models.CharField(max_length=200)
    description = models.TextField(max_length=bounds.STATEMENT_MAX_LENGTH)
    location = models.CharField(max_length=200, help_text="City and office, e.g. Canberra.")
    min_duration_months = models.PositiveSmallIntegerField(
        "shortest duration (months)", validators=[MaxValueValidator(MAX_DURATION_MONTHS)]
    )
    max_duration_months = models.PositiveSmallIntegerField(
        "longest duration (months)", validators=[MaxValueValidator(MAX_DURATION_MONTHS)]
    )
    earliest_start = models.DateField(validators=[bounds.validate_entered_date])
    closing_date = models.DateField(db_index=True, validators=[bounds.validate_entered_date])
    places = models.PositiveSmallIntegerField(default=1, validators=[MaxValueValidator(MAX_PLACES)])
    required_clearance = models.CharField(
        max_length=20,
        choices=ClearanceLevel.choices,
        blank=True,
        help_text="Level needed in the host's scheme. Blank if none.",
    )
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.DRAFT)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    published_at = models.DateTimeField(null=True, blank=True)
    closed_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    search_vector = search_document(
        ("title", "A"), ("description", "B"), ("team", "C"), ("location", "C")
    )

    history = HistoricalRecords(excluded_fields=["search_vector"])

    class Meta:
        ordering = ["closing_date", "title", "pk"]
        verbose_name_plural = "opportunities"
        indexes = [
            models.Index(
                fields=["status", "host_institute", "closing_date"], name="opp_browse_idx"
            ),
            SearchIndex(fields=["search_vector"], name="opportunity_search_idx"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(min_duration_months__gte=1), name="opportunity_min_duration_positive"
            ),
            models.CheckConstraint(
                condition=Q(max_duration_months__gte=F("min_duration_months")),
                name="opportunity_duration_range",
            ),
            models.CheckConstraint(condition=Q(places__gte=1), name="opportunity_places_positive"),
            models.CheckConstraint(
                condition=Q(max_duration_months__lte=MAX_DURATION_MONTHS, places__lte=MAX_PLACES),
                name="opportunity_duration_and_places_bounded",
            ),
            bounds.dates_stored_within_bounds(
                "earliest_start", "closing_date", name="opportunity_dates_within_bounds"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.title} ({self.host_institute.code})"

    def get_absolute_url(self) -> str:
        return reverse("exchange:opportunity_detail", args=[self.pk])

    @property
    def duration_text(self) -> str:
        if self.min_duration_months == self.max_duration_months:
            return f"{self.min_duration_months} months"
        return f"{self.min_duration_months} to {self.max_duration_months} months"
