"""A search result is never something the searcher may not open: each kind is found
only through the app's own access function, the one its pages use."""

import re

import pytest
from django.test import Client
from django.urls import reverse

from accounts.models import User
from portal.search import all_sources, engine, source_for

pytestmark = pytest.mark.django_db

PEOPLE = (
    "uk_pm", "au_pm", "uk_manager", "outsider", "uk_stranger", "au_stranger", "uk_foreign",
    "drafter", "submitter", "researcher", "partner", "sender", "recipient",
)  # fmt: skip


def found(user, kind: str, query: str = "zephyr") -> set[int]:
    rows = engine.matches(source_for(kind), user=user, query=query)
    return set(rows.values_list("pk", flat=True))


def page_for(user, query: str = "zephyr", **params):
    client = Client()
    client.force_login(user)
    return client.get(reverse("search"), {"q": query, **params})


def test_every_kind_is_registered():
    assert [source.kind for source in all_sources()] == [
        "opportunities", "applications", "projects", "milestones", "documents", "handovers",
    ]  # fmt: skip


def test_results_are_what_the_access_rules_show_and_no_more(world):
    """For every person and kind: what search finds is exactly what the app's access
    function lets them see among the records that carry the word."""
    for who in PEOPLE:
        user = getattr(world, who)
        for source in all_sources():
            visible = set(source.visible_to(user).values_list("pk", flat=True))
            assert found(user, source.kind) == visible & set(_zephyr(world, source.kind)), (
                who,
                source.kind,
            )


def _zephyr(world, kind: str) -> list[int]:
    records = {
        "opportunities": [world.opportunity, world.opportunity_draft],
        "applications": [world.app_draft, world.app_submitted],
        "projects": [world.project],
        "milestones": [world.milestone],
        "documents": [world.document, world.document_draft, world.document_eyes_only],
        "handovers": [world.handover, world.handover_draft],
    }
    return [record.pk for record in records[kind]]


def test_a_stranger_finds_nothing(world):
    for who in ("outsider", "au_stranger"):
        user = getattr(world, who)
        for source in all_sources():
            assert found(user, source.kind) == set(), (who, source.kind)
            body = page_for(user, kind=source.kind).content.decode()
            assert "app-search-result" not in body, (who, source.kind)
        response = page_for(user)
        assert response.status_code == 200
        body = response.content.decode()
        assert "Zephyr" not in body, who
        assert "Nothing you can open matches" in body


def test_a_same_institute_stranger_finds_only_what_their_institute_holds(world):
    user = world.uk_stranger
    assert found(user, "opportunities") == {world.opportunity.pk}  # open to UK staff
    assert found(user, "documents") == {
        world.document.pk, world.document_draft.pk, world.document_eyes_only.pk,
    }  # fmt: skip
    for kind in ("applications", "projects", "milestones", "handovers"):
        assert found(user, kind) == set(), kind


def test_the_recipient_finds_the_handover_and_its_document_but_not_the_draft(world):
    user = world.recipient
    assert found(user, "handovers") == {world.handover.pk}
    assert found(user, "documents") == {world.document.pk}
    body = page_for(user).content.decode()
    assert world.handover.reference in body
    assert world.handover_draft.reference not in body
    assert "Zephyr draft findings" not in body
    assert found(world.sender, "handovers") == {world.handover.pk, world.handover_draft.pk}


def test_a_releasability_caveat_hides_a_document_from_those_it_does_not_reach(world):
    """UK EYES ONLY: a UK colleague of Australian nationality never finds it."""
    assert world.document_eyes_only.pk not in found(world.uk_foreign, "documents")
    assert world.document_eyes_only.pk in found(world.sender, "documents")
    assert "Zephyr eyes only" not in page_for(world.uk_foreign).content.decode()
    assert "Zephyr eyes only" not in page_for(world.uk_foreign, kind="documents").content.decode()


def test_a_draft_application_is_the_applicants_alone(world):
    assert world.app_draft.pk in found(world.drafter, "applications")
    for who in ("uk_manager", "uk_pm", "au_pm"):
        assert world.app_draft.pk not in found(getattr(world, who), "applications"), who
    assert world.app_submitted.pk in found(world.uk_manager, "applications")
    assert world.app_submitted.pk in found(world.au_pm, "applications")


def test_a_draft_opportunity_is_found_by_its_programme_managers_only(world):
    assert world.opportunity_draft.pk in found(world.au_pm, "opportunities")
    assert world.opportunity_draft.pk not in found(world.uk_stranger, "opportunities")
    # The host institute's own staff do not see their institute's opportunities.
    assert found(world.au_stranger, "opportunities") == set()


def test_project_members_at_both_institutes_find_the_project_and_milestone(world):
    for who in ("researcher", "partner"):
        user = getattr(world, who)
        assert found(user, "projects") == {world.project.pk}, who
        assert found(user, "milestones") == {world.milestone.pk}, who


def test_an_inactive_person_finds_nothing(world):
    # A copy: the world's own objects are shared by every test of the module.
    researcher = User.objects.get(pk=world.researcher.pk)
    researcher.is_active = False
    researcher.save()
    for source in all_sources():
        assert found(researcher, source.kind) == set()


def test_a_result_links_to_a_page_that_opens_for_the_searcher(world):
    """Every result the page shows opens (200) for the person who searched."""
    for who in ("recipient", "researcher", "submitter", "uk_stranger"):
        user = getattr(world, who)
        client = Client()
        client.force_login(user)
        for source in all_sources():
            params = {"q": "zephyr", "kind": source.kind}
            body = client.get(reverse("search"), params).content.decode()
            links = re.findall(r'__title"><a class="govuk-link" href="([^"]+)"', body)
            assert len(links) == len(found(user, source.kind)), (who, source.kind)
            for link in links:
                assert client.get(link).status_code == 200, (who, link)


def test_anonymous_is_sent_to_sign_in(world):
    response = Client().get(reverse("search"), {"q": "zephyr"})
    assert response.status_code == 302
    assert reverse("account_login") in response["Location"]
