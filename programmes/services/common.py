"""What every programmes write does: check the actor manages the programme, and say who
changed the record and why in its history."""

from django.core.exceptions import PermissionDenied

from accounts.models import User

from .. import access
from ..models import Programme

GATE_MESSAGE = (
    "This milestone needs an acknowledged handover from the partner institute before it "
    "can be marked done. Link a handover to it and ask the partner institute to "
    "acknowledge it."
)

NOT_A_MANAGER = "Only a manager of this programme can do that."


def require_manager(user: User, programme: Programme) -> None:
    if not access.user_manages_programme(user=user, programme=programme):
        raise PermissionDenied(NOT_A_MANAGER)


def record_history(instance, *, actor: User, reason: str) -> None:
    instance._history_user = actor
    instance._change_reason = reason[:100]
