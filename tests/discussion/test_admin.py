"""Comments in the admin: read-only, scoped to the author's institute, removed (never
deleted) by an action that keeps the text in the history."""

import pytest
from django.urls import reverse

from discussion import services
from tests.factories import client_for
from tests.security.admin.support import institute_admin

pytestmark = pytest.mark.django_db


@pytest.fixture
def comment(w):
    return services.comment_post(
        user=w.researcher, record=w.milestone, body="A UK researcher's comment."
    ).comment


def test_an_institute_admin_sees_their_institutes_comments_only(w, comment):
    uk_admin, au_admin = institute_admin(w.uk), institute_admin(w.au)
    changelist = reverse("admin:discussion_comment_changelist")
    change = reverse("admin:discussion_comment_change", args=[comment.pk])
    own = client_for(uk_admin)
    assert change in own.get(changelist).content.decode()
    page = own.get(change)
    assert page.status_code == 200 and "A UK researcher" in page.content.decode()
    other = client_for(au_admin)
    assert change not in other.get(changelist).content.decode()
    assert other.get(change).status_code in (302, 404)


def test_comments_are_neither_added_nor_changed_nor_deleted_in_the_admin(w, comment):
    client = client_for(institute_admin(w.uk))
    assert client.get(reverse("admin:discussion_comment_add")).status_code == 403
    delete = reverse("admin:discussion_comment_delete", args=[comment.pk])
    assert client.post(delete, {"post": "yes"}).status_code == 403
    change = reverse("admin:discussion_comment_change", args=[comment.pk])
    client.post(change, {"body": "Rewritten by an admin"})
    comment.refresh_from_db()
    assert comment.body == "A UK researcher's comment."


def test_an_admin_removes_a_comment_and_its_text_stays_in_history(w, comment):
    admin = institute_admin(w.uk)
    response = client_for(admin).post(
        reverse("admin:discussion_comment_changelist"),
        {"action": "remove", "_selected_action": [comment.pk]},
        follow=True,
    )
    assert "1 comment(s) removed." in response.content.decode()
    comment.refresh_from_db()
    assert comment.removed_by == admin and comment.body == ""
    assert comment.history.filter(body="A UK researcher's comment.").exists()
    page = client_for(w.partner).get(w.milestone.get_absolute_url()).content.decode()
    assert "Comment removed" in page and "A UK researcher" not in page


def test_the_other_institutes_admin_cannot_remove_it(w, comment):
    client_for(institute_admin(w.au)).post(
        reverse("admin:discussion_comment_changelist"),
        {"action": "remove", "_selected_action": [comment.pk]},
    )
    comment.refresh_from_db()
    assert comment.removed_at is None
