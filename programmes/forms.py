import django_filters
from django import forms

from accounts.models import Institute, User
from portal import bounds
from portal.forms import DateInput

from .models import (
    DELIVERABLE_TITLE_MAX_LENGTH,
    DeliverableStatus,
    MembershipRole,
    Milestone,
    MilestoneStatus,
    Programme,
    ProjectStatus,
    Rag,
    code_validator,
)


def _date_field(label: str, **kwargs) -> forms.DateField:
    kwargs.setdefault(
        "error_messages",
        {
            "required": f"Enter the {label.lower()}.",
            "invalid": f"Enter the {label.lower()} as a real date, for example 2027-03-31.",
        },
    )
    return forms.DateField(
        label=label, widget=DateInput(), validators=[bounds.validate_entered_date], **kwargs
    )


class ProgrammeForm(forms.Form):
    name = forms.CharField(max_length=200, error_messages={"required": "Enter a name."})
    description = forms.CharField(
        max_length=bounds.STATEMENT_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 4}),
        required=False,
    )
    agreement_reference = forms.CharField(
        max_length=100,
        required=False,
        help_text="The MoU or arrangement this programme runs under.",
    )
    start_date = _date_field("Start date")
    end_date = _date_field("End date")
    institutes = forms.ModelMultipleChoiceField(
        queryset=Institute.objects.order_by("name"),
        widget=forms.CheckboxSelectMultiple,
        label="Partner institutes",
        error_messages={"required": "Select the partner institutes."},
    )
    manager_emails = forms.CharField(
        max_length=bounds.NOTE_MAX_LENGTH,
        label="Programme managers",
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="Email addresses, one a line. Name managers from both institutes. "
        "Each gets the programme manager role.",
        error_messages={"required": "Enter at least one programme manager."},
    )
    reciprocity_target_months = forms.IntegerField(
        label="Reciprocity target",
        min_value=0,
        max_value=1000,
        help_text="Person-months per direction per year.",
        error_messages={"required": "Enter a reciprocity target (0 for none)."},
    )

    @classmethod
    def initial_for(cls, programme: Programme) -> dict:
        return {
            "name": programme.name,
            "description": programme.description,
            "agreement_reference": programme.agreement_reference,
            "start_date": programme.start_date,
            "end_date": programme.end_date,
            "institutes": list(programme.institutes.all()),
            "manager_emails": "\n".join(programme.managers.values_list("email", flat=True)),
            "reciprocity_target_months": programme.reciprocity_target_months,
        }

    def clean_manager_emails(self):
        emails = [e.strip().lower() for e in self.cleaned_data["manager_emails"].split() if e]
        emails = list(dict.fromkeys(e.strip(",;") for e in emails if e.strip(",;")))
        users = {u.email.lower(): u for u in User.objects.filter(email__in=emails, is_active=True)}
        unknown = [e for e in emails if e not in users]
        if unknown:
            raise forms.ValidationError(
                f"No active account for {', '.join(unknown)}. Check the address or invite them."
            )
        return [users[e] for e in emails]

    def service_kwargs(self) -> dict:
        data = dict(self.cleaned_data)
        data["managers"] = data.pop("manager_emails")
        data["institutes"] = list(data["institutes"])
        return data


