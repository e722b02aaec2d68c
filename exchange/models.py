"""Staff exchange: opportunities, applications, secondments and their checklists.

Dates that reminders query set-based (application waiting time, checklist due dates,
clearance and visa expiry, secondment start and end) are real, indexed columns.
"""

import uuid
from pathlib import PurePath

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.urls import reverse
from django.utils import timezone
from simple_history.models import HistoricalRecords


class Direction(models.TextChoices):
    UK_TO_AU = "UK_AU", "UK to Australia"
    AU_TO_UK = "AU_UK", "Australia to UK"


class ClearanceLevel(models.TextChoices):
    """Vetting levels in each institute's scheme, lowest first within a scheme."""

    UK_BPSS = "UK_BPSS", "UK Baseline Personnel Security Standard (BPSS)"
    UK_CTC = "UK_CTC", "UK Counter-Terrorist Check (CTC)"
    UK_SC = "UK_SC", "UK Security Check (SC)"
    UK_ESC = "UK_ESC", "UK Enhanced Security Check (eSC)"
    UK_DV = "UK_DV", "UK Developed Vetting (DV)"
    UK_EDV = "UK_EDV", "UK Enhanced Developed Vetting (eDV)"
    AU_BASELINE = "AU_BASELINE", "AU Baseline"
    AU_NV1 = "AU_NV1", "AU Negative Vetting 1 (NV1)"
    AU_NV2 = "AU_NV2", "AU Negative Vetting 2 (NV2)"
    AU_PV = "AU_PV", "AU Positive Vetting (PV / TS-PA)"

    @classmethod
    def for_scheme(cls, scheme: str) -> list[tuple[str, str]]:
        return [(value, label) for value, label in cls.choices if value.startswith(scheme + "_")]

    @classmethod
    def rank(cls, value: str) -> int:
        """Position within its own scheme (0 = lowest), for held-against-required checks."""
        scheme = value.split("_", 1)[0]
        values = [v for v, _ in cls.for_scheme(scheme)]
        return values.index(value) if value in values else -1


def _upload_to(prefix: str, instance, filename: str) -> str:
    # Stored under a generated name: the person's file name is kept only as data.
    suffix = PurePath(filename).suffix.lower()[:10]
    today = timezone.now()
    return f"exchange/{prefix}/{today:%Y/%m}/{uuid.uuid4().hex}{suffix}"


def cv_upload_to(instance, filename: str) -> str:
    return _upload_to("cv", instance, filename)


