"""@mentions: the people who may see the record are told, as their preferences say; the
others are not told, and the author hears who was not."""

import pytest
from django.core import mail
from django.core.exceptions import ValidationError

from discussion import mentions, services
from notifications import services as notification_services
from notifications.models import Notification, Preference
from tests.factories import client_for

pytestmark = pytest.mark.django_db


def mentions_of(person):
    return Notification.objects.filter(recipient=person, kind="comment_mention")


def test_handles_are_full_email_addresses_each_once():
    body = (
        "Thanks @rita@uk.example.org, and (@Pat@AU.example.org). Also @rita@uk.example.org "
        "again; not a mention: rita@uk.example.org or x@rita@uk.example.org or @rita."
    )
    assert mentions.handles(body) == ["rita@uk.example.org", "pat@au.example.org"]
    assert mentions.handles("") == []


def test_a_mentioned_person_who_may_see_the_record_is_told(w):
    outcome = services.comment_post(
        user=w.uk_pm, record=w.milestone, body="@rita@uk.example.org can you check this?"
    )
    assert [p.pk for p in outcome.told] == [w.researcher.pk]
    assert outcome.not_told == []
    (notice,) = mentions_of(w.researcher)
    assert notice.url.endswith(
        f"/programmes/milestones/{w.milestone.pk}/#comment-{outcome.comment.pk}"
    )
    assert "mentioned you" in notice.subject and "Protocol agreed" in notice.subject
    # The notice links to the page; it never carries the comment's text.
    assert "can you check" not in notice.subject + notice.body


def test_a_mentioned_person_who_may_not_see_the_record_is_not_told(w):
    outcome = services.comment_post(
        user=w.uk_pm,
        record=w.milestone,
        body="Ask @stan@uk.example.org and @nobody@nowhere.example.org and @sue@au.example.org",
    )
    assert outcome.told == []
    assert outcome.not_told == [
        "stan@uk.example.org",
        "nobody@nowhere.example.org",
        "sue@au.example.org",
    ]
    assert not Notification.objects.filter(kind="comment_mention").exists()


def test_the_page_tells_the_author_who_was_not_told(w):
    client = client_for(w.researcher)
    response = client.post(
        f"/discussion/milestone/{w.milestone.pk}/comments/",
        {"body": "cc @stan@uk.example.org and @pat@au.example.org"},
        follow=True,
    )
    text = response.content.decode()
    assert "Your comment was added." in text
    assert "Not told, because they cannot see this milestone or have no account: " in text
    assert "stan@uk.example.org" in text
    assert mentions_of(w.partner).count() == 1
    assert not mentions_of(w.uk_stranger).exists()


def test_the_notice_follows_the_persons_preferences(w, settings):
    Preference.objects.create(user=w.researcher, kind="comment_mention", delivery="off")
    services.comment_post(user=w.uk_pm, record=w.milestone, body="@rita@uk.example.org hi")
    services.comment_post(user=w.uk_pm, record=w.milestone, body="@pat@au.example.org hi")
    mail.outbox.clear()
    notification_services.reminder_deliver_due()
    # Both are told in the portal; only the one who wants emails gets one.
    assert mentions_of(w.researcher).count() == 1
    told = [m.to for m in mail.outbox if "mentioned you" in m.subject]
    assert told == [[w.partner.email]]


def test_a_mention_on_a_marked_handover_carries_its_marking(w):
    services.comment_post(user=w.sender, record=w.handover, body="@liam@au.example.org see item 2")
    (notice,) = mentions_of(w.recipient)
    assert notice.marking == "OFFICIAL-SENSITIVE"
    mail.outbox.clear()
    notification_services.reminder_deliver_due()
    (email,) = [m for m in mail.outbox if "mentioned you" in m.subject]
    assert email.subject.startswith("[OFFICIAL-SENSITIVE] ")


def test_mentioning_oneself_tells_no_one(w):
    outcome = services.comment_post(
        user=w.researcher, record=w.milestone, body="Note to @rita@uk.example.org"
    )
    assert outcome.told == [] and outcome.not_told == []
    assert not mentions_of(w.researcher).exists()


def test_an_edit_tells_only_the_newly_mentioned(w, clock):
    posted = services.comment_post(
        user=w.uk_pm, record=w.milestone, body="@rita@uk.example.org please look"
    )
    services.comment_edit(
        user=w.uk_pm,
        comment=posted.comment,
        body="@rita@uk.example.org please look, and @pat@au.example.org too",
    )
    assert mentions_of(w.researcher).count() == 1
    assert mentions_of(w.partner).count() == 1


def test_at_most_ten_people_in_one_comment(w):
    body = " ".join(f"@person{i}@uk.example.org" for i in range(11))
    with pytest.raises(ValidationError) as refused:
        services.comment_post(user=w.uk_pm, record=w.milestone, body=body)
    assert "Mention at most 10 people in one comment." in refused.value.messages


def test_a_stranger_never_sees_a_mention_notice_in_their_list(w):
    services.comment_post(
        user=w.uk_pm, record=w.milestone, body="@stan@uk.example.org secret plans"
    )
    page = client_for(w.uk_stranger).get("/notifications/")
    assert page.status_code == 200
    assert "Protocol agreed" not in page.content.decode()
