"""Accepting an application (the secondment and its checklist follow) and withdrawing one."""

import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from exchange import services
from exchange.models import Application, ApplicationEvent, Secondment

from .factories import notice_kinds_for, pdf_upload

S = Application.Status

# --- accepting -------------------------------------------------------------------------


def test_acceptance_creates_the_secondment_with_its_checklist(world):
    """The host programme manager accepts; a planning secondment with the UK→AU checklist
    exists, owners assigned, due dates computed from the dates."""
    application, secondment = world.accepted()
    assert application.status == S.ACCEPTED
    assert secondment.status == Secondment.Status.PLANNING
    assert (secondment.secondee, secondment.home_manager, secondment.host_supervisor) == (
        world.uk_staff,
        world.uk_manager,
        world.au_supervisor,
    )
    assert secondment.direction == "UK_AU"
    items = {item.key: item for item in secondment.checklist_items.all()}
    assert items["visa"].visa_route == "AU_403"
    assert items["visa"].owner == world.uk_staff
    assert items["clearance"].clearance_required == "AU_BASELINE"
    assert items["clearance"].owner == world.au_supervisor
    assert items["agreement"].due_date == datetime.date(2026, 10, 1) - datetime.timedelta(42)
    assert items["return-report"].due_date == datetime.date(2027, 4, 15)
    assert "application_accepted" in notice_kinds_for(world.uk_staff)


@pytest.mark.parametrize("who", ["uk_pm", "uk_manager", "uk_staff", "au_staff", "outsider"])
def test_only_a_host_programme_manager_accepts(world, who):
    application = world.endorsed()
    with pytest.raises(PermissionDenied):
        services.application_accept(application=application, actor=getattr(world, who))
    assert not Secondment.objects.exists()


def test_only_an_endorsed_application_is_accepted(world):
    application = world.submitted()
    with pytest.raises(ValidationError, match="Only an endorsed"):
        services.application_accept(application=application, actor=world.au_pm)


def test_acceptance_is_refused_when_places_are_filled(world):
    """Two places: a third acceptance is refused."""
    world.au_opportunity.places = 1
    world.au_opportunity.save()
    world.accepted()
    other = world.endorsed(applicant=_uk_person(world), line_manager=world.uk_manager)
    with pytest.raises(ValidationError, match="place"):
        services.application_accept(application=other, actor=world.au_pm)


def _uk_person(world):
    from tests.factories import UserFactory

    return UserFactory(institute=world.uk)


def test_an_open_application_is_accepted_under_a_programme_the_manager_chooses(world):
    """Open applications have no programme until acceptance names one."""
    application = services.application_create(
        applicant=world.uk_staff,
        host_institute=world.au,
        proposed_start=datetime.date(2026, 10, 1),
        proposed_end=datetime.date(2027, 1, 1),
        skills_to_gain="a",
        benefit_to_home_team="b",
        offer_to_host="c",
        line_manager=world.uk_manager,
        has_conflict_of_interest=False,
        declaration_confirmed=True,
        cv=pdf_upload(),
    )
    services.application_submit(application=application, actor=world.uk_staff)
    services.application_endorse(application=application, actor=world.uk_manager)
    assert "application_endorsed" in notice_kinds_for(world.au_pm)
    with pytest.raises(ValidationError) as exc:
        services.application_accept(application=application, actor=world.au_pm)
    assert "programme" in exc.value.message_dict
    secondment = services.application_accept(
        application=application, actor=world.au_pm, programme=world.programme
    )
    assert secondment.programme == world.programme
    assert secondment.title == "Open exchange"


def test_an_overlapping_secondment_for_the_same_person_is_refused(world):
    """A second acceptance whose dates overlap a planned secondment is refused."""
    world.accepted()
    application = services.application_create(
        applicant=world.uk_staff,
        host_institute=world.au,
        proposed_start=datetime.date(2027, 3, 1),
        proposed_end=datetime.date(2027, 6, 1),
        skills_to_gain="a",
        benefit_to_home_team="b",
        offer_to_host="c",
        line_manager=world.uk_manager,
        has_conflict_of_interest=False,
        declaration_confirmed=True,
        cv=pdf_upload(),
    )
    services.application_submit(application=application, actor=world.uk_staff)
    services.application_endorse(application=application, actor=world.uk_manager)
    with pytest.raises(ValidationError, match="cannot overlap"):
        services.application_accept(
            application=application, actor=world.au_pm, programme=world.programme
        )
    application.refresh_from_db()
    assert application.status == S.ENDORSED
    assert Secondment.objects.count() == 1


# --- withdrawing -----------------------------------------------------------------------


@pytest.mark.parametrize("state", ["draft", "submitted", "endorsed"])
def test_the_applicant_withdraws_before_acceptance(world, state):
    application = getattr(world, state)()
    services.application_withdraw(application=application, actor=world.uk_staff, reason="Moved")
    application.refresh_from_db()
    assert application.status == S.WITHDRAWN
    assert ApplicationEvent.objects.filter(application=application, to_status="withdrawn").exists()


def test_withdrawing_after_acceptance_cancels_the_secondment(world):
    """Before the start, withdrawal cancels the planned secondment with the reason."""
    application, secondment = world.accepted()
    services.application_withdraw(application=application, actor=world.uk_staff, reason="Family")
    secondment.refresh_from_db()
    assert secondment.status == Secondment.Status.CANCELLED
    assert secondment.status_reason == "Family"


def test_withdrawal_is_refused_once_the_secondment_has_started(world):
    application, secondment = world.accepted()
    Secondment.objects.filter(pk=secondment.pk).update(status=Secondment.Status.ACTIVE)
    with pytest.raises(ValidationError, match="has started"):
        services.application_withdraw(application=application, actor=world.uk_staff)


@pytest.mark.parametrize("who", ["uk_manager", "au_pm", "outsider"])
def test_only_the_applicant_withdraws(world, who):
    application = world.submitted()
    with pytest.raises(PermissionDenied):
        services.application_withdraw(application=application, actor=getattr(world, who))