class ProjectForm(forms.Form):
    programme = forms.ModelChoiceField(
        queryset=Programme.objects.none(), error_messages={"required": "Choose a programme."}
    )
    code = forms.CharField(
        max_length=30,
        help_text="Capital letters, digits and hyphens, for example JRP-EVAL-01. "
        "It cannot be changed later.",
        error_messages={"required": "Enter a project code."},
    )
    title = forms.CharField(max_length=200, error_messages={"required": "Enter a title."})
    summary = forms.CharField(
        max_length=bounds.STATEMENT_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 5}),
        required=False,
    )
    lead_institute = forms.ModelChoiceField(
        queryset=Institute.objects.order_by("name"),
        widget=forms.RadioSelect,
        empty_label=None,
        error_messages={"required": "Choose the lead institute."},
    )
    partner_institutes = forms.ModelMultipleChoiceField(
        queryset=Institute.objects.order_by("name"),
        widget=forms.CheckboxSelectMultiple,
        required=False,
    )
    status = forms.ChoiceField(
        choices=ProjectStatus.choices, widget=forms.RadioSelect, initial=ProjectStatus.PROPOSED
    )
    start_date = _date_field("Start date")
    end_date = _date_field("End date")

    def __init__(self, *args, programmes=None, editing=False, **kwargs):
        super().__init__(*args, **kwargs)
        if editing:
            del self.fields["programme"]
            del self.fields["code"]
        else:
            self.fields["programme"].queryset = programmes

    @classmethod
    def initial_for(cls, project) -> dict:
        return {
            "title": project.title,
            "summary": project.summary,
            "lead_institute": project.lead_institute_id,
            "partner_institutes": list(project.partner_institutes.all()),
            "status": project.status,
            "start_date": project.start_date,
            "end_date": project.end_date,
        }

    def clean_code(self):
        code = self.cleaned_data["code"].strip().upper()
        code_validator(code)
        return code

    def service_kwargs(self) -> dict:
        data = dict(self.cleaned_data)
        data["partner_institutes"] = list(data["partner_institutes"])
        return data


class MemberAddForm(forms.Form):
    email = forms.EmailField(
        label="Email address",
        error_messages={
            "required": "Enter the email address of the person to add.",
            "invalid": "Enter an email address like name@example.org.",
        },
    )
    role = forms.ChoiceField(
        choices=MembershipRole.choices,
        widget=forms.RadioSelect,
        initial=MembershipRole.RESEARCHER,
        help_text="Each institute has one lead on a project.",
    )

    def clean_email(self):
        email = self.cleaned_data["email"].strip().lower()
        user = User.objects.filter(email__iexact=email, is_active=True).first()
        if user is None:
            raise forms.ValidationError("No active account has this email address.")
        self.user = user
        return email

    def service_kwargs(self) -> dict:
        return {"user": self.user, "role": self.cleaned_data["role"]}


