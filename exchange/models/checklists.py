"""Checklist templates by direction, and each secondment's checklist items and evidence."""

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import F, Q
from django.urls import reverse
from django.utils import timezone
from simple_history.models import HistoricalRecords

from portal import bounds

from .common import ClearanceLevel, Direction, evidence_upload_to
from .secondments import Secondment

OFFSET_VALIDATORS = [
    MinValueValidator(-bounds.MAX_OFFSET_DAYS),
    MaxValueValidator(bounds.MAX_OFFSET_DAYS),
]


class Party(models.TextChoices):
    SECONDEE = "secondee", "Secondee"
    HOME = "home", "Home institute"
    HOST = "host", "Host institute"


class ItemKind(models.TextChoices):
    AGREEMENT = "agreement", "Three-party secondment agreement"
    CONFLICT = "conflict", "Conflict-of-interest handling plan"
    CLEARANCE = "clearance", "Security clearance"
    VISA = "visa", "Visa"
    TRAVEL = "travel", "Travel"
    ACCOMMODATION = "accommodation", "Accommodation"
    BRIEFING = "briefing", "Security briefing"
    IT = "it", "IT and compute accounts"
    INDUCTION = "induction", "Induction"
    MIDPOINT = "midpoint", "Mid-point review"
    RETURN_REPORT = "return_report", "Return report"
    KNOWLEDGE = "knowledge", "Knowledge handover"
    OTHER = "other", "Other"


class DueAnchor(models.TextChoices):
    START = "start", "Secondment start"
    MIDPOINT = "midpoint", "Secondment mid-point"
    END = "end", "Secondment end"


class ChecklistTemplate(models.Model):
    """The checklist every new secondment in one direction starts from. Admins edit it."""

    direction = models.CharField(max_length=5, choices=Direction.choices, unique=True)
    name = models.CharField(max_length=200)
    updated_at = models.DateTimeField(auto_now=True)

    history = HistoricalRecords()

    class Meta:
        ordering = ["direction"]

    def __str__(self) -> str:
        return self.name


class ChecklistTemplateItem(models.Model):
    template = models.ForeignKey(ChecklistTemplate, on_delete=models.CASCADE, related_name="items")
    key = models.SlugField(max_length=50, help_text="Stable identifier, e.g. visa.")
    title = models.CharField(max_length=200)
    guidance = models.TextField(blank=True, max_length=bounds.STATEMENT_MAX_LENGTH)
    kind = models.CharField(max_length=20, choices=ItemKind.choices, default=ItemKind.OTHER)
    owner_party = models.CharField(max_length=10, choices=Party.choices)
    mandatory = models.BooleanField(
        default=True, help_text="The secondment cannot become ready while this is open."
    )
    due_anchor = models.CharField(max_length=10, choices=DueAnchor.choices, default=DueAnchor.START)
    due_offset_days = models.IntegerField(
        default=0,
        help_text="Days after the anchor date (negative for before).",
        validators=OFFSET_VALIDATORS,
    )
    order = models.PositiveSmallIntegerField(default=0)

    history = HistoricalRecords()

    class Meta:
        ordering = ["template", "order", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["template", "key"], name="template_item_key_unique"),
            models.CheckConstraint(
                condition=Q(
                    due_offset_days__gte=-bounds.MAX_OFFSET_DAYS,
                    due_offset_days__lte=bounds.MAX_OFFSET_DAYS,
                ),
                name="template_item_offset_bounded",
            ),
        ]

    def __str__(self) -> str:
        return self.title


class SigningMethod(models.TextChoices):
    E_SIGNED = "e_signed", "E-signed"
    WET_SIGNED = "wet_signed", "Wet-signed and uploaded"
    OUTSIDE = "outside", "Signed outside the portal"


class VisaRoute(models.TextChoices):
    UK_GAE = "UK_GAE", "UK Temporary Work – Government Authorised Exchange"
    UK_IA = "UK_IA", "UK Temporary Work – International Agreement"
    AU_403 = "AU_403", "AU Temporary Work (International Relations) visa, subclass 403"


