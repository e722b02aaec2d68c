from django.conf import settings
from django.core.validators import RegexValidator
from django.db import models
from django.db.models import F, Q
from django.urls import reverse
from django.utils import timezone
from simple_history.models import HistoricalRecords

from portal import bounds
from portal.search.fields import SearchIndex, search_document


class Programme(models.Model):
    """A joint programme under the memorandum of understanding.

    Its managers (from either institute) are the programme managers for everything in it:
    its projects and milestones, and the exchange pipeline of its opportunities.
    """

    name = models.CharField(max_length=200, unique=True)
    description = models.TextField(blank=True, max_length=bounds.STATEMENT_MAX_LENGTH)
    agreement_reference = models.CharField(
        max_length=100, blank=True, help_text="The MoU or arrangement this programme runs under."
    )
    start_date = models.DateField(validators=[bounds.validate_entered_date])
    end_date = models.DateField(validators=[bounds.validate_entered_date])
    institutes = models.ManyToManyField(
        "accounts.Institute", related_name="programmes", help_text="The partner institutes."
    )
    managers = models.ManyToManyField(
        settings.AUTH_USER_MODEL, related_name="managed_programmes", blank=True
    )
    reciprocity_target_months = models.PositiveIntegerField(
        "reciprocity target (person-months per direction per year)", default=0
    )
    created_at = models.DateTimeField(auto_now_add=True)

    history = HistoricalRecords(m2m_fields=[managers])

    class Meta:
        ordering = ["name"]
        constraints = [
            models.CheckConstraint(
                condition=Q(end_date__gt=F("start_date")), name="programme_end_after_start"
            ),
            bounds.dates_stored_within_bounds(
                "start_date", "end_date", name="programme_dates_within_bounds"
            ),
        ]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("programmes:programme_detail", args=[self.pk])


code_validator = RegexValidator(
    r"^[A-Z0-9][A-Z0-9-]{1,29}$",
    "Enter a code of 2 to 30 capital letters, digits and hyphens, such as JRP-EVAL-01.",
)


class ProjectStatus(models.TextChoices):
    PROPOSED = "proposed", "Proposed"
    ACTIVE = "active", "Active"
    PAUSED = "paused", "Paused"
    COMPLETED = "completed", "Completed"
    CANCELLED = "cancelled", "Cancelled"


class Rag(models.TextChoices):
    """Red, amber, green: derived from milestones, or set by hand with a reason."""

    RED = "red", "Red"
    AMBER = "amber", "Amber"
    GREEN = "green", "Green"