class MilestoneForm(forms.Form):
    title = forms.CharField(max_length=200, error_messages={"required": "Enter a title."})
    description = forms.CharField(
        max_length=bounds.STATEMENT_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 4}),
        required=False,
    )
    owner = forms.ModelChoiceField(
        queryset=User.objects.none(),
        help_text="A member of the project, who updates its status.",
        error_messages={
            "required": "Choose who owns this milestone.",
            "invalid_choice": "Choose a member of the project.",
        },
    )
    start_date = _date_field(
        "Start date",
        required=False,
        help_text="Optional. When work starts: the start of its bar on the timeline. "
        "On or before the due date.",
    )
    due_date = _date_field("Due date")
    dependencies = forms.ModelMultipleChoiceField(
        queryset=Milestone.objects.none(),
        widget=forms.CheckboxSelectMultiple,
        required=False,
        help_text="Milestones of this project that must be done first.",
        error_messages={
            "invalid_choice": "Choose dependencies from this project’s milestones only.",
            "invalid_pk_value": "Choose dependencies from this project’s milestones only.",
        },
    )
    requires_partner_handover = forms.BooleanField(
        label="Needs an acknowledged handover from the partner institute",
        required=False,
        help_text="It cannot be marked done until the partner institute acknowledges a "
        "handover linked to it.",
    )

    def __init__(self, *args, project, milestone=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["owner"].queryset = User.objects.filter(
            project_memberships__project=project
        ).order_by("full_name", "email")
        dependencies = project.milestones.order_by("due_date", "pk")
        if milestone is not None:
            dependencies = dependencies.exclude(pk=milestone.pk)
            del self.fields["due_date"]
        self.fields["dependencies"].queryset = dependencies

    @classmethod
    def initial_for(cls, milestone) -> dict:
        return {
            "title": milestone.title,
            "description": milestone.description,
            "owner": milestone.owner_id,
            "start_date": milestone.start_date,
            "dependencies": list(milestone.dependencies.all()),
            "requires_partner_handover": milestone.requires_partner_handover,
        }

    def service_kwargs(self) -> dict:
        data = dict(self.cleaned_data)
        data["dependencies"] = list(data["dependencies"])
        return data


class DeliverableForm(forms.Form):
    title = forms.CharField(
        max_length=DELIVERABLE_TITLE_MAX_LENGTH,
        error_messages={
            "required": "Enter a title.",
            "max_length": "Enter a title of at most %(limit_value)d characters.",
        },
    )
    description = forms.CharField(
        max_length=bounds.STATEMENT_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 3}),
        required=False,
    )
    owner = forms.ModelChoiceField(
        queryset=User.objects.none(),
        help_text="A member of the project.",
        error_messages={
            "required": "Choose who owns this deliverable.",
            "invalid_choice": "Choose a member of the project.",
        },
    )
    due_date = _date_field("Due date")
    status = forms.ChoiceField(
        choices=DeliverableStatus.choices,
        widget=forms.RadioSelect,
        initial=DeliverableStatus.PLANNED,
        error_messages={"required": "Choose a status.", "invalid_choice": "Choose a status."},
    )

    def __init__(self, *args, milestone, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["owner"].queryset = User.objects.filter(
            project_memberships__project_id=milestone.project_id
        ).order_by("full_name", "email")

    @classmethod
    def initial_for(cls, deliverable) -> dict:
        return {
            "title": deliverable.title,
            "description": deliverable.description,
            "owner": deliverable.owner_id,
            "due_date": deliverable.due_date,
            "status": deliverable.status,
        }


class MilestoneStatusForm(forms.Form):
    status = forms.ChoiceField(
        widget=forms.RadioSelect,
        label="New status",
        error_messages={"required": "Choose a status."},
    )
    completed_on = forms.DateField(
        label="Completion date",
        widget=DateInput(),
        required=False,
        help_text="Only when marking it done. Leave blank for today.",
        error_messages={"invalid": "Enter the completion date as a real date."},
        validators=[bounds.validate_entered_date],
    )

    def __init__(self, *args, allowed: list[str], **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["status"].choices = [(value, MilestoneStatus(value).label) for value in allowed]


class DueDateChangeForm(forms.Form):
    due_date = _date_field("New due date")
    reason = forms.CharField(
        max_length=bounds.REASON_MAX_LENGTH,
        label="Why is the due date changing?",
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={"required": "Enter why the due date is changing."},
        help_text="Kept with the change, so slippage can be explained later.",
    )


class RagOverrideForm(forms.Form):
    rag = forms.ChoiceField(
        label="RAG status",
        choices=[("", "No override: derive it from the milestones"), *Rag.choices],
        widget=forms.RadioSelect,
        required=False,
    )
    reason = forms.CharField(
        max_length=bounds.REASON_MAX_LENGTH,
        label="Reason for the override",
        widget=forms.Textarea(attrs={"rows": 3}),
        required=False,
        help_text="Shown beside the RAG status wherever it appears.",
    )

    def clean(self):
        data = super().clean()
        if data.get("rag") and not (data.get("reason") or "").strip():
            self.add_error("reason", "Enter why you are overriding the RAG status.")
        return data


SORTS = {
    "due": ("due_date", "pk"),
    "-due": ("-due_date", "-pk"),
    "title": ("title", "pk"),
    "project": ("project__code", "due_date", "pk"),
    "owner": ("owner__full_name", "due_date", "pk"),
    "status": ("status", "due_date", "pk"),
    "rag": ("rag_rank", "due_date", "pk"),
    "slippage": ("-slippage", "due_date", "pk"),
}
SORT_LABELS = [
    ("due", "Due date, soonest first"),
    ("-due", "Due date, latest first"),
    ("rag", "RAG, red first"),
    ("slippage", "Slippage, most first"),
    ("project", "Project"),
    ("owner", "Owner"),
    ("status", "Status"),
    ("title", "Title"),
]


class MilestoneFilter(django_filters.FilterSet):
    """Filters for milestone lists and their exports.

    The dropdowns stay small whatever the data: the project one lists the projects the
    person sees while they fit (``selectors.PROJECT_CHOICES_LIMIT``), a text box for the
    code past that; the owner one offers the person themself and the owners of the chosen
    project's milestones. Exports get no choices at all (``choices=None``): the values
    only filter rows that are already limited to what the person sees.
    """

    programme = django_filters.NumberFilter(
        field_name="project__programme_id", widget=forms.HiddenInput
    )
    project = django_filters.CharFilter(
        field_name="project__code",
        lookup_expr="iexact",
        label="Project",
        max_length=20,
        widget=forms.TextInput(attrs={"class": "govuk-input--width-10", "spellcheck": "false"}),
        help_text="The project’s code, for example JRP-EVAL-01.",
    )
    owner = django_filters.NumberFilter(
        field_name="owner_id",
        label="Owner",
        widget=forms.Select,
        min_value=1,
        max_value=2**31 - 1,
    )
    institute = django_filters.CharFilter(
        field_name="owner__institute__code",
        label="Owner’s institute",
        max_length=20,
        widget=forms.Select,
    )
    status = django_filters.ChoiceFilter(choices=MilestoneStatus.choices, empty_label="Any")
    rag = django_filters.ChoiceFilter(
        field_name="rag", label="RAG", choices=Rag.choices, empty_label="Any"
    )
    due_after = django_filters.DateFilter(
        field_name="due_date", lookup_expr="gte", label="Due on or after", widget=DateInput()
    )
    due_before = django_filters.DateFilter(
        field_name="due_date", lookup_expr="lte", label="Due on or before", widget=DateInput()
    )
    sort = django_filters.ChoiceFilter(
        label="Sort by", choices=SORT_LABELS, empty_label=None, method="sort_by"
    )

    class Meta:
        model = Milestone
        fields: list[str] = []

    def __init__(self, *args, choices: dict | None, **kwargs):
        super().__init__(*args, **kwargs)
        if choices is None:
            return
        form = self.form
        if choices["projects"] is not None:
            form.fields["project"].widget = forms.Select(
                choices=[("", "Any project"), *choices["projects"]]
            )
            form.fields["project"].help_text = ""
        owner = form.fields["owner"]
        owner.widget.choices = [("", "Anyone"), *((str(pk), n) for pk, n in choices["owners"])]
        if not choices.get("project_chosen"):
            owner.help_text = "Choose a project and apply the filters to list its people."
        institute = form.fields["institute"]
        institute.widget.choices = [("", "Any"), *choices["institutes"]]
        institute.widget.attrs.pop("maxlength", None)  # the field still bounds the length

    def sort_by(self, queryset, name, value):
        return queryset.order_by(*SORTS.get(value, SORTS["due"]))

    @property
    def qs(self):
        qs = super().qs
        # Sorting applies even when no sort was chosen, so pages never reorder.
        if not (self.form.is_bound and self.form.cleaned_data.get("sort")):
            qs = qs.order_by(*SORTS["due"])
        return qs


class TimelineFilter(django_filters.FilterSet):
    """The timeline's filters: project (on a programme's timeline), the owner's institute
    and status. The project dropdown lists the projects the person sees while they fit
    (``selectors.PROJECT_CHOICES_LIMIT``), a box for the code past that."""

    project = django_filters.CharFilter(
        field_name="project__code",
        lookup_expr="iexact",
        label="Project",
        max_length=30,
        widget=forms.TextInput(attrs={"class": "govuk-input--width-10", "spellcheck": "false"}),
        help_text="The project’s code, for example JRP-EVAL-01.",
    )
    institute = django_filters.CharFilter(
        field_name="owner__institute__code",
        label="Owner’s institute",
        max_length=20,
        widget=forms.Select,
    )
    status = django_filters.ChoiceFilter(choices=MilestoneStatus.choices, empty_label="Any")

    class Meta:
        model = Milestone
        fields: list[str] = []

    def __init__(self, *args, choices: dict, with_project: bool = True, **kwargs):
        super().__init__(*args, **kwargs)
        if not with_project:
            self.filters.pop("project")
        form = self.form
        if with_project and choices["projects"] is not None:
            form.fields["project"].widget = forms.Select(
                choices=[("", "Any project"), *choices["projects"]]
            )
            form.fields["project"].help_text = ""
        institute = form.fields["institute"]
        institute.widget.choices = [("", "Any"), *choices["institutes"]]
        institute.widget.attrs.pop("maxlength", None)  # the field still bounds the length

    @property
    def qs(self):
        # The selector's order (project, due date) holds whatever the filters.
        return super().qs.order_by("project__code", "due_date", "pk")