class ChecklistItem(models.Model):
    class Status(models.TextChoices):
        NOT_STARTED = "not_started", "Not started"
        IN_PROGRESS = "in_progress", "In progress"
        DONE = "done", "Done"
        NOT_APPLICABLE = "not_applicable", "Not applicable"

    # Closed items no longer block readiness nor need reminders.
    CLOSED = (Status.DONE, Status.NOT_APPLICABLE)

    secondment = models.ForeignKey(
        Secondment, on_delete=models.CASCADE, related_name="checklist_items"
    )
    template_item = models.ForeignKey(
        ChecklistTemplateItem, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    key = models.SlugField(max_length=50)
    title = models.CharField(max_length=200)
    guidance = models.TextField(blank=True, max_length=bounds.STATEMENT_MAX_LENGTH)
    kind = models.CharField(max_length=20, choices=ItemKind.choices, default=ItemKind.OTHER)
    owner_party = models.CharField(max_length=10, choices=Party.choices)
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="exchange_checklist_items",
    )
    mandatory = models.BooleanField(default=True)
    due_anchor = models.CharField(max_length=10, choices=DueAnchor.choices, default=DueAnchor.START)
    due_offset_days = models.IntegerField(default=0, validators=OFFSET_VALIDATORS)
    due_date = models.DateField(db_index=True)
    status = models.CharField(max_length=16, choices=Status.choices, default=Status.NOT_STARTED)
    notes = models.TextField(blank=True, max_length=bounds.NOTE_MAX_LENGTH)
    order = models.PositiveSmallIntegerField(default=0)
    completed_at = models.DateTimeField(null=True, blank=True)
    completed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    updated_at = models.DateTimeField(auto_now=True)

    # Three-party agreement
    signing_method = models.CharField(
        "how the agreement was signed", max_length=12, choices=SigningMethod.choices, blank=True
    )
    # Security clearance: required in the host's scheme against held in the home scheme.
    clearance_required = models.CharField(
        "level required by the host", max_length=20, choices=ClearanceLevel.choices, blank=True
    )
    clearance_held = models.CharField(
        "level held", max_length=20, choices=ClearanceLevel.choices, blank=True
    )
    clearance_recognition_requested_on = models.DateField(
        "recognition requested on", null=True, blank=True, validators=[bounds.validate_entered_date]
    )
    clearance_recognition_received_on = models.DateField(
        "recognition received on", null=True, blank=True, validators=[bounds.validate_entered_date]
    )
    clearance_expires_on = models.DateField(
        "clearance expires on", null=True, blank=True, validators=[bounds.validate_expiry_date]
    )
    # Visa
    visa_route = models.CharField(max_length=10, choices=VisaRoute.choices, blank=True)
    visa_stream = models.CharField(
        "visa stream", max_length=200, blank=True, help_text="Subclass 403 stream, if any."
    )
    cos_assigned_on = models.DateField(
        "Certificate of Sponsorship assigned on",
        null=True,
        blank=True,
        validators=[bounds.validate_entered_date],
    )
    visa_applied_on = models.DateField(
        "visa applied for on", null=True, blank=True, validators=[bounds.validate_entered_date]
    )
    letter_of_support_on = models.DateField(
        "letter of support issued on",
        null=True,
        blank=True,
        validators=[bounds.validate_entered_date],
    )
    visa_granted_on = models.DateField(
        null=True, blank=True, validators=[bounds.validate_entered_date]
    )
    visa_expires_on = models.DateField(
        "visa expires on", null=True, blank=True, validators=[bounds.validate_expiry_date]
    )

    history = HistoricalRecords(excluded_fields=["updated_at"])

    class Meta:
        ordering = ["secondment", "order", "pk"]
        indexes = [
            models.Index(fields=["status", "due_date"], name="checklist_due_idx"),
            models.Index(fields=["owner", "status", "due_date"], name="checklist_owner_idx"),
            models.Index(
                fields=["clearance_expires_on"],
                name="checklist_clearance_exp_idx",
                condition=Q(clearance_expires_on__isnull=False),
            ),
            models.Index(
                fields=["visa_expires_on"],
                name="checklist_visa_exp_idx",
                condition=Q(visa_expires_on__isnull=False),
            ),
        ]
        constraints = [
            models.UniqueConstraint(fields=["secondment", "key"], name="checklist_item_key_unique"),
            models.CheckConstraint(
                condition=Q(clearance_recognition_requested_on__isnull=True)
                | Q(clearance_recognition_received_on__isnull=True)
                | Q(clearance_recognition_received_on__gte=F("clearance_recognition_requested_on")),
                name="checklist_recognition_order",
            ),
            models.CheckConstraint(
                condition=Q(cos_assigned_on__isnull=True)
                | Q(visa_applied_on__isnull=True)
                | Q(visa_applied_on__gte=F("cos_assigned_on")),
                name="checklist_cos_before_application",
            ),
            models.CheckConstraint(
                condition=Q(
                    due_offset_days__gte=-bounds.MAX_OFFSET_DAYS,
                    due_offset_days__lte=bounds.MAX_OFFSET_DAYS,
                ),
                name="checklist_item_offset_bounded",
            ),
            bounds.dates_stored_within_bounds(
                "clearance_recognition_requested_on",
                "clearance_recognition_received_on",
                "clearance_expires_on",
                "cos_assigned_on",
                "visa_applied_on",
                "letter_of_support_on",
                "visa_granted_on",
                "visa_expires_on",
                name="checklist_item_dates_within_bounds",
            ),
        ]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("exchange:checklist_item_update", args=[self.secondment_id, self.pk])

    @property
    def is_open(self) -> bool:
        return self.status not in self.CLOSED


class ChecklistEvidence(models.Model):
    item = models.ForeignKey(ChecklistItem, on_delete=models.CASCADE, related_name="evidence")
    file = models.FileField(upload_to=evidence_upload_to, max_length=200)
    original_name = models.CharField(max_length=255)
    content_type = models.CharField(max_length=100)
    size = models.PositiveIntegerField()
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    uploaded_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["uploaded_at", "pk"]
        verbose_name_plural = "checklist evidence"

    def __str__(self) -> str:
        return self.original_name
