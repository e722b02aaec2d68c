"""Which levels of one institute's vetting scheme the other institute recognises."""

from django.core.exceptions import ValidationError
from django.db import models
from simple_history.models import HistoricalRecords

from .common import ClearanceLevel


def scheme_of(level: str) -> str:
    """``UK`` or ``AU``: the scheme a ``ClearanceLevel`` value belongs to."""
    return level.split("_", 1)[0]


class ClearanceRecognition(models.Model):
    """One agreed recognition: a person who holds ``held`` (in the home scheme) meets a
    host requirement of ``meets`` (in the other scheme) or of any lower level there.

    Higher levels of the held scheme meet whatever lower ones do. Admins edit the table;
    a data migration seeds defaults they must confirm (docs/exchange.md).
    """

    held = models.CharField(
        "level held", max_length=20, choices=ClearanceLevel.choices, help_text="In the home scheme."
    )
    meets = models.CharField(
        "meets the host's level",
        max_length=20,
        choices=ClearanceLevel.choices,
        help_text="In the other scheme. Every lower level of that scheme is met too.",
    )
    notes = models.CharField(
        max_length=500, blank=True, help_text="Who agreed it and when, or any condition."
    )
    updated_at = models.DateTimeField(auto_now=True)

    history = HistoricalRecords()

    class Meta:
        ordering = ["held", "meets"]
        verbose_name = "clearance recognition"
        constraints = [
            models.UniqueConstraint(fields=["held", "meets"], name="clearance_recognition_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.get_held_display()} meets {self.get_meets_display()}"

    def clean(self) -> None:
        if self.held and self.meets and scheme_of(self.held) == scheme_of(self.meets):
            raise ValidationError(
                {
                    "meets": "Choose a level in the other scheme: levels in one scheme are "
                    "already compared by their order."
                }
            )
