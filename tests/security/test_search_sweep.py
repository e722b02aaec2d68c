"""Search over the sweep's world: for every person of the world, every kind's results for
the words of every record of that kind are among what the kind's access function shows
them, on the page as in the engine."""

import re

import pytest
from django.urls import reverse

from accounts.models import User
from portal.search import all_sources, engine

from .test_authorization_sweep import client_as

pytestmark = pytest.mark.django_db

RESULT_LINK = re.compile(r'app-search-result__title"><a class="govuk-link" href="([^"]+)"')


def _people(world) -> list[User]:
    found = {}
    for value in vars(world).values():
        if isinstance(value, User):
            found[value.pk] = value
    return list(found.values())


def _words(source) -> list[str]:
    """A few words of every record of the kind (its first indexed field)."""
    words = set()
    for text in source.model.objects.values_list(source.fields[0], flat=True):
        words.update(engine.terms(text or "")[:2])
    return sorted(words)[:40]


def test_search_never_finds_what_the_person_may_not_see(world):
    for source in all_sources():
        query = " or ".join(_words(source))
        assert query, f"the world has no {source.kind}"
        everyone_found = set()
        for person in _people(world):
            visible = set(source.visible_to(person).values_list("pk", flat=True))
            found = set(
                engine.matches(source, user=person, query=query).values_list("pk", flat=True)
            )
            assert found <= visible, (source.kind, person.full_name, found - visible)
            everyone_found |= found
        # The words do find the records: the check above is not vacuous.
        assert everyone_found, source.kind


def test_the_page_links_only_to_what_the_person_may_open(world):
    for source in all_sources():
        query = " or ".join(_words(source))[:200].rsplit(" or ", 1)[0]
        for person in _people(world):
            response = client_as(person).get(reverse("search"), {"q": query, "kind": source.kind})
            if response.status_code == 302:  # managers without MFA are sent to set it up
                continue
            assert response.status_code == 200, (person.full_name, response.status_code)
            visible = {obj.get_absolute_url() for obj in source.visible_to(person)}
            links = set(RESULT_LINK.findall(response.content.decode()))
            assert links <= visible, (source.kind, person.full_name, links - visible)
