"""allauth adapter: signup only for institute domains, and new users affiliated by domain."""

from allauth.account.adapter import DefaultAccountAdapter
from django import forms
from django.conf import settings

from .selectors import institute_for_email

UNKNOWN_DOMAIN_MESSAGE = (
    "You can only create an account with an email address from a partner institute. "
    "If you work with the programme from another organisation, ask an administrator at "
    "your partner institute to invite you."
)


class PortalAccountAdapter(DefaultAccountAdapter):
    def clean_email(self, email: str) -> str:
        email = super().clean_email(email).strip().lower()
        return email

    def save_user(self, request, user, form, commit=True):
        user = super().save_user(request, user, form, commit=False)
        user.institute = institute_for_email(email=user.email)
        if user.institute and not user.time_zone:
            user.time_zone = user.institute.time_zone
        if commit:
            user.save()
        return user

    def get_from_email(self) -> str:
        return settings.DEFAULT_FROM_EMAIL


def validate_signup_email(email: str) -> None:
    if institute_for_email(email=email) is None:
        raise forms.ValidationError(UNKNOWN_DOMAIN_MESSAGE, code="unknown_domain")
