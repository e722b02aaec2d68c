"""The calendar page says the old address stopped working only when there was one."""

import pytest
from django.urls import reverse

pytestmark = pytest.mark.django_db

OLD_GONE = "The old address no longer works."


def test_the_first_address_does_not_mention_an_old_one(world, client):
    client.force_login(world.researcher)
    page = client.post(reverse("programmes:calendar_settings"), follow=True).content.decode()
    assert "Your calendar address is ready." in page
    assert OLD_GONE not in page


def test_a_reset_says_the_old_address_stopped_working(world, client):
    client.force_login(world.researcher)
    client.post(reverse("programmes:calendar_settings"))
    page = client.post(reverse("programmes:calendar_settings"), follow=True).content.decode()
    assert f"Your calendar has a new address. {OLD_GONE}" in page
