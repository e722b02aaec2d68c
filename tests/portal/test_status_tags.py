"""Every record's status is shown as a tag in one colour scheme, the same on every page."""

import pytest

from accounts.models import AttributeChangeRequest
from exchange.models import Application, ChecklistItem, Opportunity, Secondment
from handover.models import HandoverStatus
from portal.templatetags.govuk import TAG_COLOURS, rag_tag, status_tag
from programmes.models import MilestoneStatus, ProjectStatus, Rag

STATUSES = [
    Opportunity.Status,
    Application.Status,
    Secondment.Status,
    ChecklistItem.Status,
    ProjectStatus,
    MilestoneStatus,
    HandoverStatus,
    Rag,
    AttributeChangeRequest.Status,
]


@pytest.mark.parametrize("choices", STATUSES, ids=lambda c: c.__qualname__)
def test_every_status_has_its_colour(choices):
    """No status falls through to a default: each one was given its meaning's colour."""
    assert set(choices.values) <= set(TAG_COLOURS)


def test_a_status_reads_the_same_wherever_it_appears():
    """A secondment and a project that are active are both blue; done things are green."""
    assert status_tag("active", "Active") == (
        '<strong class="govuk-tag govuk-tag--blue">Active</strong>'
    )
    assert "govuk-tag--green" in status_tag("acknowledged", "Acknowledged")
    assert rag_tag("amber") == '<strong class="govuk-tag govuk-tag--orange">Amber</strong>'
    assert rag_tag("") == '<strong class="govuk-tag govuk-tag--green">Green</strong>'
    assert "&lt;b&gt;" in status_tag("draft", "<b>")
