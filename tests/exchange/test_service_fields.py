"""Services that take a record's fields by name refuse a field they do not know."""

import pytest

from exchange import services


def test_a_misspelt_field_is_an_error_not_silently_dropped(world):
    """A typo in a field name stops the service instead of quietly losing the value."""
    with pytest.raises(TypeError, match="skils_to_gain"):
        services.application_create(
            applicant=world.uk_staff, opportunity=world.au_opportunity, skils_to_gain="Evals"
        )
    with pytest.raises(TypeError, match="titel"):
        services.opportunity_update(
            opportunity=world.au_opportunity, actor=world.au_pm, titel="Renamed"
        )
    world.au_opportunity.refresh_from_db()
    assert world.au_opportunity.title != "Renamed"