def evidence_upload_to(instance, filename: str) -> str:
    return _upload_to("evidence", instance, filename)


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
    description = models.TextField()
    location = models.CharField(max_length=200, help_text="City and office, e.g. Canberra.")
    min_duration_months = models.PositiveSmallIntegerField("shortest duration (months)")
    max_duration_months = models.PositiveSmallIntegerField("longest duration (months)")
    earliest_start = models.DateField()
    closing_date = models.DateField(db_index=True)
    places = models.PositiveSmallIntegerField(default=1)
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

    history = HistoricalRecords()

    class Meta:
        ordering = ["closing_date", "title", "pk"]
        verbose_name_plural = "opportunities"
        indexes = [
            models.Index(fields=["status", "host_institute", "closing_date"], name="opp_browse_idx")
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
    proposed_start = models.DateField(null=True, blank=True)
    proposed_end = models.DateField(null=True, blank=True)
    skills_to_gain = models.TextField("skills you will gain", blank=True)
    benefit_to_home_team = models.TextField("benefit to your home team", blank=True)
    offer_to_host = models.TextField("what you offer the host", blank=True)
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
    conflict_of_interest_details = models.TextField(blank=True)
    declaration_confirmed = models.BooleanField(default=False)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.DRAFT)
    submitted_at = models.DateTimeField(null=True, blank=True, db_index=True)
    status_changed_at = models.DateTimeField(default=timezone.now)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    history = HistoricalRecords(excluded_fields=["updated_at"])

    class Meta:
        ordering = ["-status_changed_at", "-pk"]
        indexes = [
            models.Index(fields=["status", "status_changed_at"], name="application_waiting_idx"),
            models.Index(fields=["line_manager", "status"], name="application_manager_idx"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(proposed_start__isnull=True)
                | Q(proposed_end__isnull=True)
                | Q(proposed_end__gt=F("proposed_start")),
                name="application_end_after_start",
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
    reason = models.TextField(blank=True)

    class Meta:
        ordering = ["at", "pk"]
        indexes = [models.Index(fields=["application", "at"], name="application_event_idx")]

    def __str__(self) -> str:
        return f"{self.application_id}: {self.from_status or 'new'} → {self.to_status}"


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
    start_date = models.DateField(db_index=True)
    end_date = models.DateField(db_index=True)
    location = models.CharField(max_length=200)
    arrangement = models.CharField(
        max_length=12, choices=Arrangement.choices, default=Arrangement.SECONDMENT
    )
    status = models.CharField(max_length=12, choices=Status.choices, default=Status.PLANNING)
    status_reason = models.TextField(blank=True)
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
    reason = models.TextField()
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
        ]

    def __str__(self) -> str:
        old = f"{self.old_start}–{self.old_end}"
        return f"{self.get_kind_display()}: {old} → {self.new_start}–{self.new_end}"


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
    guidance = models.TextField(blank=True)
    kind = models.CharField(max_length=20, choices=ItemKind.choices, default=ItemKind.OTHER)
    owner_party = models.CharField(max_length=10, choices=Party.choices)
    mandatory = models.BooleanField(
        default=True, help_text="The secondment cannot become ready while this is open."
    )
    due_anchor = models.CharField(max_length=10, choices=DueAnchor.choices, default=DueAnchor.START)
    due_offset_days = models.IntegerField(
        default=0, help_text="Days after the anchor date (negative for before)."
    )
    order = models.PositiveSmallIntegerField(default=0)

    history = HistoricalRecords()

    class Meta:
        ordering = ["template", "order", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["template", "key"], name="template_item_key_unique"),
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
    guidance = models.TextField(blank=True)
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
    due_offset_days = models.IntegerField(default=0)
    due_date = models.DateField(db_index=True)
    status = models.CharField(max_length=16, choices=Status.choices, default=Status.NOT_STARTED)
    notes = models.TextField(blank=True)
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
        "recognition requested on", null=True, blank=True
    )
    clearance_recognition_received_on = models.DateField(
        "recognition received on", null=True, blank=True
    )
    clearance_expires_on = models.DateField("clearance expires on", null=True, blank=True)
    # Visa
    visa_route = models.CharField(max_length=10, choices=VisaRoute.choices, blank=True)
    visa_stream = models.CharField(
        "visa stream", max_length=200, blank=True, help_text="Subclass 403 stream, if any."
    )
    cos_assigned_on = models.DateField(
        "Certificate of Sponsorship assigned on", null=True, blank=True
    )
    visa_applied_on = models.DateField("visa applied for on", null=True, blank=True)
    letter_of_support_on = models.DateField("letter of support issued on", null=True, blank=True)
    visa_granted_on = models.DateField(null=True, blank=True)
    visa_expires_on = models.DateField("visa expires on", null=True, blank=True)

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
    achievements = models.TextField("what has gone well")
    concerns = models.TextField("concerns or issues", blank=True)
    support_needed = models.TextField("support needed for the second half", blank=True)
    objectives_changed = models.BooleanField("objectives have changed", default=False)
    objectives_change_details = models.TextField(blank=True)
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
    work_summary = models.TextField("summary of the work done")
    skills_gained = models.TextField()
    knowledge_handed_over = models.TextField("knowledge handed over to the host")
    benefit_to_home = models.TextField("how the home team will use what was learned")
    recommendations = models.TextField("recommendations for future exchanges", blank=True)
    would_recommend = models.BooleanField("would recommend the exchange to a colleague")
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    submitted_at = models.DateTimeField(default=timezone.now)

    history = HistoricalRecords()

    def __str__(self) -> str:
        return f"Return report for {self.secondment}"
