import pytest

from .factories import people


@pytest.fixture
def cast():
    """A UK and an AU institute with two people at each (see factories.people)."""
    return people()
