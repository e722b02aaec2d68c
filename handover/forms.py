from django import forms
from django.conf import settings
from django.template.defaultfilters import filesizeformat

from accounts.models import Institute, User
from portal import bounds
from portal.dates import GovukDateField
from portal.uploads import DOCUMENT_TYPES, accept_attribute, describe

from . import markings, selectors
from .markings import Marking, MarkingError

_ACCEPT = accept_attribute(DOCUMENT_TYPES)


def _classification_choices():
    groups = [("", "Choose the marking")]
    for scheme, label in ((markings.UK, "UK marking"), (markings.AU, "Australian marking")):
        options = [(f"{scheme}|{c}", c) for c in markings.ACCEPTED[scheme]]
        options += [
            (f"{scheme}|{c}", f"{c} (not allowed here)") for c in markings.ABOVE_CEILING[scheme]
        ]
        groups.append((label, options))
    return groups


def _file_help() -> str:
    return f"{describe(DOCUMENT_TYPES)}, smaller than {filesizeformat(settings.UPLOAD_MAX_BYTES)}."


def _file_field(label: str) -> forms.FileField:
    # The size in the hint is filled in per form (settings are read at call time).
    return forms.FileField(
        label=label,
        widget=forms.ClearableFileInput(attrs={"accept": _ACCEPT}),
        error_messages={
            "required": "Choose a file to upload.",
            "empty": "The chosen file is empty. Choose a file that has content.",
            "invalid": "Choose a file to upload.",
        },
    )


