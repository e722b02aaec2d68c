"""The home page and account pages keep a fixed number of queries."""

import pytest
from django.urls import reverse

from notifications.services import notify
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("url_name", ["home", "profile"])
def test_account_pages_do_not_grow_with_the_persons_data(
    client, uk_institute, url_name, django_assert_max_num_queries
):
    """My work and Your details cost the same with one notice as with forty."""
    user = UserFactory(institute=uk_institute)
    client.force_login(user)
    notify(recipient=user, kind="application_submitted", subject="First", url="/")

    with django_assert_max_num_queries(20) as few:
        assert client.get(reverse(url_name)).status_code == 200
    for n in range(40):
        notify(recipient=user, kind="application_submitted", subject=f"Notice {n}", url="/")
    with django_assert_max_num_queries(len(few.captured_queries)):
        assert client.get(reverse(url_name)).status_code == 200
