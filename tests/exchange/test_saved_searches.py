"""Saved searches of opportunities: saving (bounded, capped, hostile input), listing and
deleting them, and the notice when a newly published opportunity matches one."""

import datetime

import pytest
from django.core import mail
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from exchange import services
from exchange.filters import OpportunityFilter
from exchange.models import SAVED_SEARCHES_PER_PERSON, Opportunity, SavedSearch
from exchange.selectors import saved_searches_matching
from notifications.kinds import KINDS, Delivery
from notifications.models import Notification, Preference
from notifications.services import reminder_deliver_due
from tests.factories import UserFactory, client_for

from .factories import OpportunityFactory

KIND = "opportunity_matches_search"


def told() -> set[str]:
    return set(
        Notification.objects.filter(kind=KIND).values_list("recipient__full_name", flat=True)
    )


def draft(world, **fields) -> Opportunity:
    defaults = {
        "programme": world.programme,
        "host_institute": world.au,
        "team": "Frontier Evaluations",
        "location": "Canberra",
        "status": Opportunity.Status.DRAFT,
    }
    return OpportunityFactory(**{**defaults, **fields})


def publish(world, opportunity, capture):
    with capture(execute=True):
        services.opportunity_publish(opportunity=opportunity, actor=world.au_pm)


def save(owner, name="Search", **filters) -> SavedSearch:
    return services.saved_search_create(owner=owner, name=name, **filters)


def uk(world, name):
    return UserFactory(institute=world.uk, full_name=name)


# --- matching ----------------------------------------------------------------------------


def test_the_owners_of_matching_searches_are_told_once(world, django_capture_on_commit_callbacks):
    save(world.uk_staff, "Evals", team="evaluations", duration=6, clearance="AU_BASELINE")
    save(world.uk_staff, "Canberra", location="canb")
    save(uk(world, "Lou Long"), "Long", duration=24)
    save(uk(world, "Noa None"), "No clearance", clearance="none")
    save(uk(world, "Syd Sydney"), "Sydney", location="Sydney")
    save(uk(world, "Lee Late"), "Late", closing_after=datetime.date(2027, 1, 1))
    save(uk(world, "Ann Any"), "Anything")
    opportunity = draft(world)
    publish(world, opportunity, django_capture_on_commit_callbacks)
    assert told() == {"Uma Staff", "Ann Any"}
    notice = Notification.objects.get(kind=KIND, recipient=world.uk_staff)
    assert "“Evals”, “Canberra”" in notice.subject or "“Canberra”, “Evals”" in notice.subject
    assert notice.url == opportunity.get_absolute_url()


def test_matching_agrees_with_the_opportunity_lists_own_filters(world):
    """Every search matches exactly when the list, filtered by it, shows the opportunity."""
    opportunity = draft(world, status=Opportunity.Status.OPEN)
    searches = [
        save(world.uk_staff, "a", team="EVAL"),
        save(world.uk_staff, "b", team="Safeguards"),
        save(world.uk_staff, "c", duration=3),
        save(world.uk_staff, "d", duration=13),
        save(world.uk_staff, "e", clearance="AU_BASELINE"),
        save(world.uk_staff, "f", clearance="AU_NV1"),
        save(world.uk_staff, "g", closing_after=opportunity.closing_date),
        save(world.uk_staff, "h", closing_after=opportunity.closing_date + datetime.timedelta(1)),
        save(world.uk_staff, "i", team="100%"),
        save(world.uk_staff, "j", location="_anberra"),
    ]
    matched = set(saved_searches_matching(opportunity))
    for search in searches:
        listed = OpportunityFilter(
            search.filters(), queryset=Opportunity.objects.filter(pk=opportunity.pk)
        ).qs.exists()
        assert (search in matched) == listed, search.name


def test_no_one_is_told_of_what_they_cannot_see(world, django_capture_on_commit_callbacks):
    """The host's own staff, an institute outside the programme, someone deactivated,
    and the manager who published it: none is told."""
    save(world.au_staff, "Own institute")
    save(world.outsider, "Outsider")
    gone = uk(world, "Gil Gone")
    save(gone, "Gone")
    gone.is_active = False
    gone.save()
    save(world.uk_pm, "Manager")
    publish(world, draft(world, created_by=world.uk_pm), django_capture_on_commit_callbacks)
    assert told() == set()


def test_a_closed_opportunity_is_not_announced(world, django_capture_on_commit_callbacks):
    """Alerts go out after the publication commits, for what is still open then."""
    save(world.uk_staff, "Anything")
    opportunity = draft(world)
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        services.opportunity_publish(opportunity=opportunity, actor=world.au_pm)
    assert told() == set()  # nothing before the commit
    Opportunity.objects.filter(pk=opportunity.pk).update(status=Opportunity.Status.CLOSED)
    for callback in callbacks:
        callback()
    assert told() == set()


def test_reopening_a_closed_opportunity_is_not_news(world, django_capture_on_commit_callbacks):
    save(world.uk_staff, "Anything")
    opportunity = draft(world)
    publish(world, opportunity, django_capture_on_commit_callbacks)
    services.opportunity_close(opportunity=opportunity, actor=world.au_pm)
    publish(world, opportunity, django_capture_on_commit_callbacks)
    assert Notification.objects.filter(kind=KIND).count() == 1


