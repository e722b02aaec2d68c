"""The time zone picker offers canonical zones, the UK's and Australia's first; a legacy
zone already stored stays valid."""

import pytest

from accounts.forms import ProfileForm
from accounts.models import PERSONAL_TIME_ZONE_CHOICES
from notifications.forms import PreferencesForm
from tests.factories import UserFactory

OFFERED = [value for value, _ in PERSONAL_TIME_ZONE_CHOICES]


@pytest.mark.parametrize(
    "legacy", ["Factory", "localtime", "GB-Eire", "GB", "US/Eastern", "Etc/GMT+5", "Zulu"]
)
def test_legacy_names_are_not_offered(legacy):
    assert legacy not in OFFERED


def test_uk_then_australian_zones_come_first():
    assert OFFERED[:2] == ["", "Europe/London"]
    australian = [tz for tz in OFFERED if tz.startswith("Australia/")]
    assert "Australia/Sydney" in australian
    assert OFFERED[2 : 2 + len(australian)] == australian
    assert OFFERED[2 + len(australian)] == "UTC"
    rest = OFFERED[3 + len(australian) :]
    assert rest == sorted(rest)
    assert {"Asia/Tokyo", "America/New_York", "Pacific/Auckland"} <= set(rest)


@pytest.mark.django_db
def test_a_stored_legacy_zone_still_saves(uk_institute):
    """Someone who chose "GB" before the list was cleaned can save their profile and
    preferences unchanged."""
    person = UserFactory(institute=uk_institute, time_zone="GB", full_name="Ada Lovelace")
    profile = ProfileForm(
        data={"full_name": "Ada Lovelace", "job_title": "", "time_zone": "GB", "nationality": ""},
        instance=person,
    )
    assert profile.is_valid(), profile.errors
    preferences = PreferencesForm(initial_choices={}, time_zone="GB")
    assert "GB" in [value for value, _ in preferences.fields["time_zone"].choices]
    # Nobody else is offered it.
    assert "GB" not in [
        value for value, _ in ProfileForm(instance=UserFactory()).fields["time_zone"].choices
    ]
