"""The Discussion section of each record's page: posting from it, the thread (oldest
first, paged, in the reader's time), markings, errors, and bounded queries."""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from discussion import selectors, services
from discussion.models import Comment
from tests.factories import client_for

from .conftest import record_and_reader

pytestmark = pytest.mark.django_db

KINDS = ["application", "secondment", "project", "milestone", "handover"]


def _queries(client, url) -> int:
    with CaptureQueriesContext(connection) as captured:
        assert client.get(url).status_code == 200
    return len(captured)


@pytest.mark.parametrize("kind", KINDS)
def test_each_record_page_has_a_discussion_and_queries_stay_bounded(wx, kind, clock):
    record, person = record_and_reader(wx, kind)
    client = client_for(person)
    url = record.get_absolute_url()
    page = client.get(url).content.decode()
    assert '<h2 class="govuk-heading-m" id="discussion-heading">Discussion</h2>' in page
    assert "No comments yet." in page
    assert reverse("discussion:comment_post", args=[kind, record.pk]) in page

    services.comment_post(user=person, record=record, body="The first word.")
    one = _queries(client, url)
    for number in range(20):
        clock.shift(datetime.timedelta(seconds=1))
        author = wx.uk_pm if kind != "handover" else wx.sender
        services.comment_post(user=author, record=record, body=f"Comment {number}.")
    assert _queries(client, url) == one


def test_posting_from_the_page_goes_back_to_the_comment(w):
    client = client_for(w.researcher)
    url = reverse("discussion:comment_post", args=["milestone", w.milestone.pk])
    response = client.post(url, {"body": "Looks right to me.\nShip it."})
    comment = Comment.objects.get()
    assert response.status_code == 302
    assert response["Location"] == f"{w.milestone.get_absolute_url()}#comment-{comment.pk}"
    page = client.get(response["Location"]).content.decode()
    assert "Looks right to me.<br>Ship it." in page
    # The author, their institute and the time in the reader's zone (London, BST).
    assert "<strong>Rita Researcher</strong> (UK-AISI)" in page
    assert "3 Aug 2026, 10:00" in page
    assert "Your comment was added." in page


def test_the_thread_runs_oldest_first_and_is_paged(w, clock):
    for number in range(30):
        clock.shift(datetime.timedelta(minutes=1))
        services.comment_post(user=w.researcher, record=w.milestone, body=f"Note number {number}.")
    client = client_for(w.partner)
    first = client.get(w.milestone.get_absolute_url()).content.decode()
    assert first.index("Note number 0.") < first.index("Note number 24.")
    assert "Note number 25." not in first
    assert 'aria-label="Comment pages"' in first
    second = client.get(w.milestone.get_absolute_url() + "?comments=2").content.decode()
    assert "Note number 29." in second and "Note number 0." not in second
    # A new comment sends its author to the page it is on.
    response = client_for(w.partner).post(
        reverse("discussion:comment_post", args=["milestone", w.milestone.pk]),
        {"body": "The latest."},
    )
    assert "?comments=2#comment-" in response["Location"]


def test_an_empty_or_overlong_comment_shows_the_error_and_saves_nothing(w):
    client = client_for(w.researcher)
    url = reverse("discussion:comment_post", args=["milestone", w.milestone.pk])
    for body, message in (
        ("", "Enter your comment."),
        ("   \n ", "Enter your comment."),
        ("x" * 5001, "Your comment must be 5,000 characters or fewer."),
    ):
        response = client.post(url, {"body": body})
        assert response.status_code == 200
        text = response.content.decode()
        assert "<title>Error: Add a comment to milestone Protocol agreed" in text
        assert message in text
        assert 'class="govuk-error-summary"' in text
    assert not Comment.objects.exists()


def test_hostile_text_is_shown_as_text(w):
    body = '<script>alert(1)</script><img src=x onerror=alert(2)> {{ request }} {% now "Y" %}'
    services.comment_post(user=w.researcher, record=w.milestone, body=body)
    page = client_for(w.partner).get(w.milestone.get_absolute_url()).content.decode()
    assert "<script>alert(1)" not in page and "<img src=x" not in page
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page
    assert "{{ request }} {% now &quot;Y&quot; %}" in page


def test_comments_on_a_marked_handover_carry_its_marking(w):
    services.comment_post(user=w.sender, record=w.handover, body="See the second table.")
    services.comment_post(user=w.recipient, record=w.handover, body="Thanks, received.")
    page = client_for(w.recipient).get(w.handover.get_absolute_url()).content.decode()
    tag = '<strong class="govuk-tag govuk-tag--grey app-tag--marking">OFFICIAL-SENSITIVE</strong>'
    # The section says so, and each comment carries it.
    assert page.count(tag) == 3
    form = client_for(w.recipient).post(
        reverse("discussion:comment_post", args=["handover", w.handover.pk]), {"body": ""}
    )
    assert "OFFICIAL-SENSITIVE" in form.content.decode()


def test_comments_on_unmarked_records_carry_no_marking(w):
    plain = services.comment_post(user=w.researcher, record=w.milestone, body="Plain.").comment
    marked = services.comment_post(user=w.sender, record=w.handover, body="Marked.").comment
    assert selectors.comment_marking(plain) == ""
    assert selectors.comment_marking(marked) == "OFFICIAL-SENSITIVE"
    page = client_for(w.researcher).get(w.milestone.get_absolute_url()).content.decode()
    assert "app-tag--marking" not in page


def test_a_comments_marking_follows_its_handover(w):
    comment = services.comment_post(
        user=w.sender, record=w.handover_draft, body="Before the re-marking."
    ).comment
    assert selectors.comment_marking(comment) == "OFFICIAL"
    from handover.models import Document

    document = w.handover_draft.items.get().version.document
    Document.objects.filter(pk=document.pk).update(classification="OFFICIAL-SENSITIVE")
    comment.refresh_from_db()
    assert selectors.comment_marking(comment) == "OFFICIAL-SENSITIVE"
    page = client_for(w.sender).get(w.handover_draft.get_absolute_url()).content.decode()
    assert 'app-tag--marking">OFFICIAL-SENSITIVE</strong>' in page
