"""allauth's sign-in and password reset forms, aware of institutes' single sign-on."""

from allauth.account import forms as allauth_forms
from django import forms
from django.utils.functional import cached_property

from .messages import login_refused_message, reset_refused_message
from .selectors import sign_on_options, sign_on_refusing_password


class LoginForm(allauth_forms.LoginForm):
    @cached_property
    def sign_on_options(self) -> list[dict]:
        return sign_on_options()

    def clean_login(self) -> str:
        login = super().clean_login()
        # Refused before any password is checked: the answer depends on the domain only,
        # so it neither reveals whether an account exists nor counts as a failed attempt.
        sign_on = sign_on_refusing_password(email=login)
        if sign_on is not None:
            raise forms.ValidationError(login_refused_message(sign_on), code="single_sign_on_only")
        return login


class ResetPasswordForm(allauth_forms.ResetPasswordForm):
    def clean_email(self) -> str:
        email = super().clean_email()
        sign_on = sign_on_refusing_password(email=email)
        if sign_on is not None:
            raise forms.ValidationError(reset_refused_message(sign_on), code="single_sign_on_only")
        return email


class ResetPasswordKeyForm(allauth_forms.ResetPasswordKeyForm):
    """A reset link sent before the institute switched passwords off no longer works."""

    def clean(self):
        cleaned = super().clean()
        sign_on = self.user and sign_on_refusing_password(email=self.user.email)
        if sign_on:
            # Beside the new password: this page shows field errors, not form-wide ones.
            self.add_error(
                "password1",
                forms.ValidationError(reset_refused_message(sign_on), code="single_sign_on_only"),
            )
        return cleaned