class DocumentUploadForm(forms.Form):
    title = forms.CharField(
        label="Title",
        max_length=200,
        error_messages={"required": "Enter a title for the document."},
    )
    classification = forms.ChoiceField(
        label="Protective marking",
        help_text="The classification the originator gave the document, in their scheme. "
        "The portal holds OFFICIAL-level information only.",
        error_messages={"required": "Choose the document's protective marking."},
    )
    descriptors = forms.MultipleChoiceField(
        label="UK descriptors (OFFICIAL-SENSITIVE only)",
        required=False,
        choices=[(d, d) for d in markings.UK_DESCRIPTORS],
        widget=forms.CheckboxSelectMultiple,
    )
    handling_instructions = forms.MultipleChoiceField(
        label="UK handling instructions (OFFICIAL-SENSITIVE only)",
        required=False,
        choices=[(d, d) for d in markings.UK_HANDLING_INSTRUCTIONS],
        widget=forms.CheckboxSelectMultiple,
    )
    information_management_markers = forms.MultipleChoiceField(
        label="Australian information management markers",
        required=False,
        choices=[(d, d) for d in markings.AU_INFORMATION_MANAGEMENT_MARKERS],
        widget=forms.CheckboxSelectMultiple,
    )
    releasability = forms.ChoiceField(
        label="Releasability",
        required=False,
        initial="",
        choices=[
            ("", "No releasability caveat"),
            (markings.UK_EYES_ONLY, "UK EYES ONLY (British nationals at the UK institute)"),
            (markings.AUSTEO, "AUSTEO (Australian nationals at the Australian institute)"),
            (markings.REL_AUS_GBR, "REL AUS/GBR (nationals of either country)"),
        ],
        widget=forms.RadioSelect,
    )
    file = _file_field("File")
    note = forms.CharField(
        max_length=bounds.NOTE_MAX_LENGTH,
        label="Note (optional)",
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="What this version is, for example ‘Final draft for review’.",
    )

    def __init__(self, *args, user=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["file"].help_text = _file_help()
        self.fields["classification"].choices = _classification_choices()
        if user is not None and user.institute_id and not self.is_bound:
            scheme = user.institute.classification_scheme
            self.initial.setdefault("classification", f"{scheme}|OFFICIAL")

    def service_kwargs(self) -> dict:
        data = self.cleaned_data
        return {
            "title": data["title"],
            "marking": data["marking"],
            "uploaded": data["file"],
            "note": data["note"],
        }

    def clean(self):
        cleaned = super().clean()
        value = cleaned.get("classification")
        if not value:
            return cleaned
        scheme, _, classification = value.partition("|")
        marking = Marking(
            scheme=scheme,
            classification=classification,
            descriptors=tuple(cleaned.get("descriptors") or ()),
            handling_instructions=tuple(cleaned.get("handling_instructions") or ()),
            information_management_markers=tuple(
                cleaned.get("information_management_markers") or ()
            ),
            releasability=cleaned.get("releasability") or "",
        )
        try:
            cleaned["marking"] = markings.validate(marking)
        except MarkingError as exc:
            self.add_error(exc.field, exc.message)
        return cleaned


class VersionForm(forms.Form):
    file = _file_field("New version")
    note = forms.CharField(
        max_length=bounds.NOTE_MAX_LENGTH,
        label="What changed (optional)",
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["file"].help_text = _file_help()

    def service_kwargs(self) -> dict:
        return {"uploaded": self.cleaned_data["file"], "note": self.cleaned_data["note"]}


class VersionChoiceField(forms.ModelMultipleChoiceField):
    def label_from_instance(self, obj):
        return (
            f"{obj.document.title} – version {obj.number}, {obj.original_name} "
            f"({obj.document.marking_text})"
        )


class RecipientChoiceField(forms.ModelMultipleChoiceField):
    def label_from_instance(self, obj):
        job = f", {obj.job_title}" if obj.job_title else ""
        return f"{obj.get_full_name()}{job} ({obj.institute.code if obj.institute else 'none'})"


class MilestoneChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        return f"{obj.project.code}: {obj.title} (due {obj.due_date:%-d %B %Y})"


class SecondmentChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        return f"{obj.secondee.get_full_name()}: {obj.title}"


class HandoverForm(forms.Form):
    receiving_institute = forms.ModelChoiceField(
        label="Receiving institute",
        queryset=Institute.objects.none(),
        empty_label=None,
        error_messages={"required": "Choose the institute you are handing over to."},
    )
    recipients = RecipientChoiceField(
        label="Recipients",
        help_text="People at the receiving institute who will download and acknowledge.",
        queryset=User.objects.none(),
        widget=forms.CheckboxSelectMultiple,
        error_messages={
            "required": "Choose at least one recipient.",
            "invalid_choice": "Choose recipients from the list.",
        },
    )
    versions = VersionChoiceField(
        label="Documents",
        help_text="Each is handed over as its current version; later versions are not included.",
        queryset=None,
        widget=forms.CheckboxSelectMultiple,
        error_messages={
            "required": "Choose at least one document to hand over.",
            "invalid_choice": "Choose documents from the list.",
        },
    )
    acknowledge_by = GovukDateField(
        label="Acknowledge by",
        error_name="The acknowledge-by date",
        help_text="The date by which recipients should acknowledge receipt.",
        validators=[bounds.validate_entered_date],
    )
    message = forms.CharField(
        max_length=bounds.NOTE_MAX_LENGTH,
        label="Message (optional)",
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text="Shown to recipients in the portal. Do not paste document content here.",
    )
    project = forms.ModelChoiceField(
        label="Project (optional)",
        required=False,
        queryset=None,
        empty_label="Not linked to a project",
        error_messages={"invalid_choice": "Choose a project you work on."},
    )
    milestone = MilestoneChoiceField(
        label="Milestone (optional)",
        required=False,
        queryset=None,
        empty_label="Not linked to a milestone",
        help_text="A milestone that needs an acknowledged handover is met when the partner "
        "institute acknowledges this one.",
        error_messages={"invalid_choice": "Choose a milestone of a project you work on."},
    )
    secondment = SecondmentChoiceField(
        label="Secondment (optional)",
        required=False,
        queryset=None,
        empty_label="Not linked to a secondment",
        error_messages={"invalid_choice": "Choose a secondment you are part of."},
    )

    def __init__(self, *args, user, versions, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user
        partners = Institute.objects.exclude(pk=user.institute_id).order_by("name")
        self.fields["receiving_institute"].queryset = partners
        # Any active person validates (so that a colleague chosen by a crafted request gets
        # the service's clear message); only people at partner institutes are offered.
        recipients = self.fields["recipients"]
        recipients.queryset = User.objects.filter(is_active=True).select_related("institute")
        recipients.widget.choices = [
            (person.pk, recipients.label_from_instance(person))
            for person in User.objects.filter(is_active=True, institute__in=partners)
            .select_related("institute")
            .order_by("institute__name", "full_name", "email")
        ]
        self.fields["versions"].queryset = versions
        self.fields["project"].queryset = selectors.project_choices_for(user)
        self.fields["milestone"].queryset = selectors.milestone_choices_for(user)
        self.fields["secondment"].queryset = selectors.secondment_choices_for(user)


class QueryForm(forms.Form):
    reason = forms.CharField(
        max_length=bounds.REASON_MAX_LENGTH,
        label="What is wrong or missing?",
        help_text="The sender sees this and can send a corrected handover.",
        widget=forms.Textarea(attrs={"rows": 5}),
        error_messages={"required": "Enter what is wrong or missing."},
    )


class WithdrawForm(forms.Form):
    reason = forms.CharField(
        max_length=bounds.REASON_MAX_LENGTH,
        label="Why are you withdrawing it? (optional)",
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )


class AccessEndForm(forms.Form):
    access_ends_on = GovukDateField(
        label="Recipients can download until",
        error_name="The last day to download",
        help_text="The last day recipients can download its files. After it they still see "
        "that they received it, and its custody record.",
        validators=[bounds.validate_entered_date],
    )


class RevokeAccessForm(forms.Form):
    reason = forms.CharField(
        max_length=bounds.REASON_MAX_LENGTH,
        label="Why are you revoking access?",
        help_text="Recipients see this. The custody record keeps it.",
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={"required": "Enter why you are revoking access."},
    )


# The link form offers this many of the newest versions the person may see.
LINK_CHOICES_MAX = 100


class LinkVersionChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, version):
        return selectors.deliverable_document_label(version)


class DeliverableDocumentForm(forms.Form):
    """Link a document version to a deliverable: any version the person may see (the
    list offers the newest ones; a crafted choice is checked against the same rule)."""

    version = LinkVersionChoiceField(
        label="Document version",
        help_text=(
            f"The {LINK_CHOICES_MAX} most recent versions you can see that are not linked "
            "yet, newest first. People who cannot see the document will not see the link."
        ),
        queryset=None,
        empty_label="Choose a document version",
        error_messages={
            "required": "Choose the document version to link.",
            "invalid_choice": "Choose a document version from the list.",
        },
    )

    def __init__(self, *args, user, deliverable, **kwargs):
        super().__init__(*args, **kwargs)
        field = self.fields["version"]
        candidates = selectors.versions_to_link(user=user, deliverable=deliverable)
        field.queryset = candidates
        field.widget.choices = [
            ("", field.empty_label),
            *(
                (version.pk, field.label_from_instance(version))
                for version in candidates[:LINK_CHOICES_MAX]
            ),
        ]
