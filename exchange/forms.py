from itertools import chain

from django import forms

from accounts.models import Institute
from accounts.selectors import user_list_at_institute
from portal import bounds
from portal.forms import DateInput
from portal.uploads import CV_TYPES, EVIDENCE_TYPES, inspect_upload
from programmes import access as programmes_access
from programmes.models import Programme

from . import access
from .models import (
    Application,
    ChecklistItem,
    ClearanceLevel,
    Direction,
    ItemKind,
    MidpointReview,
    Opportunity,
    ReturnReport,
    SavedSearch,
    Secondment,
    SigningMethod,
    VisaRoute,
)
from .models.opportunities import MAX_DURATION_MONTHS
from .selectors import line_manager_choices
from .services.checklists import ITEM_FIELDS, checklist_item_fields
from .services.opportunities import OPPORTUNITY_FIELDS
from .services.reports import REPORT_FIELDS, REVIEW_FIELDS

YES_NO = [(True, "Yes"), (False, "No")]


def _yes_no(value):
    if value in (True, "True", "true", "1"):
        return True
    if value in (False, "False", "false", "0"):
        return False
    return None


class ApplicationForm(forms.ModelForm):
    """The applicant's form. Everything may be left blank in a draft; submitting checks
    that it is complete (see services.application_submit)."""

    cv_upload = forms.FileField(
        label="Upload your CV",
        required=False,
        help_text="PDF, DOCX or ODT. Leave empty to keep the CV you uploaded before.",
    )
    has_conflict_of_interest = forms.TypedChoiceField(
        label="Do you have a conflict of interest with the host?",
        choices=YES_NO,
        coerce=_yes_no,
        empty_value=None,
        required=False,
        widget=forms.RadioSelect,
        help_text="For example a financial interest, a close relationship with host staff, or "
        "outside work for a company the host evaluates.",
    )

    class Meta:
        model = Application
        fields = [
            "proposed_start",
            "proposed_end",
            "skills_to_gain",
            "benefit_to_home_team",
            "offer_to_host",
            "line_manager",
            "cv_upload",
            "has_conflict_of_interest",
            "conflict_of_interest_details",
            "declaration_confirmed",
        ]
        labels = {
            "proposed_start": "Proposed start date",
            "proposed_end": "Proposed end date",
            "line_manager": "Your line manager",
            "conflict_of_interest_details": "Details of the conflict of interest",
            "declaration_confirmed": "I confirm that the information I have given is correct "
            "and complete",
        }
        help_texts = {
            "line_manager": "They will be asked to endorse your application.",
            "conflict_of_interest_details": "Only if you answered yes.",
        }
        widgets = {
            "proposed_start": DateInput(),
            "proposed_end": DateInput(),
            "skills_to_gain": forms.Textarea(attrs={"rows": 4}),
            "benefit_to_home_team": forms.Textarea(attrs={"rows": 4}),
            "offer_to_host": forms.Textarea(attrs={"rows": 4}),
            "conflict_of_interest_details": forms.Textarea(attrs={"rows": 3}),
        }

    def __init__(self, *args, applicant, **kwargs):
        super().__init__(*args, **kwargs)
        self.applicant = applicant
        self.fields["line_manager"].queryset = line_manager_choices(applicant=applicant)
        self.fields["line_manager"].empty_label = "Choose your line manager"
        if self.instance.pk and self.instance.cv:
            self.fields["cv_upload"].help_text = (
                f"You uploaded {self.instance.cv_name}. Choose a new file only to replace it. "
                "PDF, DOCX or ODT."
            )
        else:
            self.fields["cv_upload"].help_text = "PDF, DOCX or ODT."

    def clean_cv_upload(self):
        upload = self.cleaned_data.get("cv_upload")
        if upload:
            inspect_upload(upload, allowed=CV_TYPES, what="CV")
        return upload

    def clean(self):
        cleaned = super().clean()
        start, end = cleaned.get("proposed_start"), cleaned.get("proposed_end")
        if start and end and end <= start:
            self.add_error("proposed_end", "The end date must be after the start date.")
        return cleaned

    def service_kwargs(self) -> dict:
        data = dict(self.cleaned_data)
        data["cv"] = data.pop("cv_upload", None)
        return data

    def _post_clean(self):
        # The service validates and saves; skip the model's own full_clean here.
        pass


class OpenApplicationForm(ApplicationForm):
    host_institute = forms.ModelChoiceField(
        label="Which institute do you want to join?",
        queryset=Institute.objects.none(),
        empty_label=None,
        widget=forms.RadioSelect,
    )

    class Meta(ApplicationForm.Meta):
        fields = ["host_institute", *ApplicationForm.Meta.fields]

    def __init__(self, *args, applicant, **kwargs):
        super().__init__(*args, applicant=applicant, **kwargs)
        self.fields["host_institute"].queryset = access.partner_institutes_of(applicant)


