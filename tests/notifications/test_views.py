"""The notifications and preferences pages, the header count and "My work"."""

import pytest
from django.urls import reverse
from django.utils import timezone

from accounts.models import Role
from notifications.kinds import KINDS, MANDATORY_KINDS, Delivery
from notifications.models import Notification, Preference
from tests.factories import UserFactory
from tests.notifications.factories import NotificationFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def signed_in(client, uk_user):
    client.force_login(uk_user)
    return client


def test_the_list_shows_my_notifications_newest_first_with_links(signed_in, uk_user, au_user):
    old = NotificationFactory(recipient=uk_user, subject="Older notice")
    new = NotificationFactory(recipient=uk_user, subject="Newer notice", marking="OFFICIAL")
    NotificationFactory(recipient=au_user, subject="Someone else's notice")

    response = signed_in.get(reverse("notifications:list"))

    assert response.status_code == 200
    html = response.content.decode()
    assert "<title>Notifications – Exchange Portal</title>" in html
    assert html.index("Newer notice") < html.index("Older notice")
    assert "Someone else" not in html
    assert reverse("notifications:open", args=[new.pk]) in html
    assert reverse("notifications:open", args=[old.pk]) in html
    assert "You have 2 unread notifications." in html


def test_a_marking_tag_is_not_squeezed_into_a_narrow_block(signed_in, uk_user):
    """A long marking keeps the marking tag style, which lifts GOV.UK's 160px tag cap."""
    marking = "OFFICIAL-SENSITIVE PERSONAL DATA // RECIPIENTS ONLY // REL AUS/GBR"
    NotificationFactory(recipient=uk_user, subject="Handover sent", marking=marking)
    html = signed_in.get(reverse("notifications:list")).content.decode()
    assert f'<strong class="govuk-tag govuk-tag--grey app-tag--marking">{marking}</strong>' in html


def test_the_list_has_an_empty_state(signed_in):
    response = signed_in.get(reverse("notifications:list"))
    assert "You have no unread notifications." in response.content.decode()
    assert "Nothing yet." in response.content.decode()


def test_the_list_paginates_in_constant_queries(signed_in, uk_user, django_assert_max_num_queries):
    NotificationFactory.create_batch(3, recipient=uk_user)
    with django_assert_max_num_queries(9) as small:
        signed_in.get(reverse("notifications:list"))
    NotificationFactory.create_batch(60, recipient=uk_user)
    with django_assert_max_num_queries(len(small.captured_queries)):
        response = signed_in.get(reverse("notifications:list") + "?page=2")
    assert response.context["page_obj"].number == 2
    assert len(response.context["page_obj"].object_list) == 25
    assert "Page 2 of 3" in response.content.decode()


def test_opening_a_notification_marks_it_read_and_goes_to_its_object(signed_in, uk_user):
    notification = NotificationFactory(recipient=uk_user, url="/programmes/4/")

    response = signed_in.get(reverse("notifications:open", args=[notification.pk]))

    assert response.status_code == 302
    assert response["Location"] == "/programmes/4/"
    notification.refresh_from_db()
    assert notification.read_at is not None


def test_opening_never_redirects_off_site(signed_in, uk_user):
    notification = NotificationFactory(recipient=uk_user, url="https://evil.example.com/")
    response = signed_in.get(reverse("notifications:open", args=[notification.pk]))
    assert response["Location"] == reverse("notifications:list")


def test_mark_read_and_mark_all_read(signed_in, uk_user):
    first, second, third = NotificationFactory.create_batch(3, recipient=uk_user)

    response = signed_in.post(reverse("notifications:read", args=[first.pk]), {"page": "1"})
    assert response.status_code == 302
    assert Notification.objects.filter(read_at__isnull=True).count() == 2

    response = signed_in.post(reverse("notifications:read_all"), follow=True)
    assert "2 notifications marked as read." in response.content.decode()
    assert not Notification.objects.filter(read_at__isnull=True).exists()


def test_mark_read_needs_a_post(signed_in, uk_user):
    notification = NotificationFactory(recipient=uk_user)
    assert signed_in.get(reverse("notifications:read", args=[notification.pk])).status_code == 405
    assert signed_in.get(reverse("notifications:read_all")).status_code == 405
    notification.refresh_from_db()
    assert notification.read_at is None


def test_another_persons_notification_is_a_404_at_every_url(client, uk_user, au_user):
    notification = NotificationFactory(recipient=uk_user)
    client.force_login(au_user)
    assert client.get(reverse("notifications:open", args=[notification.pk])).status_code == 404
    assert client.post(reverse("notifications:read", args=[notification.pk])).status_code == 404
    client.post(reverse("notifications:read_all"))
    notification.refresh_from_db()
    assert notification.read_at is None
    # Their own pages work and show nothing of the other person's.
    assert "Notice" not in client.get(reverse("notifications:list")).content.decode()


