import pytest
from django.urls import reverse

from accounts.models import Role
from programmes import services
from tests.factories import InstituteFactory, UserFactory, enable_totp

pytestmark = pytest.mark.django_db


@pytest.fixture
def superuser(uk_institute):
    user = UserFactory(institute=uk_institute, is_superuser=True, is_staff=True)
    enable_totp(user)
    return user


def test_admin_lists_search_filters_changes_and_history(world, client, superuser):
    """Every programmes model has a working admin list (with filters and search), change
    page (with inlines) and history page."""
    services.calendar_feed_reset(user=world.researcher)
    client.force_login(superuser)
    for model in (
        "programme",
        "project",
        "milestone",
        "projectmembership",
        "milestoneduedatechange",
        "calendarfeed",
    ):
        url = reverse(f"admin:programmes_{model}_changelist")
        assert client.get(url).status_code == 200, url
        assert client.get(url + "?q=JRP").status_code == 200, url
    response = client.get(
        reverse("admin:programmes_milestone_changelist") + "?status__exact=planned"
    )
    assert world.milestone.title in response.content.decode()
    project_page = client.get(reverse("admin:programmes_project_change", args=[world.project.pk]))
    body = project_page.content.decode()
    assert world.milestone.title in body  # milestones inline
    assert "memberships-TOTAL_FORMS" in body  # members inline
    history = client.get(reverse("admin:programmes_milestone_history", args=[world.milestone.pk]))
    assert history.status_code == 200


def test_calendar_tokens_are_not_shown_in_the_admin(world, client, superuser):
    """The admin never displays a person's calendar token."""
    feed = services.calendar_feed_reset(user=world.researcher)
    client.force_login(superuser)
    page = client.get(reverse("admin:programmes_calendarfeed_change", args=[feed.pk]))
    assert feed.token not in page.content.decode()


def test_institute_admin_sees_only_their_institutes_projects(world, client):
    """An institute admin at a third institute sees none of the programme's records."""
    third = InstituteFactory()
    admin_user = UserFactory(institute=third, roles=[Role.INSTITUTE_ADMIN])
    enable_totp(admin_user)
    client.force_login(admin_user)
    body = client.get(reverse("admin:programmes_milestone_changelist")).content.decode()
    assert world.milestone.title not in body
    assert (
        client.get(reverse("admin:programmes_project_change", args=[world.project.pk])).status_code
        == 302  # the admin redirects a missing object to its index
    )
    uk_admin = UserFactory(institute=world.project.lead_institute, roles=[Role.INSTITUTE_ADMIN])
    enable_totp(uk_admin)
    client.force_login(uk_admin)
    body = client.get(reverse("admin:programmes_milestone_changelist")).content.decode()
    assert world.milestone.title in body
