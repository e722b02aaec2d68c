"""Checklists: generated from the direction's template, then worked through by the
secondment's parties and programme managers."""

import datetime
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.utils import timezone
from simple_history.utils import bulk_create_with_history

from accounts.clock import today_for
from accounts.models import User
from portal import bounds
from portal.uploads import EVIDENCE_TYPES, inspect_upload

from .. import access
from ..models import (
    ChecklistEvidence,
    ChecklistItem,
    ChecklistTemplate,
    Direction,
    DueAnchor,
    ItemKind,
    Party,
    Secondment,
    SigningMethod,
    VisaRoute,
)
from .clearances import clearance_expiry_problem, clearance_level_problem
from .dates import add_months
from .fields import only_fields
from .transitions import set_secondment_status


def due_date_for(anchor: str, offset: int, start: datetime.date, end: datetime.date):
    if anchor == DueAnchor.END:
        base = end
    elif anchor == DueAnchor.MIDPOINT:
        base = start + (end - start) / 2
    else:
        base = start
    return base + datetime.timedelta(days=offset)


def party_person(secondment: Secondment, party: str) -> User | None:
    return {
        Party.SECONDEE: secondment.secondee,
        Party.HOME: secondment.home_manager,
        Party.HOST: secondment.host_supervisor,
    }.get(party)


@transaction.atomic
def checklist_generate(*, secondment: Secondment) -> list[ChecklistItem]:
    """Copy the direction's template into the secondment, dated from its start and end."""
    template = ChecklistTemplate.objects.filter(direction=secondment.direction).first()
    if template is None:
        raise ValidationError(
            f"There is no checklist template for {secondment.get_direction_display()}: "
            "ask an admin to create one."
        )
    opportunity = secondment.application.opportunity if secondment.application_id else None
    items = []
    for t in template.items.all():
        if t.kind == ItemKind.CONFLICT and not conflict_declared(secondment):
            # The plan manages a declared conflict: none declared, no item.
            continue
        item = ChecklistItem(
            secondment=secondment,
            template_item=t,
            key=t.key,
            title=t.title,
            guidance=t.guidance,
            kind=t.kind,
            owner_party=t.owner_party,
            owner=party_person(secondment, t.owner_party),
            mandatory=t.mandatory,
            due_anchor=t.due_anchor,
            due_offset_days=t.due_offset_days,
            due_date=due_date_for(
                t.due_anchor, t.due_offset_days, secondment.start_date, secondment.end_date
            ),
            order=t.order,
        )
        if t.kind == ItemKind.CLEARANCE and opportunity is not None:
            item.clearance_required = opportunity.required_clearance
        if t.kind == ItemKind.VISA and secondment.direction == Direction.UK_TO_AU:
            item.visa_route = VisaRoute.AU_403
        items.append(item)
    # With history, so each item's audit trail starts at its creation.
    return bulk_create_with_history(items, ChecklistItem)


def conflict_declared(secondment: Secondment) -> bool:
    application = secondment.application if secondment.application_id else None
    return bool(application and application.has_conflict_of_interest)


ITEM_FIELDS = {
    ItemKind.AGREEMENT: ("signing_method",),
    ItemKind.CLEARANCE: (
        "clearance_required",
        "clearance_held",
        "clearance_recognition_requested_on",
        "clearance_recognition_received_on",
        "clearance_expires_on",
    ),
    ItemKind.VISA: (
        "visa_route",
        "visa_stream",
        "cos_assigned_on",
        "visa_applied_on",
        "letter_of_support_on",
        "visa_granted_on",
        "visa_expires_on",
    ),
}


def checklist_item_fields(item: ChecklistItem) -> tuple[str, ...]:
    return ("status", "notes") + ITEM_FIELDS.get(item.kind, ())


def _require_worker(secondment: Secondment, actor: User) -> None:
    if not access.can_work_on_checklist(user=actor, secondment=secondment):
        raise PermissionDenied(
            "Only the secondee, home manager, host supervisor or a programme manager can "
            "work on this checklist."
        )
    if secondment.status not in Secondment.LIVE:
        raise ValidationError(
            f"This secondment is {secondment.get_status_display().lower()}: its checklist is "
            "closed."
        )


def _require_owner_side(item: ChecklistItem, actor: User) -> None:
    """The item's owner side changes it (``access.can_change_checklist_item``); the rest
    of the secondment's people may only read it."""
    _require_worker(item.secondment, actor)
    if not access.can_change_checklist_item(user=actor, item=item):
        raise PermissionDenied(
            f"Only {_SIDE_NAMES.get(item.owner_party, 'its owner')} can change "
            f"“{item.title}”{_owner_hint(item)}."
        )


_SIDE_NAMES = {
    Party.SECONDEE: "the secondee or their line manager",
    Party.HOME: "the home institute (the line manager or a programme manager there)",
    Party.HOST: "the host institute (the host supervisor or a programme manager there)",
}


def _owner_hint(item: ChecklistItem) -> str:
    return f": ask {item.owner} to update it" if item.owner_id else ""


