from django import forms

from .models import TokenScope
from .services import EXPIRY_DAYS


class TokenForm(forms.Form):
    name = forms.CharField(
        label="What is the token for?",
        max_length=100,
        help_text="For example “Milestone report script”. Only you and admins see it.",
        error_messages={
            "required": "Enter what the token is for.",
            "max_length": "Name the token in 100 characters or fewer.",
        },
    )
    scope = forms.ChoiceField(
        label="What may it do?",
        choices=[
            (TokenScope.READ, "Read only: see what you can see in the portal"),
            (
                TokenScope.READ_WRITE,
                "Read and write: also act for you (decide, update, acknowledge)",
            ),
        ],
        initial=TokenScope.READ,
        widget=forms.RadioSelect,
        error_messages={"required": "Choose what the token may do."},
    )
    expires_in_days = forms.TypedChoiceField(
        label="How long should it last?",
        choices=[(days, f"{days} days") for days in EXPIRY_DAYS],
        coerce=int,
        initial=30,
        help_text="It stops working after this. You can revoke it sooner.",
        error_messages={"required": "Choose how long the token lasts."},
    )