class Project(models.Model):
    """A joint research project within a programme."""

    programme = models.ForeignKey(Programme, on_delete=models.PROTECT, related_name="projects")
    code = models.CharField(max_length=30, unique=True, validators=[code_validator])
    title = models.CharField(max_length=200)
    summary = models.TextField(blank=True, max_length=bounds.STATEMENT_MAX_LENGTH)
    lead_institute = models.ForeignKey(
        "accounts.Institute", on_delete=models.PROTECT, related_name="led_projects"
    )
    partner_institutes = models.ManyToManyField(
        "accounts.Institute",
        related_name="partner_projects",
        blank=True,
        help_text="Institutes working on the project besides the lead institute.",
    )
    members = models.ManyToManyField(
        settings.AUTH_USER_MODEL,
        through="ProjectMembership",
        related_name="projects",
        blank=True,
    )
    status = models.CharField(
        max_length=20, choices=ProjectStatus.choices, default=ProjectStatus.PROPOSED
    )
    start_date = models.DateField(validators=[bounds.validate_entered_date])
    end_date = models.DateField(validators=[bounds.validate_entered_date])
    rag_override = models.CharField("RAG override", max_length=5, choices=Rag.choices, blank=True)
    rag_override_reason = models.TextField(
        "reason for the RAG override", blank=True, max_length=bounds.REASON_MAX_LENGTH
    )
    rag_override_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    rag_override_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    search_vector = search_document(("code", "A"), ("title", "A"), ("summary", "B"))

    history = HistoricalRecords(m2m_fields=[partner_institutes], excluded_fields=["search_vector"])

    class Meta:
        ordering = ["code"]
        indexes = [SearchIndex(fields=["search_vector"], name="project_search_idx")]
        constraints = [
            models.CheckConstraint(
                condition=Q(end_date__gt=F("start_date")), name="project_end_after_start"
            ),
            models.CheckConstraint(
                condition=Q(rag_override="") | ~Q(rag_override_reason=""),
                name="project_rag_override_has_reason",
            ),
            bounds.dates_stored_within_bounds(
                "start_date", "end_date", name="project_dates_within_bounds"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.code}: {self.title}"

    def get_absolute_url(self) -> str:
        return reverse("programmes:project_detail", args=[self.code])


class MembershipRole(models.TextChoices):
    LEAD = "lead", "Institute lead"
    RESEARCHER = "researcher", "Researcher"
    ADVISER = "adviser", "Adviser"
    OBSERVER = "observer", "Observer"


class ProjectMembership(models.Model):
    """A person on a project. Each institute has at most one lead on a project."""

    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="memberships")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="project_memberships"
    )
    institute = models.ForeignKey(
        "accounts.Institute",
        on_delete=models.PROTECT,
        related_name="+",
        help_text="The member's institute when they joined; the one-lead rule is per institute.",
    )
    role = models.CharField(
        max_length=20, choices=MembershipRole.choices, default=MembershipRole.RESEARCHER
    )
    added_at = models.DateTimeField(auto_now_add=True)

    history = HistoricalRecords()

    class Meta:
        ordering = ["project", "role", "user__full_name"]
        constraints = [
            models.UniqueConstraint(fields=["project", "user"], name="membership_once_per_project"),
            models.UniqueConstraint(
                fields=["project", "institute"],
                condition=Q(role="lead"),
                name="membership_one_lead_per_institute",
            ),
        ]
        indexes = [models.Index(fields=["user", "project"], name="membership_user_idx")]

    def __str__(self) -> str:
        return f"{self.user} on {self.project.code} ({self.get_role_display()})"


class MilestoneStatus(models.TextChoices):
    PLANNED = "planned", "Planned"
    IN_PROGRESS = "in_progress", "In progress"
    DONE = "done", "Done"
    MISSED = "missed", "Missed"
    CANCELLED = "cancelled", "Cancelled"


OPEN_MILESTONE_STATUSES = (MilestoneStatus.PLANNED, MilestoneStatus.IN_PROGRESS)


