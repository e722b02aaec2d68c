"""How each person wants each kind of notice: immediately, in a daily digest, or not at all."""

from django.core.exceptions import ValidationError
from django.db import transaction

from accounts.models import User

from ..kinds import KINDS, Delivery, kind_for
from ..models import Preference


def preferences_for(*, user_ids) -> dict[tuple[int, str], str]:
    """Stored choices for these people, keyed by (user id, kind); defaults are not rows."""
    return {
        (user_id, kind): delivery
        for user_id, kind, delivery in Preference.objects.filter(user_id__in=user_ids).values_list(
            "user_id", "kind", "delivery"
        )
    }


def delivery_for(prefs: dict[tuple[int, str], str], user_id: int, kind: str) -> str:
    spec = kind_for(kind)
    chosen = prefs.get((user_id, kind), spec.default)
    if chosen == Delivery.OFF and spec.mandatory:
        return spec.default
    return chosen


@transaction.atomic
def preferences_update(*, user: User, choices: dict[str, str], time_zone: str | None = None):
    """Save ``user``'s delivery choice per kind (and their time zone, if given).

    A mandatory kind cannot be switched off; the message says why.
    """
    errors = {}
    for kind, delivery in choices.items():
        spec = KINDS.get(kind)
        if spec is None:
            errors[kind] = "Choose from the kinds of notice listed."
        elif delivery not in Delivery.values:
            errors[kind] = f"Choose how you want “{spec.label}” notices."
        elif delivery == Delivery.OFF and spec.mandatory:
            errors[kind] = f"“{spec.label}” cannot be switched off: {spec.mandatory_reason}"
    if errors:
        raise ValidationError(errors)
    for kind, delivery in choices.items():
        Preference.objects.update_or_create(user=user, kind=kind, defaults={"delivery": delivery})
    if time_zone is not None and time_zone != user.time_zone:
        user.time_zone = time_zone
        user.full_clean(validate_unique=False, validate_constraints=False)
        user.save(update_fields=["time_zone"])
