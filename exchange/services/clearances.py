"""Whether a held clearance is enough for the host: the one place the comparison is made.

Levels in one scheme compare by their order (``ClearanceLevel.rank``). Across the two
schemes, the admins' recognition table (``ClearanceRecognition``) decides: a held level
meets a required one when it, or a lower level of its scheme, is recognised as meeting the
required level or a higher one.
"""

import datetime

from ..models import ChecklistItem, ClearanceLevel, ClearanceRecognition, scheme_of


def _levels(scheme: str) -> list[str]:
    return [value for value, _ in ClearanceLevel.for_scheme(scheme)]


def clearance_meets(held: str, required: str) -> bool | None:
    """True or False when both levels are known, None when either is not."""
    if not held or not required:
        return None
    if scheme_of(held) == scheme_of(required):
        return ClearanceLevel.rank(held) >= ClearanceLevel.rank(required)
    held_levels, required_levels = _levels(scheme_of(held)), _levels(scheme_of(required))
    if held not in held_levels or required not in required_levels:
        return False
    return ClearanceRecognition.objects.filter(
        held__in=held_levels[: held_levels.index(held) + 1],
        meets__in=required_levels[required_levels.index(required) :],
    ).exists()


def clearance_meets_requirement(item: ChecklistItem) -> bool | None:
    """Whether the item's held level is enough for the level the host requires."""
    return clearance_meets(item.clearance_held, item.clearance_required)


def clearance_level_problem(item: ChecklistItem) -> str | None:
    """Why the held level is not enough, and what to do, or None."""
    if clearance_meets_requirement(item) is not False:
        return None
    held, required = item.get_clearance_held_display(), item.get_clearance_required_display()
    if scheme_of(item.clearance_held) == scheme_of(item.clearance_required):
        return (
            f"{held} is below the host's requirement of {required}. Get the secondee vetted "
            "to the level required before marking this done."
        )
    return (
        f"{held} does not meet the host's requirement of {required} in the clearance "
        "recognitions the institutes have agreed. Get the secondee vetted to the level "
        "required, or ask the host's security team to recognise the level held (an admin "
        "then records it under Clearance recognitions), before marking this done."
    )


def clearance_expiry_problem(item: ChecklistItem, *, today: datetime.date) -> str | None:
    """Why the clearance will not last the secondment, and what to do, or None."""
    expires, end = item.clearance_expires_on, item.secondment.end_date
    if expires is None:
        return None
    if expires < today:
        return (
            f"The clearance expired on {expires:%-d %B %Y}: get it renewed and enter the new "
            "expiry date before marking this done."
        )
    if expires < end:
        return (
            f"The clearance expires on {expires:%-d %B %Y}, before the secondment ends on "
            f"{end:%-d %B %Y}: get it renewed (or the secondment re-dated) and enter the new "
            "expiry date before marking this done."
        )
    return None