class ReasonForm(forms.Form):
    reason = forms.CharField(
        max_length=bounds.REASON_MAX_LENGTH, widget=forms.Textarea(attrs={"rows": 5})
    )

    def __init__(self, *args, label: str, required: bool, help_text: str = "", **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["reason"].label = label
        self.fields["reason"].required = required
        self.fields["reason"].help_text = help_text
        if required:
            self.fields["reason"].error_messages["required"] = "Enter a reason."


class AcceptForm(forms.Form):
    programme = forms.ModelChoiceField(
        label="Programme", queryset=Programme.objects.none(), required=False
    )
    title = forms.CharField(
        label="Role title", max_length=200, required=False, help_text="Defaults to the opportunity."
    )
    host_supervisor = forms.ModelChoiceField(
        label="Host supervisor",
        queryset=Institute.objects.none(),
        required=False,
        help_text="You can name them later.",
    )
    arrangement = forms.ChoiceField(
        choices=Secondment.Arrangement.choices,
        initial=Secondment.Arrangement.SECONDMENT,
        widget=forms.RadioSelect,
    )
    reason = forms.CharField(
        max_length=bounds.REASON_MAX_LENGTH,
        label="Note to the applicant (optional)",
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    override_reason = forms.CharField(
        max_length=bounds.REASON_MAX_LENGTH,
        label="Reason for going over the quota",
        required=False,
        help_text="Needed only when accepting takes an agreed exchange quota over. It is "
        "kept in the application's history and the audit log.",
        widget=forms.Textarea(attrs={"rows": 3}),
    )

    def __init__(self, *args, application: Application, manager, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["host_supervisor"].queryset = user_list_at_institute(
            institute=application.host_institute
        )
        self.fields["host_supervisor"].empty_label = "Name them later"
        if application.programme_id:
            del self.fields["programme"]
        else:
            self.fields["programme"].required = True
            self.fields["programme"].queryset = (
                programmes_access.programmes_managed_by(manager)
                .filter(institutes=application.host_institute_id)
                .filter(institutes=application.home_institute_id)
            )

    def service_kwargs(self) -> dict:
        data = self.cleaned_data
        return {
            "reason": data["reason"],
            "programme": data.get("programme"),
            "host_supervisor": data.get("host_supervisor"),
            "title": data.get("title") or "",
            "arrangement": data["arrangement"],
            "override_reason": data.get("override_reason") or "",
        }


class SupervisorForm(forms.Form):
    host_supervisor = forms.ModelChoiceField(label="Host supervisor", queryset=None)

    def __init__(self, *args, secondment: Secondment, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["host_supervisor"].queryset = user_list_at_institute(
            institute=secondment.host_institute
        )


class OpportunityForm(forms.ModelForm):
    class Meta:
        model = Opportunity
        fields = ["programme", "host_institute", *OPPORTUNITY_FIELDS]
        widgets = {
            "earliest_start": DateInput(),
            "closing_date": DateInput(),
            "description": forms.Textarea(attrs={"rows": 6}),
        }

    def __init__(self, *args, manager, **kwargs):
        super().__init__(*args, **kwargs)
        managed = programmes_access.programmes_managed_by(manager)
        self.fields["programme"].queryset = managed
        self.fields["host_institute"].queryset = Institute.objects.filter(
            programmes__in=managed
        ).distinct()
        if self.instance.pk:
            del self.fields["programme"]

    def _post_clean(self):
        pass


class ChecklistItemForm(forms.ModelForm):
    evidence_upload = forms.FileField(
        label="Upload evidence",
        required=False,
        help_text="Optional. PDF, DOCX, ODT, PNG or JPG.",
    )

    class Meta:
        model = ChecklistItem
        fields = ["status", *chain.from_iterable(ITEM_FIELDS.values()), "notes"]
        widgets = {
            "status": forms.RadioSelect,
            "signing_method": forms.RadioSelect,
            "notes": forms.Textarea(attrs={"rows": 4}),
            **{
                name: DateInput()
                for name in (
                    "clearance_recognition_requested_on",
                    "clearance_recognition_received_on",
                    "clearance_expires_on",
                    "cos_assigned_on",
                    "visa_applied_on",
                    "letter_of_support_on",
                    "visa_granted_on",
                    "visa_expires_on",
                )
            },
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        item = self.instance
        keep = set(checklist_item_fields(item)) | {"evidence_upload"}
        for name in list(self.fields):
            if name not in keep:
                del self.fields[name]
        self.fields["status"].choices = ChecklistItem.Status.choices
        if "signing_method" in self.fields:
            self.fields["signing_method"].choices = SigningMethod.choices
            self.fields["signing_method"].required = False
        host_scheme = "AU" if item.secondment.direction == Direction.UK_TO_AU else "UK"
        home_scheme = "UK" if host_scheme == "AU" else "AU"
        if "clearance_required" in self.fields:
            self.fields["clearance_required"].choices = [
                ("", "Not set"),
                *ClearanceLevel.for_scheme(host_scheme),
            ]
            self.fields["clearance_held"].choices = [
                ("", "Not set"),
                *ClearanceLevel.for_scheme(home_scheme),
                *ClearanceLevel.for_scheme(host_scheme),
            ]
            self.fields[
                "clearance_held"
            ].help_text = "The secondee's current clearance, in either scheme."
        if "visa_route" in self.fields:
            self.fields["visa_route"].choices = [("", "Not set")] + [
                (v, label) for v, label in VisaRoute.choices if v.startswith(host_scheme + "_")
            ]
            if host_scheme == "UK":
                del self.fields["visa_stream"]
                del self.fields["letter_of_support_on"]
                self.fields[
                    "cos_assigned_on"
                ].help_text = "No earlier than 3 months before the visa application."
            else:
                del self.fields["cos_assigned_on"]
        if item.kind in (ItemKind.MIDPOINT, ItemKind.RETURN_REPORT):
            self.fields["status"].help_text = "Marked done when the form is submitted."

    def clean_evidence_upload(self):
        upload = self.cleaned_data.get("evidence_upload")
        if upload:
            inspect_upload(upload, allowed=EVIDENCE_TYPES, what="file")
        return upload

    def _post_clean(self):
        pass


class DateChangeForm(forms.Form):
    start_date = forms.DateField(
        label="Start date", widget=DateInput(), validators=[bounds.validate_entered_date]
    )
    end_date = forms.DateField(
        label="End date", widget=DateInput(), validators=[bounds.validate_entered_date]
    )
    reason = forms.CharField(
        max_length=bounds.REASON_MAX_LENGTH,
        label="Why are the dates changing?",
        widget=forms.Textarea(attrs={"rows": 4}),
        error_messages={"required": "Enter the reason for the change."},
    )

    def clean(self):
        cleaned = super().clean()
        start, end = cleaned.get("start_date"), cleaned.get("end_date")
        if start and end and end <= start:
            self.add_error("end_date", "The end date must be after the start date.")
        return cleaned


class EndEarlyForm(forms.Form):
    end_date = forms.DateField(
        label="Last day of the secondment",
        widget=DateInput(),
        validators=[bounds.validate_entered_date],
    )
    reason = forms.CharField(
        max_length=bounds.REASON_MAX_LENGTH,
        label="Why is it ending early?",
        widget=forms.Textarea(attrs={"rows": 4}),
        error_messages={"required": "Enter the reason for ending early."},
    )


class MidpointReviewForm(forms.ModelForm):
    class Meta:
        model = MidpointReview
        fields = list(REVIEW_FIELDS)
        widgets = {
            "progress": forms.RadioSelect,
            "achievements": forms.Textarea(attrs={"rows": 4}),
            "concerns": forms.Textarea(attrs={"rows": 3}),
            "support_needed": forms.Textarea(attrs={"rows": 3}),
            "objectives_change_details": forms.Textarea(attrs={"rows": 3}),
        }
        labels = {"objectives_change_details": "How have the objectives changed?"}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["progress"].choices = [c for c in self.fields["progress"].choices if c[0] != ""]

    def _post_clean(self):
        pass


class ReturnReportForm(forms.ModelForm):
    would_recommend = forms.TypedChoiceField(
        label="Would you recommend this exchange to a colleague?",
        choices=YES_NO,
        coerce=_yes_no,
        widget=forms.RadioSelect,
        error_messages={"required": "Say whether you would recommend the exchange."},
    )

    class Meta:
        model = ReturnReport
        fields = list(REPORT_FIELDS)
        widgets = {
            name: forms.Textarea(attrs={"rows": 4})
            for name in (
                "work_summary",
                "skills_gained",
                "knowledge_handed_over",
                "benefit_to_home",
                "recommendations",
            )
        }

    def _post_clean(self):
        pass


# The saved search's fields share the opportunity list's page with its filters.
SEARCH_PREFIX = "search"


class SavedSearchForm(forms.ModelForm):
    """Save the opportunity list's filters under a name. The filters come from the list
    (as hidden values) or from this form's own page; each is checked as the list's own."""

    duration = forms.IntegerField(
        label="Duration you want (months)",
        required=False,
        min_value=1,
        max_value=MAX_DURATION_MONTHS,
        error_messages={
            "min_value": "Enter a duration of at least 1 month.",
            "max_value": f"Enter a duration of at most {MAX_DURATION_MONTHS} months.",
            "invalid": "Enter the duration as a whole number of months.",
        },
    )

    class Meta:
        model = SavedSearch
        fields = ["name", "team", "location", "duration", "clearance", "closing_after"]
        labels = {"name": "Name this search"}
        help_texts = {"name": "For example “Evaluations in Canberra”. Up to 100 characters."}
        widgets = {"closing_after": DateInput()}
        error_messages = {"name": {"required": "Enter a name for this search."}}

    def __init__(self, *args, hidden_filters: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["clearance"].choices = [("", "Any"), *self.fields["clearance"].choices[1:]]
        if hidden_filters:
            for name in ("team", "location", "duration", "clearance", "closing_after"):
                self.fields[name].widget = forms.HiddenInput()

    def _post_clean(self):
        # The service checks the record (the cap, names, bounds) and saves it.
        pass
