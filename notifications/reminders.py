"""Reminder rules about people's accounts (the accounts app raises no reminders itself)."""

import datetime

from allauth.mfa.models import Authenticator
from django.db.models import DateTimeField, Exists, F, OuterRef, Q, Value
from django.urls import reverse

from accounts.models import Role, User

from .rules import Message, Rule, due_values


def _week(now: datetime.datetime) -> tuple[str, datetime.datetime]:
    """The ISO week of ``now`` (UTC) as a window key, and when that week began."""
    year, week, weekday = now.astimezone(datetime.UTC).isocalendar()
    start = datetime.datetime.combine(
        now.astimezone(datetime.UTC).date() - datetime.timedelta(days=weekday - 1),
        datetime.time(0),
        tzinfo=datetime.UTC,
    )
    return f"week-{year}-W{week:02d}", start


def mfa_setup_due(now: datetime.datetime):
    """Managers and admins without an authenticator app, once per ISO week."""
    window, week_start = _week(now)
    in_role = Exists(
        User.groups.through.objects.filter(
            user_id=OuterRef("pk"),
            group__name__in=[Role.PROGRAMME_MANAGER.value, Role.INSTITUTE_ADMIN.value],
        )
    )
    has_totp = Exists(
        Authenticator.objects.filter(user_id=OuterRef("pk"), type=Authenticator.Type.TOTP)
    )
    people = User.objects.filter(is_active=True).filter(
        Q(is_staff=True) | Q(is_superuser=True) | in_role
    )
    return due_values(
        people.filter(~has_totp),
        object_id=F("pk"),
        recipient_id=F("pk"),
        window=Value(window),
        due_at=Value(week_start, output_field=DateTimeField()),
    )


def mfa_setup_message(user: User, reminder) -> Message:
    return Message(
        subject="Set up two-factor authentication",
        body=(
            "Your role in the portal needs two-factor authentication. Until you set up an "
            "authenticator app you cannot use manager pages or the admin.\n\n"
            "It takes about two minutes: you need your password and a phone with an "
            "authenticator app."
        ),
        url=reverse("mfa_activate_totp"),
    )


RULES = [
    Rule(
        name="accounts.mfa_setup_required",
        kind="mfa_setup_required",
        model=User,
        due=mfa_setup_due,
        describe=mfa_setup_message,
        visible_to=lambda user: User.objects.filter(pk=user.pk),
    )
]
