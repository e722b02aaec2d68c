"""My work: how long an application has waited, counted on the person's calendar."""

import datetime

import pytest
import time_machine
from django.urls import reverse

from exchange import selectors
from tests.factories import InstituteFactory, UserFactory, client_for
from tests.notifications.factories import ApplicationFactory

pytestmark = pytest.mark.django_db


def _detail(user):
    (section, *_) = selectors.my_work_sections(user)
    (item,) = section["items"]
    return item["detail"]


def test_returned_today_says_today_not_for_0_days():
    with time_machine.travel(datetime.datetime(2026, 8, 3, 15, 0, tzinfo=datetime.UTC), tick=False):
        application = ApplicationFactory(status="returned")
        assert _detail(application.applicant) == "Returned to you for changes (today)"


def test_days_waited_are_the_persons_calendar_days():
    """Returned at 23:00 in Canberra, read two hours later, just after midnight there."""
    applicant = UserFactory(institute=InstituteFactory(au=True))
    returned = datetime.datetime(2026, 8, 2, 13, 0, tzinfo=datetime.UTC)
    with time_machine.travel(returned, tick=False):
        ApplicationFactory(applicant=applicant, status="returned")
    with time_machine.travel(returned + datetime.timedelta(hours=2), tick=False):
        assert _detail(applicant) == "Returned to you for changes (for 1 day)"


def test_the_account_column_stacks_its_keys(uk_institute):
    """The side column's summary list stacks each key above its value, so "Two-factor
    authentication" is never broken mid-word in the narrow column."""
    page = client_for(UserFactory(institute=uk_institute)).get(reverse("home")).content.decode()
    assert 'class="govuk-summary-list govuk-summary-list--no-border app-summary-list--stacked"' in (
        page
    )
    assert "Two-factor authentication" in page
