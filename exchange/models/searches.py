"""A search of opportunities a person saved, to be told when a new opportunity matches."""

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils.http import urlencode

from portal import bounds

from .common import ClearanceLevel
from .opportunities import MAX_DURATION_MONTHS

# What one person may keep; beyond it they delete one first.
SAVED_SEARCHES_PER_PERSON = 20
NO_CLEARANCE = "none"
CLEARANCE_CHOICES = [(NO_CLEARANCE, "None required"), *ClearanceLevel.choices]


class SavedSearch(models.Model):
    """The opportunity list's filters, each stored validated in its own column (so that
    matching a newly published opportunity is one query): blank means "any"."""

    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="saved_searches"
    )
    name = models.CharField(max_length=100)
    team = models.CharField(max_length=200, blank=True)
    location = models.CharField(max_length=200, blank=True)
    duration = models.PositiveSmallIntegerField(
        "duration you want (months)",
        null=True,
        blank=True,
        validators=[MinValueValidator(1), MaxValueValidator(MAX_DURATION_MONTHS)],
    )
    clearance = models.CharField(
        "clearance needed", max_length=20, blank=True, choices=CLEARANCE_CHOICES
    )
    closing_after = models.DateField(
        "closing on or after",
        null=True,
        blank=True,
        validators=[bounds.validate_entered_date],
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["name", "pk"]
        verbose_name = "saved opportunity search"
        verbose_name_plural = "saved opportunity searches"
        indexes = [models.Index(fields=["owner", "name"], name="saved_search_owner_idx")]
        constraints = [
            models.UniqueConstraint(
                fields=["owner", "name"],
                name="saved_search_name_unique_per_owner",
                violation_error_message="You already have a saved search with this name.",
            ),
            models.CheckConstraint(
                condition=Q(duration__isnull=True)
                | Q(duration__gte=1, duration__lte=MAX_DURATION_MONTHS),
                name="saved_search_duration_within_bounds",
            ),
            bounds.dates_stored_within_bounds(
                "closing_after", name="saved_search_date_within_bounds"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.name} ({self.owner})"

    def get_absolute_url(self) -> str:
        query = urlencode(self.filters())
        return reverse("exchange:opportunity_list") + (f"?{query}" if query else "")

    def filters(self) -> dict[str, str]:
        """The opportunity list's query parameters for this search (only those set)."""
        values = {
            "team": self.team,
            "location": self.location,
            "duration": self.duration or "",
            "clearance": self.clearance,
            "closing_after": self.closing_after.isoformat() if self.closing_after else "",
        }
        return {key: str(value) for key, value in values.items() if value}

    def describe(self) -> str:
        """The filters in words, for the list of saved searches."""
        parts = []
        if self.team:
            parts.append(f"team contains “{self.team}”")
        if self.location:
            parts.append(f"location contains “{self.location}”")
        if self.duration:
            parts.append(f"{self.duration} month{'s' if self.duration != 1 else ''}")
        if self.clearance:
            parts.append(f"clearance: {self.get_clearance_display()}")
        if self.closing_after:
            parts.append(f"closing on or after {self.closing_after:%-d %B %Y}")
        return "; ".join(parts) or "every open opportunity"
