"""Webhook endpoints that institutes register, and the log of every delivery to them."""

import uuid

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse

from portal.events import EventType

URL_MAX_LENGTH = 500


class Endpoint(models.Model):
    """A URL of an institute's own system that hears the events it chose.

    The secret signs every delivery (HMAC-SHA256); it is kept so that the portal can sign,
    and shown only to the admins of the endpoint's institute.
    """

    institute = models.ForeignKey(
        "accounts.Institute", on_delete=models.CASCADE, related_name="webhook_endpoints"
    )
    name = models.CharField(max_length=100, help_text="What this endpoint is, for the admins.")
    url = models.URLField("URL", max_length=URL_MAX_LENGTH)
    event_types = models.JSONField(default=list)
    secret = models.CharField(max_length=100, editable=False)
    # After a rotation, deliveries are signed with both secrets for a while, so that the
    # receiving system can take the new one without refusing any delivery.
    previous_secret = models.CharField(max_length=100, blank=True, editable=False)
    previous_secret_until = models.DateTimeField(
        "previous secret also signs until", null=True, blank=True, editable=False
    )
    is_active = models.BooleanField(
        "active",
        default=True,
        help_text="Only active endpoints are sent events. An endpoint that keeps failing "
        "is switched off by the portal; switch it on again once it is fixed.",
    )
    consecutive_failures = models.PositiveIntegerField(default=0, editable=False)
    disabled_at = models.DateTimeField(null=True, blank=True, editable=False)
    disabled_reason = models.CharField(max_length=300, blank=True, editable=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        editable=False,
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = "webhook endpoint"
        ordering = ["institute__name", "name"]
        constraints = [
            models.UniqueConstraint(fields=["institute", "name"], name="webhook_endpoint_name_uniq")
        ]

    def __str__(self) -> str:
        return f"{self.name} ({self.institute.code})"

    def get_absolute_url(self) -> str:
        return reverse("admin:webhooks_endpoint_change", args=[self.pk])

    def signing_secrets(self, now) -> list[str]:
        """The secret, then the previous one while its overlap lasts."""
        secrets = [self.secret]
        if self.previous_secret and self.previous_secret_until and now < self.previous_secret_until:
            secrets.append(self.previous_secret)
        return secrets

    def hears(self, event_type: str) -> bool:
        return self.is_active and event_type in (self.event_types or [])


class Delivery(models.Model):
    """One event for one endpoint: its payload, and how its attempts went."""

    class Status(models.TextChoices):
        PENDING = "pending", "Pending"
        DELIVERED = "delivered", "Delivered"
        FAILED = "failed", "Failed"

    endpoint = models.ForeignKey(Endpoint, on_delete=models.CASCADE, related_name="deliveries")
    event_id = models.UUIDField(default=uuid.uuid4)
    event_type = models.CharField(max_length=40, choices=EventType.choices)
    # Set for events that must reach an endpoint once only (a milestone overdue, per week).
    dedupe_key = models.CharField(max_length=200, blank=True)
    payload = models.JSONField()
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.PENDING)
    attempts = models.PositiveIntegerField(default=0)
    next_attempt_at = models.DateTimeField(null=True, blank=True)
    last_attempt_at = models.DateTimeField(null=True, blank=True)
    response_code = models.PositiveSmallIntegerField(null=True, blank=True)
    duration_ms = models.PositiveIntegerField(null=True, blank=True)
    error = models.CharField(max_length=500, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    delivered_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = "webhook delivery"
        verbose_name_plural = "webhook deliveries"
        ordering = ["-created_at", "-pk"]
        indexes = [
            models.Index(fields=["status", "next_attempt_at"], name="webhook_delivery_due_idx")
        ]
        constraints = [
            # Led by the key: the overdue sweep asks which endpoints heard each key.
            models.UniqueConstraint(
                fields=["dedupe_key", "endpoint"],
                condition=~Q(dedupe_key=""),
                name="webhook_delivery_once_uniq",
            )
        ]

    def __str__(self) -> str:
        return f"{self.event_type} to {self.endpoint.name} ({self.get_status_display().lower()})"
