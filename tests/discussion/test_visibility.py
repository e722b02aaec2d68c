"""A comment is shown to exactly the people who may see its record, by the record's own
app's rule: on the record's page, in the selector other lists use, and in notices."""

import pytest
from django.core.exceptions import PermissionDenied
from django.urls import reverse

from discussion import selectors, services
from discussion.models import Comment
from handover import services as handover_services
from programmes.models import ProjectMembership
from tests.factories import client_for

from .conftest import record_and_reader

pytestmark = pytest.mark.django_db

KINDS = ["application", "secondment", "project", "milestone", "handover"]


def _post(w, kind, body=None):
    record, person = record_and_reader(w, kind)
    return services.comment_post(
        user=person, record=record, body=body or f"A word on this {kind}."
    ).comment


@pytest.mark.parametrize("kind", KINDS)
def test_a_comment_is_seen_by_those_who_see_the_record_and_no_one_else(wx, kind):
    w = wx
    comment = _post(w, kind, body=f"Only for the {kind}'s people.")
    record, person = record_and_reader(w, kind)
    url = record.get_absolute_url()

    assert comment in selectors.comments_visible_to(person)
    page = client_for(person).get(url)
    assert page.status_code == 200
    assert f"Only for the {kind}&#x27;s people." in page.content.decode()

    for stranger in (w.uk_stranger, w.au_stranger, w.ex.outsider):
        assert comment not in selectors.comments_visible_to(stranger)
        assert not selectors.thread_for(stranger, record).exists()
        assert client_for(stranger).get(url).status_code == 404


@pytest.mark.parametrize("kind", KINDS)
def test_a_stranger_can_neither_post_nor_read_through_the_discussion_address(wx, kind):
    w = wx
    record, _person = record_and_reader(w, kind)
    url = reverse("discussion:comment_post", args=[kind, record.pk])
    for stranger in (w.uk_stranger, w.au_stranger):
        client = client_for(stranger)
        assert client.get(url).status_code == 404
        assert client.post(url, {"body": "Let me in"}).status_code == 404
        with pytest.raises(PermissionDenied):
            services.comment_post(user=stranger, record=record, body="Let me in")
    assert not Comment.objects.filter(body="Let me in").exists()


def test_anonymous_visitors_are_sent_to_sign_in(w, client):
    url = reverse("discussion:comment_post", args=["milestone", w.milestone.pk])
    response = client.post(url, {"body": "Hello"})
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]
    assert not Comment.objects.exists()


def test_an_unknown_kind_is_not_found(w):
    url = reverse("discussion:comment_post", args=["opportunity", 1])
    assert client_for(w.researcher).get(url).status_code == 404


def test_visibility_follows_the_record_not_a_copy_of_it(wx):
    w = wx
    """The draft is the applicant's alone; once submitted, its line manager sees it and
    its discussion, with no change to any comment."""
    comment = services.comment_post(
        user=w.applicant, record=w.app_draft, body="Notes to self."
    ).comment
    assert comment not in selectors.comments_visible_to(w.uk_manager)
    assert comment not in selectors.comments_visible_to(w.uk_pm)

    from exchange import services as exchange_services

    exchange_services.application_submit(application=w.app_draft, actor=w.applicant)
    assert comment in selectors.comments_visible_to(w.uk_manager)
    assert comment in selectors.comments_visible_to(w.uk_pm)


def test_a_person_who_leaves_the_project_no_longer_sees_its_comments(w):
    comment = _post(w, "milestone")
    assert comment in selectors.comments_visible_to(w.partner)
    ProjectMembership.objects.filter(user=w.partner).delete()
    assert comment not in selectors.comments_visible_to(w.partner)
    assert client_for(w.partner).get(w.milestone.get_absolute_url()).status_code == 404


def test_a_draft_handovers_discussion_is_the_senders_until_sent(w):
    comment = services.comment_post(
        user=w.sender, record=w.handover_draft, body="Before sending."
    ).comment
    assert comment not in selectors.comments_visible_to(w.recipient)
    handover_services.handover_send(handover=w.handover_draft, user=w.sender)
    assert comment in selectors.comments_visible_to(w.recipient)


def test_a_deactivated_person_sees_no_comments(w):
    comment = _post(w, "milestone")
    w.researcher.is_active = False
    w.researcher.save()
    assert comment not in selectors.comments_visible_to(w.researcher)


def test_the_selector_for_search_holds_every_kind_the_person_may_see(wx):
    w = wx
    for kind in KINDS:
        _post(w, kind)
    kinds_seen = {c.kind for c in selectors.comments_visible_to(w.uk_pm)}
    # The programme manager sees the exchange and the project, not the handover.
    assert kinds_seen == {"application", "secondment", "project", "milestone"}
    assert {c.kind for c in selectors.comments_visible_to(w.recipient)} == {"handover"}


def test_every_kind_of_record_is_registered_by_its_app():
    from discussion import registry

    assert registry.check_every_kind_registered() == []
    assert [entry.kind for entry in registry.entries()] == list(registry.KINDS)
