"""Milestone gates: what must happen in another app before a gated milestone is done.

A milestone with ``requires_partner_handover`` waits for an acknowledged handover from
the partner institute. The handover app registers that check from its
``AppConfig.ready()``; programmes never imports it. Without a registered check a gated
milestone cannot be decided, so asking is an error (and ``manage.py check`` says so).
"""

from collections.abc import Callable

from django.core.checks import Error
from django.core.exceptions import ImproperlyConfigured

PARTNER_HANDOVER = "partner_handover"

# Gate name -> check(*, milestone) -> bool.
_GATES: dict[str, Callable[..., bool]] = {}


def register_gate(name: str, check: Callable[..., bool]) -> None:
    if _GATES.get(name, check) is not check:
        raise ValueError(f"Milestone gate {name!r} is already registered.")
    _GATES[name] = check


def gate_satisfied(*, milestone) -> bool:
    """Whether the milestone's gate, if it has one, is met."""
    if not milestone.requires_partner_handover:
        return True
    check = _GATES.get(PARTNER_HANDOVER)
    if check is None:
        raise ImproperlyConfigured(
            "No app registers the partner handover gate, so gated milestones cannot be "
            "completed. Add the handover app to INSTALLED_APPS."
        )
    return bool(check(milestone=milestone))


def check_gates_registered(app_configs, **kwargs):
    """System check (registered in apps.py): some app supplies each gate."""
    if PARTNER_HANDOVER in _GATES:
        return []
    return [
        Error(
            "No app registers the partner handover milestone gate.",
            hint="Add the handover app to INSTALLED_APPS: it registers the gate in ready().",
            id="programmes.E001",
        )
    ]
