"""Opportunities: a programme's managers advertise, publish and close them."""

from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone

from accounts.clock import today_for
from accounts.models import Institute, User
from programmes import access as programmes_access
from programmes.models import Programme

from ..models import Opportunity
from .fields import only_fields
from .searches import alert_on_commit

OPPORTUNITY_FIELDS = (
    "team",
    "title",
    "description",
    "location",
    "min_duration_months",
    "max_duration_months",
    "earliest_start",
    "closing_date",
    "places",
    "required_clearance",
)


def _require_manager(actor: User, programme: Programme, what: str) -> None:
    if not programmes_access.user_manages_programme(user=actor, programme=programme):
        raise PermissionDenied(f"Only a manager of {programme} can {what}.")


def _validate_opportunity(opportunity: Opportunity) -> None:
    errors: dict[str, str] = {}
    if (
        opportunity.host_institute_id
        and not opportunity.programme.institutes.filter(pk=opportunity.host_institute_id).exists()
    ):
        errors["host_institute"] = "The host must be one of the programme's institutes."
    if opportunity.max_duration_months < opportunity.min_duration_months:
        errors["max_duration_months"] = (
            "The longest duration must be the same as or longer than the shortest."
        )
    if opportunity.required_clearance and opportunity.host_institute_id:
        scheme = opportunity.host_institute.classification_scheme
        if not opportunity.required_clearance.startswith(scheme + "_"):
            errors["required_clearance"] = (
                f"Choose a level from the host's scheme ({scheme} levels)."
            )
    if errors:
        raise ValidationError(errors)


@transaction.atomic
def opportunity_create(
    *, actor: User, programme: Programme, host_institute: Institute, **fields: Any
) -> Opportunity:
    _require_manager(actor, programme, "advertise opportunities in it")
    opportunity = Opportunity(
        programme=programme,
        host_institute=host_institute,
        created_by=actor,
        **only_fields(fields, OPPORTUNITY_FIELDS, service="opportunity_create"),
    )
    _validate_opportunity(opportunity)
    opportunity.full_clean()
    opportunity.save()
    return opportunity


@transaction.atomic
def opportunity_update(*, opportunity: Opportunity, actor: User, **fields: Any) -> Opportunity:
    allowed = (*OPPORTUNITY_FIELDS, "host_institute")
    fields = only_fields(fields, allowed, service="opportunity_update")
    opportunity = Opportunity.objects.select_for_update().get(pk=opportunity.pk)
    _require_manager(actor, opportunity.programme, "change its opportunities")
    for key, value in fields.items():
        setattr(opportunity, key, value)
    _validate_opportunity(opportunity)
    opportunity.full_clean()
    opportunity.save()
    return opportunity


@transaction.atomic
def opportunity_publish(*, opportunity: Opportunity, actor: User) -> Opportunity:
    opportunity = Opportunity.objects.select_for_update().get(pk=opportunity.pk)
    _require_manager(actor, opportunity.programme, "publish its opportunities")
    if opportunity.status == Opportunity.Status.OPEN:
        raise ValidationError("This opportunity is already open.")
    if opportunity.closing_date < today_for(actor):
        raise ValidationError("The closing date has passed: set a later one before publishing.")
    first_time = opportunity.published_at is None
    opportunity.status = Opportunity.Status.OPEN
    opportunity.published_at = timezone.now()
    opportunity.closed_at = None
    opportunity.save(update_fields=["status", "published_at", "closed_at", "updated_at"])
    if first_time:
        # Reopening a closed opportunity is not news: only its first publication is.
        alert_on_commit(opportunity)
    return opportunity


@transaction.atomic
def opportunity_close(*, opportunity: Opportunity, actor: User) -> Opportunity:
    opportunity = Opportunity.objects.select_for_update().get(pk=opportunity.pk)
    _require_manager(actor, opportunity.programme, "close its opportunities")
    if opportunity.status != Opportunity.Status.OPEN:
        raise ValidationError("Only an open opportunity can be closed.")
    opportunity.status = Opportunity.Status.CLOSED
    opportunity.closed_at = timezone.now()
    opportunity.save(update_fields=["status", "closed_at", "updated_at"])
    return opportunity


def opportunity_validate(opportunity: Opportunity) -> None:
    """The rules every opportunity keeps, however it is saved (the admin asks too)."""
    _validate_opportunity(opportunity)
