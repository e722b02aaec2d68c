"""The exchange quotas agreed per programme and year: how much each direction may use."""

from decimal import Decimal

from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from simple_history.models import HistoricalRecords

from .common import Direction

# A quota is for a calendar year the portal accepts dates in, and at most this much.
QUOTA_EARLIEST_YEAR = 2000
QUOTA_LATEST_YEAR = 2099
QUOTA_MAX_AGREED = Decimal("1000")


class QuotaUnit(models.TextChoices):
    PERSON_MONTHS = "months", "Person-months"
    PLACES = "places", "Places"


class ExchangeQuota(models.Model):
    """What the partners agreed for one programme, year and direction: person-months of
    secondment (counted month by month within the year) or places (secondments starting
    in the year). Set by admins; accepting beyond it needs a reason (docs/exchange.md)."""

    programme = models.ForeignKey(
        "programmes.Programme", on_delete=models.PROTECT, related_name="exchange_quotas"
    )
    year = models.PositiveSmallIntegerField(
        validators=[
            MinValueValidator(QUOTA_EARLIEST_YEAR),
            MaxValueValidator(QUOTA_LATEST_YEAR),
        ],
        help_text="The calendar year (1 January to 31 December).",
    )
    direction = models.CharField(max_length=5, choices=Direction.choices)
    unit = models.CharField(
        max_length=6, choices=QuotaUnit.choices, default=QuotaUnit.PERSON_MONTHS
    )
    agreed = models.DecimalField(
        "agreed amount",
        max_digits=5,
        decimal_places=1,
        validators=[MinValueValidator(Decimal("0")), MaxValueValidator(QUOTA_MAX_AGREED)],
        help_text="Person-months (one decimal place) or places, up to 1,000.",
    )
    note = models.CharField(
        max_length=500, blank=True, help_text="Where it was agreed, for example the meeting."
    )
    updated_at = models.DateTimeField(auto_now=True)

    history = HistoricalRecords()

    class Meta:
        ordering = ["programme", "year", "direction"]
        verbose_name = "exchange quota"
        constraints = [
            models.UniqueConstraint(
                fields=["programme", "year", "direction"],
                name="exchange_quota_one_per_direction_year",
                violation_error_message="This programme already has a quota for that year "
                "and direction: change that one.",
            ),
            models.CheckConstraint(
                condition=Q(year__gte=QUOTA_EARLIEST_YEAR, year__lte=QUOTA_LATEST_YEAR),
                name="exchange_quota_year_within_bounds",
            ),
            models.CheckConstraint(
                condition=Q(agreed__gte=0, agreed__lte=QUOTA_MAX_AGREED),
                name="exchange_quota_agreed_within_bounds",
            ),
        ]

    def __str__(self) -> str:
        return (
            f"{self.programme} {self.year}, {self.get_direction_display()}: "
            f"{self.agreed} {self.get_unit_display().lower()}"
        )