def _validate_item(item: ChecklistItem, *, evidence_count: int, today: datetime.date) -> None:
    errors: dict[str, str] = {}
    done = item.status == ChecklistItem.Status.DONE
    scheme_in = "AU" if item.secondment.direction == Direction.UK_TO_AU else "UK"
    if item.kind == ItemKind.AGREEMENT and done:
        if not item.signing_method:
            errors["signing_method"] = "Say how the agreement was signed."
        elif item.signing_method == SigningMethod.WET_SIGNED and evidence_count == 0:
            errors["status"] = "Upload the signed agreement before marking this done."
    if item.kind == ItemKind.CONFLICT and done and evidence_count == 0:
        errors["status"] = (
            "Upload the agreed conflict-of-interest handling plan before marking this done."
        )
    if item.kind == ItemKind.CLEARANCE:
        if item.clearance_required and not item.clearance_required.startswith(scheme_in + "_"):
            errors["clearance_required"] = (
                f"The required level is in the host's scheme: choose a {scheme_in} level."
            )
        requested = item.clearance_recognition_requested_on
        received = item.clearance_recognition_received_on
        if received and not requested:
            errors["clearance_recognition_requested_on"] = "Enter when recognition was requested."
        elif received and requested and received < requested:
            errors["clearance_recognition_received_on"] = (
                "Recognition cannot be received before it was requested."
            )
        if done:
            if not item.clearance_held:
                errors["clearance_held"] = "Enter the level the secondee holds."
            if not received:
                errors["clearance_recognition_received_on"] = (
                    "Enter when the host recognised the clearance before marking this done."
                )
            if not item.clearance_expires_on:
                errors["clearance_expires_on"] = "Enter when the clearance expires."
            if problem := clearance_level_problem(item):
                errors.setdefault("clearance_held", problem)
            if problem := clearance_expiry_problem(item, today=today):
                errors.setdefault("clearance_expires_on", problem)
    if item.kind == ItemKind.VISA:
        _validate_visa(item, scheme_in, done, errors)
    if errors:
        raise ValidationError(errors)


def _validate_visa(item: ChecklistItem, scheme_in: str, done: bool, errors: dict) -> None:
    if item.visa_route and not item.visa_route.startswith(scheme_in + "_"):
        errors["visa_route"] = "Choose a visa for entry into " + (
            "Australia." if scheme_in == "AU" else "the UK."
        )
    if item.visa_route in (VisaRoute.UK_GAE, VisaRoute.UK_IA):
        cos, applied = item.cos_assigned_on, item.visa_applied_on
        if cos and applied:
            if applied < cos:
                errors["visa_applied_on"] = (
                    "The visa application must come after the Certificate of Sponsorship."
                )
            elif cos < add_months(applied, -3):
                errors["cos_assigned_on"] = (
                    "The Certificate of Sponsorship must be assigned no earlier than 3 months "
                    "before the visa application: it was assigned on "
                    f"{cos:%-d %B %Y}, more than 3 months before {applied:%-d %B %Y}."
                )
        if done and not cos:
            errors["cos_assigned_on"] = "Enter when the Certificate of Sponsorship was assigned."
    if item.visa_route == VisaRoute.AU_403 and done:
        if not item.visa_stream.strip():
            errors["visa_stream"] = "Enter the subclass 403 stream."
        if not item.letter_of_support_on:
            errors["letter_of_support_on"] = "Enter when the letter of support was issued."
    if (
        item.visa_granted_on
        and item.visa_applied_on
        and item.visa_granted_on < item.visa_applied_on
    ):
        errors["visa_granted_on"] = "The visa cannot be granted before it was applied for."
    if (
        item.visa_expires_on
        and item.visa_granted_on
        and (item.visa_expires_on <= item.visa_granted_on)
    ):
        errors["visa_expires_on"] = "The expiry date must be after the grant date."
    if done:
        if not item.visa_route:
            errors["visa_route"] = "Choose the visa."
        if not item.visa_granted_on:
            errors["visa_granted_on"] = "Enter when the visa was granted."
        if not item.visa_expires_on:
            errors["visa_expires_on"] = "Enter when the visa expires."


@transaction.atomic
def checklist_item_update(*, item: ChecklistItem, actor: User, **fields: Any) -> ChecklistItem:
    item = (
        ChecklistItem.objects.select_for_update(of=("self",))
        .select_related("secondment__programme")
        .get(pk=item.pk)
    )
    secondment = item.secondment
    _require_owner_side(item, actor)
    was_open = item.is_open
    allowed = checklist_item_fields(item)
    given = only_fields(fields, allowed, service="checklist_item_update")
    bounds.check_entered_dates(
        expiry=("clearance_expires_on", "visa_expires_on"),
        **{key: value for key, value in given.items() if isinstance(value, datetime.date)},
    )
    for key, value in given.items():
        setattr(item, key, "" if value is None and key in _TEXT_FIELDS else value)
    _validate_item(item, evidence_count=item.evidence.count(), today=today_for(actor))
    if item.status in ChecklistItem.CLOSED and was_open:
        item.completed_at, item.completed_by = timezone.now(), actor
    elif item.status not in ChecklistItem.CLOSED:
        item.completed_at, item.completed_by = None, None
    item.save()
    if item.mandatory and item.is_open and secondment.status == Secondment.Status.READY:
        # A reopened mandatory item takes the secondment back to planning.
        set_secondment_status(
            Secondment.objects.select_for_update().get(pk=secondment.pk),
            Secondment.Status.PLANNING,
            f"“{item.title}” was reopened by {actor}.",
        )
    return item


_TEXT_FIELDS = {
    "notes",
    "signing_method",
    "clearance_required",
    "clearance_held",
    "visa_route",
    "visa_stream",
}


@transaction.atomic
def checklist_evidence_add(
    *, item: ChecklistItem, actor: User, upload: UploadedFile
) -> ChecklistEvidence:
    item = ChecklistItem.objects.select_related("secondment__programme").get(pk=item.pk)
    _require_owner_side(item, actor)
    facts = inspect_upload(upload, allowed=EVIDENCE_TYPES, what="file")
    evidence = ChecklistEvidence(
        item=item,
        original_name=facts.original_name,
        content_type=facts.media_type,
        size=facts.size,
        uploaded_by=actor,
    )
    evidence.file.save(facts.original_name, upload, save=False)
    evidence.save()
    return evidence
