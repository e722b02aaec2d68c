"""Bounds in the exchange: over-long text is refused beside the field; far-future dates are
refused in forms and services and never stored, and an
application cannot reach acceptance with dates that would overflow (accepting one ending
9999-12-31 used to answer 500 while computing its checklist's due dates)."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.urls import reverse

from exchange import services
from exchange.models import Application, ChecklistItem, Secondment
from tests.factories import client_for

from .factories import form_data, pdf_upload

pytestmark = pytest.mark.django_db

FAR_FUTURE = datetime.date(9999, 12, 31)


def test_an_open_application_ending_in_9999_is_refused_beside_the_field(world):
    """The open application form (no opportunity to limit the duration) refuses an end in
    9999 beside the end date and saves nothing."""
    response = client_for(world.au_staff).post(
        reverse("exchange:application_create_open"),
        {
            **form_data(world, line_manager=str(world.au_manager.pk), proposed_end="9999-12-31"),
            "host_institute": world.uk.pk,
            "save": "1",
        },
    )
    assert response.status_code == 200
    assert "Enter a date on or before 3 August 2036" in response.content.decode()
    assert not Application.objects.exists()


def test_the_application_service_refuses_far_future_dates(world):
    """Called without a form, the service refuses the same dates, naming the field."""
    with pytest.raises(ValidationError) as caught:
        services.application_create(
            applicant=world.au_staff,
            host_institute=world.uk,
            proposed_start=datetime.date(2026, 10, 1),
            proposed_end=FAR_FUTURE,
            line_manager=world.au_manager,
        )
    assert "proposed_end" in caught.value.message_dict
    assert not Application.objects.exists()


def test_a_stored_application_cannot_hold_a_date_in_9999(world):
    """The check constraint refuses the date whoever writes it."""
    application = world.draft()
    with pytest.raises(IntegrityError), transaction.atomic():
        Application.objects.filter(pk=application.pk).update(proposed_end=FAR_FUTURE)


def test_accepting_an_application_at_the_latest_dates_works(world):
    """An open application running to the latest date a person may enter is accepted, and
    its checklist's due dates are computed without error."""
    application = services.application_create(
        applicant=world.uk_staff,
        host_institute=world.au,
        proposed_start=datetime.date(2036, 1, 1),
        proposed_end=datetime.date(2036, 8, 3),
        line_manager=world.uk_manager,
        skills_to_gain="Evaluation",
        benefit_to_home_team="Tooling",
        offer_to_host="Ranges",
        has_conflict_of_interest=False,
        declaration_confirmed=True,
        cv=pdf_upload(),
    )
    services.application_submit(application=application, actor=world.uk_staff)
    services.application_endorse(application=application, actor=world.uk_manager)
    secondment = services.application_accept(
        application=application, actor=world.au_pm, programme=world.programme
    )
    assert secondment.end_date == datetime.date(2036, 8, 3)
    assert ChecklistItem.objects.filter(secondment=secondment).exists()


def test_secondment_date_changes_and_checklist_dates_are_bounded(world):
    """Re-dating a secondment to 9999 and a clearance expiring in 9999 are refused with the
    field named; an expiry within twenty years is accepted."""
    _, secondment = world.accepted()
    with pytest.raises(ValidationError) as caught:
        services.secondment_change_dates(
            secondment=secondment,
            actor=world.uk_manager,
            start_date=secondment.start_date,
            end_date=FAR_FUTURE,
            reason="Much longer",
        )
    assert "end_date" in caught.value.message_dict
    secondment.refresh_from_db()
    assert secondment.end_date == datetime.date(2027, 4, 1)
    assert secondment.status == Secondment.Status.PLANNING

    clearance = secondment.checklist_items.get(kind="clearance")
    with pytest.raises(ValidationError) as caught:
        services.checklist_item_update(
            item=clearance, actor=world.au_supervisor, clearance_expires_on=FAR_FUTURE
        )
    assert "clearance_expires_on" in caught.value.message_dict
    services.checklist_item_update(
        item=clearance, actor=world.au_supervisor, clearance_expires_on=datetime.date(2045, 1, 1)
    )
    clearance.refresh_from_db()
    assert clearance.clearance_expires_on == datetime.date(2045, 1, 1)


def test_a_100000_character_statement_is_refused_beside_the_field(world):
    """A business case of 100,000 characters is refused beside the field with the limit
    and the length entered; nothing is saved."""
    response = client_for(world.uk_staff).post(
        reverse("exchange:application_create", args=[world.au_opportunity.pk]),
        {**form_data(world, benefit_to_home_team="x" * 100_000), "save": "1"},
    )
    assert response.status_code == 200
    assert response.context["form"].errors["benefit_to_home_team"] == [
        "Enter 10000 characters or fewer. You entered 100000."
    ]
    assert not Application.objects.exists()