def test_the_notice_follows_the_persons_preferences(world, django_capture_on_commit_callbacks):
    assert KIND in KINDS
    save(world.uk_staff, "Anything")
    save(world.uk_manager, "Anything")
    Preference.objects.create(user=world.uk_staff, kind=KIND, delivery=Delivery.OFF)
    mail.outbox.clear()
    publish(world, draft(world), django_capture_on_commit_callbacks)
    reminder_deliver_due()
    assert told() == {"Uma Staff", "Una Manager"}
    emailed = {m.to[0] for m in mail.outbox if "matches your saved search" in m.subject}
    assert emailed == {world.uk_manager.email}


def test_matching_takes_one_query_whatever_the_number_of_searches(world):
    opportunity = draft(world, status=Opportunity.Status.OPEN)
    for n in range(15):
        save(uk(world, f"Person {n}"), "Anything")
    with CaptureQueriesContext(connection) as captured:
        assert len(list(saved_searches_matching(opportunity))) == 15
    assert len(captured) == 1


# --- saving, listing, deleting -----------------------------------------------------------------


def test_a_person_keeps_at_most_the_cap(world):
    for n in range(SAVED_SEARCHES_PER_PERSON):
        save(world.uk_staff, f"Search {n}")
    with pytest.raises(ValidationError, match="delete one"):
        save(world.uk_staff, "One more")
    assert SavedSearch.objects.filter(owner=world.uk_staff).count() == SAVED_SEARCHES_PER_PERSON


def test_names_are_unique_per_person(world):
    save(world.uk_staff, "Evals")
    with pytest.raises(ValidationError, match="already have a saved search with this name"):
        save(world.uk_staff, "Evals")
    save(world.uk_manager, "Evals")


def test_saving_from_the_opportunity_list_keeps_its_filters(world):
    client = client_for(world.uk_staff)
    page = client.get(reverse("exchange:opportunity_list") + "?team=Eval&duration=6")
    body = page.content.decode()
    assert "Save this search" in body
    assert 'name="search-team" value="Eval"' in body
    response = client.post(
        reverse("exchange:saved_search_create"),
        {"search-name": "Evals", "search-team": "Eval", "search-duration": "6"},
    )
    assert response.status_code == 302
    search = SavedSearch.objects.get(owner=world.uk_staff)
    assert (search.team, search.duration, search.location) == ("Eval", 6, "")
    listing = client.get(reverse("exchange:saved_search_list")).content.decode()
    assert "Evals" in listing and "Team contains “Eval”" in listing


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("name", "", "Enter a name for this search."),
        ("name", "x" * 101, "Enter 100 characters or fewer"),
        ("team", "x" * 201, "Enter 200 characters or fewer"),
        ("duration", "61", "at most 60 months"),
        ("duration", "0", "at least 1 month"),
        ("duration", "six", "whole number of months"),
        ("clearance", "TOP_SECRET", "Select a valid choice"),
        ("closing_after", "9999-01-01", "years from today"),
        ("closing_after", "31/02/2027", "must be a real date"),
        ("closing_after", "2090-01-01", "years from today"),
        ("closing_after", "1999-12-31", "on or after 1 January 2000"),
    ],
)
def test_hostile_input_is_refused_beside_the_field(world, field, value, message):
    data = {"search-name": "Evals", f"search-{field}": value}
    response = client_for(world.uk_staff).post(reverse("exchange:saved_search_create"), data)
    assert response.status_code == 200
    body = response.content.decode()
    assert "<title>Error: " in body
    assert message in body
    assert not SavedSearch.objects.exists()


def test_the_cap_is_said_on_the_page(world):
    for n in range(SAVED_SEARCHES_PER_PERSON):
        save(world.uk_staff, f"Search {n}")
    response = client_for(world.uk_staff).post(
        reverse("exchange:saved_search_create"), {"search-name": "One more"}
    )
    assert response.status_code == 200
    assert "delete one you no longer need first" in response.content.decode()


def test_only_the_owner_deletes_a_search(world):
    search = save(world.uk_staff, "Evals")
    url = reverse("exchange:saved_search_delete", args=[search.pk])
    assert client_for(world.uk_manager).post(url).status_code == 404
    assert client_for(world.uk_staff).get(url).status_code == 405
    with pytest.raises(PermissionDenied):
        services.saved_search_delete(saved_search=search, actor=world.uk_manager)
    assert client_for(world.uk_staff).post(url).status_code == 302
    assert not SavedSearch.objects.exists()


def test_the_list_of_saved_searches_takes_constant_queries(world, django_assert_max_num_queries):
    client = client_for(world.uk_staff)
    url = reverse("exchange:saved_search_list")
    save(world.uk_staff, "One")
    with CaptureQueriesContext(connection) as few:
        assert client.get(url).status_code == 200
    for n in range(10):
        save(world.uk_staff, f"Search {n}")
    with CaptureQueriesContext(connection) as many:
        client.get(url)
    assert len(few) == len(many)
    with django_assert_max_num_queries(10):
        client.get(url)
    assert "You have no saved searches." in client_for(world.uk_manager).get(url).content.decode()
