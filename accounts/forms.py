from django import forms

from .adapter import validate_signup_email
from .models import AttributeChangeRequest, User, personal_time_zone_choices


class SignupExtraForm(forms.Form):
    """Extra fields on allauth's signup form, and the institute-domain rule."""

    full_name = forms.CharField(label="Full name", max_length=200)
    job_title = forms.CharField(label="Job title", max_length=200, required=False)

    field_order = ["full_name", "email", "job_title", "password1", "password2"]

    def clean(self):
        # allauth's SignupForm subclasses this form and owns clean_email, so the domain
        # rule is applied here, where its clean() chain reaches.
        cleaned = super().clean()
        email = cleaned.get("email")
        if email:
            try:
                validate_signup_email(email)
            except forms.ValidationError as exc:
                self.add_error("email", exc)
        return cleaned

    def signup(self, request, user):
        user.full_name = self.cleaned_data["full_name"].strip()
        user.job_title = self.cleaned_data.get("job_title", "").strip()
        user.save(update_fields=["full_name", "job_title"])


class ProfileForm(forms.ModelForm):
    """What a person may change about themselves. Nationality, institute and roles decide
    what they may see, so they are not here: see ``AttributeChangeRequestForm``."""

    time_zone = forms.ChoiceField(
        label="Time zone",
        required=False,
        help_text="Reminders and digests arrive by this clock. Leave blank for your institute's.",
    )

    class Meta:
        model = User
        fields = ["full_name", "job_title", "time_zone"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["full_name"].required = True
        self.fields["time_zone"].choices = personal_time_zone_choices(self.instance.time_zone)

    def service_kwargs(self) -> dict:
        return {name: self.cleaned_data[name] for name in self.Meta.fields}


class AttributeChangeRequestForm(forms.Form):
    field = forms.ChoiceField(
        label="What should change?",
        choices=AttributeChangeRequest.Field.choices,
        widget=forms.RadioSelect,
    )
    requested_value = forms.CharField(
        label="New value",
        max_length=40,
        help_text="For nationality, a 3-letter country code such as GBR or AUS. For "
        "institute, its short code: UK-AISI or AU-AISI.",
    )
    reason = forms.CharField(
        label="Why is the change needed?",
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text="An admin of your institute reads this before confirming the change.",
    )
