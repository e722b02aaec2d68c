"""allauth's sign-in and password reset forms, aware of institutes' single sign-on."""

from allauth.account import forms as allauth_forms
from django import forms
from django.utils.functional import cached_property

from .messages import login_refused_message, reset_refused_message, validate_password_allowed
from .selectors import sign_on_options


class LoginForm(allauth_forms.LoginForm):
    @cached_property
    def sign_on_options(self) -> list[dict]:
        return sign_on_options()

    def clean_login(self) -> str:
        login = super().clean_login()
        # Refused before any password is checked, so it never counts as a failed attempt.
        validate_password_allowed(login, login_refused_message)
        return login


class ResetPasswordForm(allauth_forms.ResetPasswordForm):
    def clean_email(self) -> str:
        email = super().clean_email()
        validate_password_allowed(email, reset_refused_message)
        return email


class ResetPasswordKeyForm(allauth_forms.ResetPasswordKeyForm):
    """A reset link sent before the institute switched passwords off no longer works."""

    def clean(self):
        cleaned = super().clean()
        if self.user is not None:
            try:
                validate_password_allowed(self.user.email, reset_refused_message)
            except forms.ValidationError as refusal:
                # Beside the new password: this page shows field errors, not form-wide ones.
                self.add_error("password1", refusal)
        return cleaned
