"""Far-future and ancient dates: refused with a clear message in forms and services, never
stored (check constraints), and the calendar feed answers for every date that can be
stored (a milestone due 9999-12-31 used to make every feed including it answer 500)."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.urls import reverse
from icalendar import Calendar

from portal import bounds
from programmes import services
from programmes.models import Milestone, Programme, Project
from tests.factories import client_for

pytestmark = pytest.mark.django_db

FAR_FUTURE = datetime.date(9999, 12, 31)


def test_the_bounds_are_ten_years_ahead_and_the_year_2000(frozen_today):
    """The latest date a person may enter is ten years from today; the earliest is 2000."""
    assert bounds.latest_date() == datetime.date(2036, 11, 27)
    assert bounds.latest_date(years=bounds.EXPIRY_YEARS_AHEAD) == datetime.date(2046, 11, 27)
    with pytest.raises(ValidationError, match="on or before 27 November 2036"):
        bounds.validate_entered_date(datetime.date(2036, 11, 28))
    with pytest.raises(ValidationError, match="on or after 1 January 2000"):
        bounds.validate_entered_date(datetime.date(1999, 12, 31))
    bounds.validate_entered_date(datetime.date(2036, 11, 27))
    bounds.validate_expiry_date(datetime.date(2046, 11, 27))


def test_a_far_future_due_date_is_refused_beside_the_field(world):
    """Moving a milestone to 9999-12-31 on the page is refused beside the due date; the
    milestone keeps its date."""
    client = client_for(world.manager)
    response = client.post(
        reverse("programmes:milestone_due_date", args=[world.milestone.pk]),
        {"due_date": "9999-12-31", "reason": "Far away"},
    )
    assert response.status_code == 200
    body = response.content.decode()
    assert 'id="id_due_date-error"' in body
    assert "Enter a date on or before 27 November 2036" in body
    world.milestone.refresh_from_db()
    assert world.milestone.due_date == datetime.date(2026, 11, 27)


def test_services_refuse_far_future_and_ancient_dates(world):
    """The services refuse dates outside the bounds, naming the field, whoever calls them."""
    with pytest.raises(ValidationError) as caught:
        services.milestone_change_due_date(
            actor=world.manager, milestone=world.milestone, due_date=FAR_FUTURE, reason="Later"
        )
    assert "due_date" in caught.value.message_dict
    with pytest.raises(ValidationError) as caught:
        services.programme_update(
            actor=world.manager,
            programme=world.programme,
            name=world.programme.name,
            description="",
            agreement_reference="",
            start_date=datetime.date(1900, 1, 1),
            end_date=FAR_FUTURE,
            institutes=list(world.programme.institutes.all()),
            managers=[world.manager],
            reciprocity_target_months=0,
        )
    assert set(caught.value.message_dict) >= {"start_date", "end_date"}
    world.programme.refresh_from_db()
    assert world.programme.end_date != FAR_FUTURE


@pytest.mark.parametrize(
    ("model", "field"),
    [
        (Programme, "end_date"),
        (Project, "end_date"),
        (Milestone, "due_date"),
        (Milestone, "completed_on"),
    ],
)
def test_the_database_refuses_dates_outside_the_stored_bounds(world, model, field):
    """A check constraint keeps any writer (a script, the shell) from storing 9999-12-31."""
    with pytest.raises(IntegrityError), transaction.atomic():
        model.objects.update(**{field: FAR_FUTURE})


def test_the_feed_answers_for_the_latest_date_that_can_be_stored(world, client):
    """A milestone due on the last storable day still gives a valid calendar (an all-day
    event ends the day after, which used to overflow at 9999-12-31)."""
    last = bounds.STORED_LATEST_DATE
    Programme.objects.filter(pk=world.programme.pk).update(end_date=last)
    Project.objects.filter(pk=world.project.pk).update(end_date=last)
    Milestone.objects.filter(pk=world.milestone.pk).update(due_date=last, baseline_due_date=last)
    token = services.calendar_feed_reset(user=world.researcher).token
    response = client.get(reverse("calendar_feed", args=[token]))
    assert response.status_code == 200
    body = b"".join(response.streaming_content) if response.streaming else response.content
    # The feed may leave a milestone that far ahead out; what matters is that it answers.
    Calendar.from_ical(body)
