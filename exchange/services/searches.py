"""Saved searches of opportunities, and the notice to their owners when a newly published
opportunity matches one."""

import logging
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction

from accounts.models import User
from notifications.services import notify
from portal import bounds

from .. import access
from ..models import SAVED_SEARCHES_PER_PERSON, Opportunity, SavedSearch
from ..selectors import saved_searches_matching
from .fields import only_fields

logger = logging.getLogger(__name__)

SEARCH_FIELDS = ("name", "team", "location", "duration", "clearance", "closing_after")


@transaction.atomic
def saved_search_create(*, owner: User, **fields: Any) -> SavedSearch:
    """Keep a search for ``owner``: at most ``SAVED_SEARCHES_PER_PERSON`` each, names
    unique per person."""
    if not access.may_save_searches(owner):
        raise PermissionDenied("Only staff of a partner institute can save searches.")
    # The person's row is locked so that two saves at once cannot pass the cap together.
    User.objects.select_for_update().filter(pk=owner.pk).first()
    if SavedSearch.objects.filter(owner=owner).count() >= SAVED_SEARCHES_PER_PERSON:
        raise ValidationError(
            f"You already have {SAVED_SEARCHES_PER_PERSON} saved searches, the most you can "
            "keep: delete one you no longer need first."
        )
    search = SavedSearch(
        owner=owner, **only_fields(fields, SEARCH_FIELDS, service="saved_search_create")
    )
    search.name = (search.name or "").strip()
    search.team = (search.team or "").strip()
    search.location = (search.location or "").strip()
    bounds.check_entered_dates(closing_after=search.closing_after)
    search.full_clean()
    search.save()
    return search


@transaction.atomic
def saved_search_delete(*, saved_search: SavedSearch, actor: User) -> None:
    if saved_search.owner_id != actor.pk:
        raise PermissionDenied("You can delete only your own saved searches.")
    saved_search.delete()


def alert_on_commit(opportunity: Opportunity) -> None:
    """Once the publication commits, tell the owners of matching saved searches. The
    publication stands whatever happens to the alerts: a failure is logged, not raised
    at the person who published."""
    pk = opportunity.pk

    def send() -> None:
        try:
            opportunity_alerts_send(opportunity_id=pk)
        except Exception:
            logger.exception("Saved-search alerts for opportunity %s failed", pk)

    transaction.on_commit(send)


@transaction.atomic
def opportunity_alerts_send(*, opportunity_id: int) -> int:
    """Tell each owner of a saved search that matches the opportunity, once, if they may
    see it (``access.opportunities_open_to``); the number told. The publisher is never
    told of their own opportunity."""
    opportunity = (
        Opportunity.objects.select_related("host_institute", "programme")
        .filter(pk=opportunity_id, status=Opportunity.Status.OPEN)
        .first()
    )
    if opportunity is None:
        return 0
    names: dict[int, list[str]] = {}
    owners: dict[int, User] = {}
    for search in saved_searches_matching(opportunity):
        owners.setdefault(search.owner_id, search.owner)
        names.setdefault(search.owner_id, []).append(search.name)
    told = 0
    for owner_id, owner in owners.items():
        if owner_id == opportunity.created_by_id:
            continue
        # The one rule of who may see it: never tell someone who cannot open it.
        if not access.opportunities_open_to(owner).filter(pk=opportunity.pk).exists():
            continue
        matched = ", ".join(f"“{name}”" for name in names[owner_id])
        notify(
            recipient=owner,
            kind="opportunity_matches_search",
            subject=f"A new opportunity matches your saved search {matched}: "
            f"{opportunity.title} ({opportunity.host_institute})",
            body=f"Closes {opportunity.closing_date:%-d %B %Y}.",
            url=opportunity.get_absolute_url(),
            about=opportunity,
        )
        told += 1
    return told