class Milestone(models.Model):
    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="milestones")
    title = models.CharField(max_length=200)
    description = models.TextField(blank=True, max_length=bounds.STATEMENT_MAX_LENGTH)
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="owned_milestones"
    )
    start_date = models.DateField(
        null=True,
        blank=True,
        validators=[bounds.validate_entered_date],
        help_text="When work on it starts (optional): the start of its bar on the timeline.",
    )
    due_date = models.DateField(validators=[bounds.validate_entered_date])
    baseline_due_date = models.DateField(
        validators=[bounds.validate_entered_date],
        help_text="The due date first agreed; slippage is the due date minus this.",
    )
    status = models.CharField(
        max_length=20, choices=MilestoneStatus.choices, default=MilestoneStatus.PLANNED
    )
    completed_on = models.DateField(
        null=True, blank=True, validators=[bounds.validate_entered_date]
    )
    dependencies = models.ManyToManyField(
        "self",
        symmetrical=False,
        related_name="dependents",
        blank=True,
        help_text="Milestones of the same project that must be done first.",
    )
    # Deprecated: the free-text list from before deliverables were rows (``Deliverable``).
    # Migration 0006 copied each line into a row; this keeps the text as it was, for the
    # record and so the migration can be reversed. Nothing edits or shows it any more.
    legacy_deliverables = models.TextField(
        "deliverables as first written (replaced by deliverable rows)",
        blank=True,
        max_length=bounds.STATEMENT_MAX_LENGTH,
        editable=False,
    )
    requires_partner_handover = models.BooleanField(
        "needs an acknowledged handover from the partner institute",
        default=False,
        help_text="If set, it cannot be marked done until the partner institute has "
        "acknowledged a handover linked to it.",
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    search_vector = search_document(("title", "A"), ("description", "B"))

    history = HistoricalRecords(excluded_fields=["search_vector"])

    class Meta:
        ordering = ["due_date", "pk"]
        indexes = [
            models.Index(fields=["status", "due_date", "id"], name="milestone_status_due_id_idx"),
            models.Index(fields=["owner", "status", "due_date"], name="milestone_owner_idx"),
            # Lists sort by (due_date, id): walked in order, a page stops after 25 rows.
            models.Index(fields=["due_date", "id"], name="milestone_due_id_idx"),
            models.Index(fields=["project", "due_date", "id"], name="milestone_project_due_idx2"),
            SearchIndex(fields=["search_vector"], name="milestone_search_idx"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=~Q(status="done") | Q(completed_on__isnull=False),
                name="milestone_done_has_completion_date",
            ),
            models.CheckConstraint(
                condition=Q(start_date__isnull=True) | Q(start_date__lte=F("due_date")),
                name="milestone_start_not_after_due",
                violation_error_message="A milestone cannot start after its due date.",
            ),
            bounds.dates_stored_within_bounds(
                "due_date",
                "baseline_due_date",
                "completed_on",
                "start_date",
                name="milestone_dates_within_bounds",
            ),
        ]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("programmes:milestone_detail", args=[self.pk])

    @property
    def is_open(self) -> bool:
        return self.status in OPEN_MILESTONE_STATUSES

    @property
    def slippage_days(self) -> int:
        return (self.due_date - self.baseline_due_date).days


class DeliverableStatus(models.TextChoices):
    PLANNED = "planned", "Planned"
    IN_PROGRESS = "in_progress", "In progress"
    DELIVERED = "delivered", "Delivered"
    CANCELLED = "cancelled", "Cancelled"


OPEN_DELIVERABLE_STATUSES = (DeliverableStatus.PLANNED, DeliverableStatus.IN_PROGRESS)
DELIVERABLE_TITLE_MAX_LENGTH = 200


class Deliverable(models.Model):
    """One thing a milestone delivers: a report, a dataset, a tool. Whoever may see the
    milestone sees its deliverables; its programme's managers and the milestone's owner
    add, change and remove them."""

    milestone = models.ForeignKey(Milestone, on_delete=models.CASCADE, related_name="deliverables")
    title = models.CharField(max_length=DELIVERABLE_TITLE_MAX_LENGTH)
    description = models.TextField(blank=True, max_length=bounds.STATEMENT_MAX_LENGTH)
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="owned_deliverables"
    )
    due_date = models.DateField(validators=[bounds.validate_entered_date])
    status = models.CharField(
        max_length=20, choices=DeliverableStatus.choices, default=DeliverableStatus.PLANNED
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    history = HistoricalRecords()

    class Meta:
        ordering = ["due_date", "pk"]
        indexes = [
            models.Index(fields=["milestone", "due_date", "id"], name="deliverable_milestone_idx"),
            models.Index(fields=["status", "due_date"], name="deliverable_status_due_idx"),
        ]
        constraints = [
            models.CheckConstraint(condition=~Q(title=""), name="deliverable_has_title"),
            bounds.dates_stored_within_bounds("due_date", name="deliverable_dates_within_bounds"),
        ]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("programmes:milestone_detail", args=[self.milestone_id]) + (
            f"#deliverable-{self.pk}"
        )

    @property
    def is_open(self) -> bool:
        return self.status in OPEN_DELIVERABLE_STATUSES


class MilestoneDueDateChange(models.Model):
    """One change of a milestone's due date: the old and new dates, who, when and why."""

    milestone = models.ForeignKey(
        Milestone, on_delete=models.CASCADE, related_name="due_date_changes"
    )
    old_due_date = models.DateField()
    new_due_date = models.DateField()
    changed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    changed_at = models.DateTimeField(default=timezone.now)
    reason = models.TextField(max_length=bounds.REASON_MAX_LENGTH)

    class Meta:
        ordering = ["-changed_at", "-pk"]
        constraints = [
            models.CheckConstraint(condition=~Q(reason=""), name="due_date_change_has_reason"),
            bounds.dates_stored_within_bounds(
                "old_due_date", "new_due_date", name="due_date_change_dates_within_bounds"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.milestone}: {self.old_due_date} → {self.new_due_date}"


class CalendarFeed(models.Model):
    """A person's secret calendar token. Resetting it replaces the token at once."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="calendar_feed"
    )
    token = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = "calendar feed"

    def __str__(self) -> str:
        return f"Calendar feed for {self.user}"
