"""The mid-point review and the return report: recorded once each, closing their items."""

from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone

from accounts.models import User

from .. import access
from ..models import ChecklistItem, ItemKind, MidpointReview, ReturnReport, Secondment
from .fields import only_fields
from .transitions import locked_secondment


def _close_report_item(secondment: Secondment, kind: str, actor: User) -> None:
    for item in secondment.checklist_items.filter(kind=kind).exclude(
        status__in=ChecklistItem.CLOSED
    ):
        item.status = ChecklistItem.Status.DONE
        item.completed_at, item.completed_by = timezone.now(), actor
        item.save(update_fields=["status", "completed_at", "completed_by", "updated_at"])


REVIEW_FIELDS = (
    "progress",
    "achievements",
    "concerns",
    "support_needed",
    "objectives_changed",
    "objectives_change_details",
)

REPORT_FIELDS = (
    "work_summary",
    "skills_gained",
    "knowledge_handed_over",
    "benefit_to_home",
    "recommendations",
    "would_recommend",
)


@transaction.atomic
def midpoint_review_submit(*, secondment: Secondment, actor: User, **fields: Any) -> MidpointReview:
    """Recorded once, by a party, while the secondment is running; closes its item."""
    secondment = locked_secondment(secondment)
    if not access.is_secondment_party(user=actor, secondment=secondment):
        raise PermissionDenied(
            "Only the secondee, home manager or host supervisor can record the mid-point review."
        )
    if secondment.status != Secondment.Status.ACTIVE:
        raise ValidationError("The mid-point review is recorded while the secondment is active.")
    if MidpointReview.objects.filter(secondment=secondment).exists():
        raise ValidationError("The mid-point review has already been recorded.")
    if fields.get("objectives_changed") and not (
        (fields.get("objectives_change_details") or "").strip()
    ):
        raise ValidationError(
            {"objectives_change_details": "Describe how the objectives have changed."}
        )
    review = MidpointReview(
        secondment=secondment,
        submitted_by=actor,
        **only_fields(fields, REVIEW_FIELDS, service="midpoint_review_submit"),
    )
    review.full_clean()
    review.save()
    _close_report_item(secondment, ItemKind.MIDPOINT, actor)
    return review


@transaction.atomic
def return_report_submit(*, secondment: Secondment, actor: User, **fields: Any) -> ReturnReport:
    """The secondee's report, once, near or after the end; closes its item."""
    secondment = locked_secondment(secondment)
    if actor.pk != secondment.secondee_id:
        raise PermissionDenied("Only the secondee can write the return report.")
    if secondment.status not in (
        Secondment.Status.ACTIVE,
        Secondment.Status.COMPLETED,
        Secondment.Status.ENDED_EARLY,
    ):
        raise ValidationError("The return report is written once the secondment has started.")
    if ReturnReport.objects.filter(secondment=secondment).exists():
        raise ValidationError("The return report has already been submitted.")
    report = ReturnReport(
        secondment=secondment,
        submitted_by=actor,
        **only_fields(fields, REPORT_FIELDS, service="return_report_submit"),
    )
    report.full_clean()
    report.save()
    _close_report_item(secondment, ItemKind.RETURN_REPORT, actor)
    return report
