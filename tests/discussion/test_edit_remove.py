"""Changing a comment within the edit window, and removing one (its text stays in the
comment's history)."""

import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from discussion import services
from discussion.models import Comment
from tests.factories import client_for

pytestmark = pytest.mark.django_db


@pytest.fixture
def comment(w):
    return services.comment_post(
        user=w.researcher, record=w.milestone, body="First draft of my view."
    ).comment


def test_the_author_changes_it_within_the_window_and_the_change_shows(w, clock, comment):
    clock.shift(datetime.timedelta(minutes=14, seconds=59))
    services.comment_edit(user=w.researcher, comment=comment, body="My considered view.")
    comment.refresh_from_db()
    assert comment.body == "My considered view."
    assert comment.edited_at is not None
    page = client_for(w.partner).get(w.milestone.get_absolute_url()).content.decode()
    assert "My considered view." in page
    # Shown in the reader's own time: 09:14 UTC is 19:14 in Canberra in August.
    assert "Edited 3 Aug 2026, 19:14" in page
    history = list(comment.history.order_by("history_date").values_list("body", flat=True))
    assert history == ["First draft of my view.", "My considered view."]


def test_after_the_window_a_change_is_refused_with_a_clear_message(w, clock, comment):
    clock.shift(datetime.timedelta(minutes=15, seconds=1))
    with pytest.raises(ValidationError) as refused:
        services.comment_edit(user=w.researcher, comment=comment, body="Too late.")
    assert refused.value.messages == [
        "Comments can only be changed in the 15 minutes after they are posted. "
        "Add a new comment instead."
    ]
    url = reverse("discussion:comment_edit", args=[comment.pk])
    client = client_for(w.researcher)
    page = client.get(url).content.decode()
    assert "Comments can only be changed in the 15 minutes after they are posted" in page
    response = client.post(url, {"body": "Too late."})
    assert response.status_code == 200
    assert "<title>Error: " in response.content.decode()
    comment.refresh_from_db()
    assert comment.body == "First draft of my view." and comment.edited_at is None


def test_the_window_is_a_setting(w, clock, comment, settings):
    settings.DISCUSSION_EDIT_MINUTES = 30
    clock.shift(datetime.timedelta(minutes=20))
    services.comment_edit(user=w.researcher, comment=comment, body="Still in time.")


def test_the_change_link_shows_only_to_the_author_while_the_window_is_open(w, clock, comment):
    link = reverse("discussion:comment_edit", args=[comment.pk])
    assert link in client_for(w.researcher).get(w.milestone.get_absolute_url()).content.decode()
    assert link not in client_for(w.partner).get(w.milestone.get_absolute_url()).content.decode()
    clock.shift(datetime.timedelta(minutes=16))
    page = client_for(w.researcher).get(w.milestone.get_absolute_url()).content.decode()
    assert link not in page


def test_no_one_else_changes_or_removes_it(w, comment):
    for other in (w.partner, w.uk_pm, w.uk_stranger):
        with pytest.raises(PermissionDenied):
            services.comment_edit(user=other, comment=comment, body="Not mine.")
        with pytest.raises(PermissionDenied):
            services.comment_remove(user=other, comment=comment)
        client = client_for(other)
        for name in ("discussion:comment_edit", "discussion:comment_remove"):
            url = reverse(name, args=[comment.pk])
            assert client.get(url).status_code == 404
            assert client.post(url, {"body": "Not mine."}).status_code == 404
    comment.refresh_from_db()
    assert comment.body == "First draft of my view." and comment.removed_at is None


def test_the_edit_form_rejects_empty_and_overlong_text(w, comment):
    url = reverse("discussion:comment_edit", args=[comment.pk])
    client = client_for(w.researcher)
    for body, message in (("   ", "Enter your comment."), ("x" * 5001, "5,000 characters")):
        response = client.post(url, {"body": body})
        assert response.status_code == 200
        text = response.content.decode()
        assert message in text and "<title>Error: " in text
    comment.refresh_from_db()
    assert comment.body == "First draft of my view."


def test_the_author_removes_it_and_the_history_keeps_it(w, comment):
    client = client_for(w.researcher)
    url = reverse("discussion:comment_remove", args=[comment.pk])
    assert "Remove your comment?" in client.get(url).content.decode()
    response = client.post(url, follow=True)
    text = response.content.decode()
    assert "Your comment was removed." in text
    assert "Comment removed" in text and "First draft of my view." not in text
    comment.refresh_from_db()
    assert comment.body == "" and comment.removed_by == w.researcher
    assert comment.history.filter(body="First draft of my view.").exists()
    latest = comment.history.latest("history_date")
    assert latest.history_user == w.researcher
    # A removed comment can be neither changed nor removed again.
    with pytest.raises(ValidationError):
        services.comment_edit(user=w.researcher, comment=comment, body="Back again.")
    with pytest.raises(PermissionDenied):
        services.comment_remove(user=w.researcher, comment=comment)


def test_the_database_refuses_a_comment_on_nothing_or_on_two_records(w):
    from django.db import IntegrityError, transaction

    with pytest.raises(IntegrityError), transaction.atomic():
        Comment.objects.create(author=w.researcher, body="Nowhere")
    with pytest.raises(IntegrityError), transaction.atomic():
        Comment.objects.create(
            author=w.researcher, body="Twice", milestone=w.milestone, project=w.project
        )
    with pytest.raises(IntegrityError), transaction.atomic():
        Comment.objects.create(author=w.researcher, body="x" * 5001, milestone=w.milestone)
