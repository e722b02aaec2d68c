"""Every free-text field has a maximum: the models' text columns and the forms' text fields.
A new one without a limit fails here, with its name."""

import importlib
import inspect

from django import forms
from django.apps import apps
from django.db import models

from .test_hostile_input import FORM_MODULES, PROJECT_APPS

# Text the portal writes itself, never a person: a notice's body, a delivery error.
WRITTEN_BY_THE_PORTAL = {"notifications.Notification.body", "notifications.Reminder.last_error"}


def test_every_text_column_has_a_maximum():
    """Every TextField of the project's models has a max_length (enforced by its forms)."""
    unbounded = sorted(
        f"{model._meta.label}.{field.name}"
        for model in apps.get_models()
        if model._meta.app_label in PROJECT_APPS and not model.__name__.startswith("Historical")
        for field in model._meta.get_fields()
        if isinstance(field, models.TextField) and field.max_length is None
    )
    assert set(unbounded) <= WRITTEN_BY_THE_PORTAL, unbounded


def test_every_text_field_of_every_form_has_a_maximum():
    """Every text field of the project's forms has a max_length: a clear message instead of
    a 100,000-character business case."""
    unbounded = []
    for name in FORM_MODULES:
        module = importlib.import_module(name)
        for _, cls in inspect.getmembers(module, inspect.isclass):
            if not (issubclass(cls, forms.BaseForm) and cls.__module__ == module.__name__):
                continue
            for field_name, field in cls.base_fields.items():
                if isinstance(field, forms.CharField) and field.max_length is None:
                    if isinstance(field.widget, forms.PasswordInput):
                        continue  # allauth's password fields: hashed, never stored
                    unbounded.append(f"{cls.__name__}.{field_name}")
    assert not unbounded, unbounded
