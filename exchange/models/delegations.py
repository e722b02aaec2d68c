"""Acting delegates: someone who takes another person's exchange decisions for a while
(leave, a handover of duties), and an admin's reassignment of a waiting decision."""

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils import timezone
from simple_history.models import HistoricalRecords

from portal import bounds

# The longest range one delegation may cover (a new one can follow it).
MAX_DELEGATION_DAYS = 366


class Delegation(models.Model):
    """``delegate`` takes ``delegator``'s decisions of ``kind`` from ``start`` to ``end``
    (both days included, on the calendar of the delegator's institute), until revoked."""

    class Kind(models.TextChoices):
        LINE_MANAGER = "line_manager", "Line manager decisions"
        HOST_MANAGER = "host_manager", "Host programme manager decisions"

    delegator = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="exchange_delegations_given",
    )
    delegate = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="exchange_delegations_held",
    )
    kind = models.CharField(max_length=20, choices=Kind.choices)
    start = models.DateField("first day", validators=[bounds.validate_entered_date])
    end = models.DateField("last day", validators=[bounds.validate_entered_date])
    reason = models.CharField(max_length=200, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)
    revoked_at = models.DateTimeField(null=True, blank=True)
    revoked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )

    history = HistoricalRecords()

    class Meta:
        ordering = ["start", "pk"]
        indexes = [
            models.Index(fields=["delegate", "kind", "start"], name="delegation_delegate_idx"),
            models.Index(fields=["delegator", "kind", "start"], name="delegation_delegator_idx"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(end__gte=F("start")), name="delegation_end_not_before_start"
            ),
            models.CheckConstraint(
                condition=~Q(delegate=F("delegator")), name="delegation_not_to_self"
            ),
            bounds.dates_stored_within_bounds(
                "start", "end", name="delegation_dates_within_bounds"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.delegate} acting for {self.delegator} ({self.start} to {self.end})"

    @property
    def is_revoked(self) -> bool:
        return self.revoked_at is not None


class DecisionReassignment(models.Model):
    """An admin moved a waiting line-manager decision to another person, with a reason."""

    application = models.ForeignKey(
        "exchange.Application", on_delete=models.CASCADE, related_name="reassignments"
    )
    from_person = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name="from",
    )
    to_person = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name="new line manager",
    )
    reason = models.TextField(max_length=bounds.REASON_MAX_LENGTH)
    reassigned_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-at", "-pk"]

    def __str__(self) -> str:
        return f"{self.application.reference}: {self.from_person} → {self.to_person}"
