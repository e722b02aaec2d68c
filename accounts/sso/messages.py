"""What a person is told when their institute signs them in through its own service."""

from collections.abc import Callable

from django import forms

from ..models import SingleSignOn
from .selectors import sign_on_refusing_password


def _button(sign_on: SingleSignOn) -> str:
    return f"‘Sign in with {sign_on.institute.name}’"


def login_refused_message(sign_on: SingleSignOn) -> str:
    return (
        f"People at {sign_on.institute.name} sign in through their institute, not with a "
        f"password. Use {_button(sign_on)} on this page."
    )


def reset_refused_message(sign_on: SingleSignOn) -> str:
    return (
        f"People at {sign_on.institute.name} sign in through their institute, so there is no "
        f"portal password to reset. Go to the sign-in page and use {_button(sign_on)}."
    )


def signup_refused_message(sign_on: SingleSignOn) -> str:
    return (
        f"People at {sign_on.institute.name} do not need to create an account: go to the "
        f"sign-in page and use {_button(sign_on)}. Your account is created the first time "
        "you sign in."
    )


def validate_password_allowed(email: str, message: Callable[[SingleSignOn], str]) -> None:
    """Refuses a password for an address whose institute signs it in through its provider.

    The answer depends on the domain only, so it never reveals whether an account exists.
    """
    sign_on = sign_on_refusing_password(email=email)
    if sign_on is not None:
        raise forms.ValidationError(message(sign_on), code="single_sign_on_only")
