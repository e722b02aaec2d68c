"""The audit log: one append-only table of who did what, when, from where."""

from django.conf import settings
from django.db import models
from django.utils import timezone


class AuditEvent(models.TextChoices):
    SIGN_IN = "sign_in", "Signed in"
    SIGN_OUT = "sign_out", "Signed out"
    SIGN_IN_FAILED = "sign_in_failed", "Sign-in failed"
    LOCKED_OUT = "locked_out", "Locked out after failed sign-ins"
    MFA_ADDED = "mfa_added", "Two-factor authentication added"
    MFA_REMOVED = "mfa_removed", "Two-factor authentication removed"
    RECOVERY_CODES_REGENERATED = "recovery_codes_regenerated", "Recovery codes regenerated"
    RECOVERY_CODE_USED = "recovery_code_used", "Recovery code used"
    MFA_FAILED = "mfa_failed", "Two-factor code refused"
    PASSWORD_CHANGED = "password_changed", "Password changed"
    PASSWORD_RESET = "password_reset", "Password reset"
    USER_CREATED = "user_created", "Person added"
    USER_CHANGED = "user_changed", "Person's details changed"
    ROLE_ADDED = "role_added", "Role given"
    ROLE_REMOVED = "role_removed", "Role taken away"
    INSTITUTE_CHANGED = "institute_changed", "Institute changed"
    CHANGE_REQUESTED = "change_requested", "Change of details requested"
    CHANGE_CONFIRMED = "change_confirmed", "Change of details confirmed"
    CHANGE_REJECTED = "change_rejected", "Change of details rejected"
    ADMIN_ACTION = "admin_action", "Admin action"
    DOCUMENT_VIEWED = "document_viewed", "Document opened"
    FILE_DOWNLOADED = "file_downloaded", "File downloaded"
    CUSTODY = "custody", "Custody event"
    EXPORTED = "exported", "Audit log exported"
    QUOTA_OVERRIDE = "quota_override", "Exchange quota exceeded, with a reason"
    RETENTION = "retention", "Retention schedule"
    SUBJECT_ACCESS = "subject_access", "Personal data downloaded"


class AuditEntryQuerySet(models.QuerySet):
    def update(self, **kwargs):
        raise TypeError("The audit log is append-only: entries are never changed.")

    def delete(self):
        raise TypeError("The audit log is append-only: entries are never deleted.")


class AuditEntry(models.Model):
    """One thing that happened. Written by ``audit.services.record`` only, never changed
    or deleted (``save`` of a stored entry, ``delete`` and queryset ``update`` and
    ``delete`` raise). The exceptions: the database's own (when a person or an
    institute is deleted, the link to them is emptied; ``actor_label`` and
    ``object_label`` keep who and what it was), and the retention schedule's
    (``audit.services.entries_expire`` and ``entries_anonymise_person``, see
    docs/records.md): entries past the schedule's period are deleted, and an anonymised
    person's address is replaced in the entries that name them."""

    at = models.DateTimeField(default=timezone.now)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        help_text="Who did it; empty for the portal itself or someone not signed in.",
    )
    actor_label = models.CharField("who", max_length=254, blank=True)
    institute = models.ForeignKey(
        "accounts.Institute",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        help_text="The institute of the person who acted (or who was signing in).",
    )
    object_institute = models.ForeignKey(
        "accounts.Institute",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        help_text="The institute the record acted on belongs to, when it is another.",
    )
    event = models.CharField(max_length=40, choices=AuditEvent.choices)
    object_type = models.CharField(max_length=100, blank=True)
    object_id = models.CharField(max_length=64, blank=True)
    object_label = models.CharField("record", max_length=300, blank=True)
    old_values = models.JSONField(default=dict, blank=True)
    new_values = models.JSONField(default=dict, blank=True)
    ip = models.GenericIPAddressField("IP address", null=True, blank=True)
    summary = models.CharField(max_length=500, blank=True)

    objects = AuditEntryQuerySet.as_manager()

    class Meta:
        verbose_name = "audit log entry"
        verbose_name_plural = "audit log"
        ordering = ["-at", "-pk"]
        indexes = [
            models.Index(fields=["-at"], name="audit_at"),
            models.Index(fields=["institute", "-at"], name="audit_institute_at"),
            models.Index(fields=["object_institute", "-at"], name="audit_object_institute_at"),
            models.Index(fields=["object_type", "object_id"], name="audit_object"),
        ]

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M} {self.get_event_display()}: {self.object_label}"

    def save(self, *args, **kwargs):
        if not self._state.adding:
            raise TypeError("The audit log is append-only: entries are never changed.")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise TypeError("The audit log is append-only: entries are never deleted.")
