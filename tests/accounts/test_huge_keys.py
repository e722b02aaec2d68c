"""A whole number too large for a key column finds nothing: never an OverflowError (SQLite
cannot take it as a query parameter). See accounts/lookups.py."""

import pytest

from accounts.models import Institute, User
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

HUGE = [2**63, -(2**63) - 1, 10**30]


@pytest.mark.parametrize("huge", HUGE)
def test_an_in_lookup_leaves_out_keys_no_column_can_hold(huge):
    person = UserFactory()
    assert list(User.objects.filter(pk__in=[huge, person.pk])) == [person]
    assert not User.objects.filter(pk__in=[huge]).exists()
    assert not User.objects.filter(pk__in=[str(huge)]).exists()
    assert not Institute.objects.filter(pk__in=[huge]).exists()


def test_keys_at_the_edge_of_the_column_are_still_looked_up():
    person = UserFactory()
    found = User.objects.filter(pk__in=[2**63 - 1, -(2**63), person.pk])
    assert list(found) == [person]
