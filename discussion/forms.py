from django import forms

from .models import BODY_MAX_LENGTH

MENTION_HINT = (
    "To mention someone who can also see this, type @ and their email address, like "
    "@rita.researcher@aisi.example.gov.uk. They will get a notice."
)


class CommentForm(forms.Form):
    body = forms.CharField(
        label="Add a comment",
        help_text=MENTION_HINT,
        max_length=BODY_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 4}),
        error_messages={
            "required": "Enter your comment.",
            "max_length": f"Your comment must be {BODY_MAX_LENGTH:,} characters or fewer.",
        },
    )

    def clean_body(self):
        body = self.cleaned_data["body"]
        if "\x00" in body:
            raise forms.ValidationError("Your comment contains a character it cannot hold.")
        return body


class CommentEditForm(CommentForm):
    body = forms.CharField(
        label="Your comment",
        help_text=MENTION_HINT,
        max_length=BODY_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 6}),
        error_messages=CommentForm.base_fields["body"].error_messages,
    )