def test_pages_need_sign_in(client):
    for name in ("notifications:list", "notifications:preferences"):
        response = client.get(reverse(name))
        assert response.status_code == 302
        assert "/accounts/login/" in response["Location"]


def test_a_manager_without_mfa_is_sent_to_set_it_up(client, uk_institute):
    manager = UserFactory(institute=uk_institute, roles=[Role.PROGRAMME_MANAGER])
    client.force_login(manager)
    response = client.get(reverse("notifications:list"))
    assert response.status_code == 302


def test_the_header_shows_the_unread_count_in_one_query(signed_in, uk_user):
    NotificationFactory.create_batch(3, recipient=uk_user)
    NotificationFactory(recipient=uk_user, read_at=timezone.now())

    html = signed_in.get(reverse("home")).content.decode()

    assert '3<span class="govuk-visually-hidden"> unread</span>' in html


def test_my_work_points_to_unread_notifications(signed_in, uk_user, django_assert_max_num_queries):
    """The home page says how many are unread and links to them, without repeating them."""
    html = signed_in.get(reverse("home")).content.decode()
    assert "You have no unread notifications." in html
    NotificationFactory(recipient=uk_user, subject="Please endorse Liam's application")
    html = signed_in.get(reverse("home")).content.decode()
    assert "You have 1 unread notification<" in html
    assert "Please endorse" not in html
    NotificationFactory.create_batch(20, recipient=uk_user)
    with django_assert_max_num_queries(30) as few:
        signed_in.get(reverse("home"))
    NotificationFactory.create_batch(20, recipient=uk_user)
    with django_assert_max_num_queries(len(few.captured_queries)):
        html = signed_in.get(reverse("home")).content.decode()
    assert "You have 41 unread notifications" in html


def test_preferences_show_every_kind_with_its_current_choice(signed_in, uk_user):
    Preference.objects.create(user=uk_user, kind="milestone_due", delivery=Delivery.DIGEST)

    response = signed_in.get(reverse("notifications:preferences"))

    html = response.content.decode()
    assert "<title>What reaches you and when – Exchange Portal</title>" in html
    for kind in KINDS.values():
        assert kind.label in html
    form = response.context["form"]
    assert form["milestone_due"].value() == "digest"
    assert form["milestone_overdue"].value() == "immediately"
    for key in MANDATORY_KINDS:
        assert [c[0] for c in form.fields[key].choices] == ["immediately", "digest"]
        assert "You cannot switch this off" in form.fields[key].help_text


def valid_post(**overrides):
    data = {key: kind.default for key, kind in KINDS.items()}
    data["time_zone"] = ""
    data.update(overrides)
    return data


def test_preferences_are_saved(signed_in, uk_user):
    response = signed_in.post(
        reverse("notifications:preferences"),
        valid_post(milestone_due="digest", application_endorsed="off", time_zone="Asia/Tokyo"),
        follow=True,
    )
    assert "Your notification settings have been saved." in response.content.decode()
    saved = dict(Preference.objects.filter(user=uk_user).values_list("kind", "delivery"))
    assert saved["milestone_due"] == "digest"
    assert saved["application_endorsed"] == "off"
    uk_user.refresh_from_db()
    assert uk_user.time_zone == "Asia/Tokyo"


def test_a_mandatory_kind_cannot_be_switched_off(signed_in, uk_user):
    response = signed_in.post(
        reverse("notifications:preferences"),
        valid_post(handover_sent="off", milestone_due="digest"),
    )
    assert response.status_code == 200
    html = response.content.decode()
    assert "There is a problem" in html
    assert "“Handover sent to you” cannot be switched off" in html
    assert 'href="#id_handover_sent_0"' in html
    assert not Preference.objects.exists()


def test_bad_values_are_refused_with_messages_and_nothing_saved(signed_in, uk_user):
    response = signed_in.post(
        reverse("notifications:preferences"),
        valid_post(milestone_due="sometimes", time_zone="Mars/Olympus_Mons"),
    )
    html = response.content.decode()
    assert "Choose how you want “Milestone due soon” notices." in html
    assert "Select a valid choice" in html
    assert not Preference.objects.exists()
    uk_user.refresh_from_db()
    assert uk_user.time_zone == ""


def test_the_service_and_database_refuse_a_mandatory_kind_off(uk_user):
    from django.core.exceptions import ValidationError
    from django.db import IntegrityError, transaction

    from notifications.services import preferences_update

    with pytest.raises(ValidationError, match="cannot be switched off"):
        preferences_update(user=uk_user, choices={"clearance_expiring": "off"})
    with pytest.raises(IntegrityError), transaction.atomic():
        Preference.objects.create(user=uk_user, kind="clearance_expiring", delivery="off")
