"""A milestone's status: who moves it where, and the handover gate on marking it done."""

import pytest
from django.core.exceptions import ImproperlyConfigured, PermissionDenied, ValidationError

from programmes import gates, services
from programmes.models import MilestoneStatus, ProjectMembership
from tests.programmes.conftest import TODAY

pytestmark = pytest.mark.django_db


# --- status transitions ---------------------------------------------------------------


def test_owner_moves_planned_to_in_progress_to_done(world, frozen_today):
    """The owner moves their milestone planned → in progress → done; the completion date is today
    and history records who."""
    milestone = services.milestone_set_status(
        actor=world.researcher, milestone=world.milestone, status=MilestoneStatus.IN_PROGRESS
    )
    assert milestone.status == MilestoneStatus.IN_PROGRESS
    milestone = services.milestone_complete(actor=world.researcher, milestone=milestone)
    milestone.refresh_from_db()
    assert milestone.status == MilestoneStatus.DONE
    assert milestone.completed_on == TODAY
    assert milestone.history.first().history_change_reason == (
        "Status changed from In progress to Done"
    )
    assert milestone.history.first().history_user == world.researcher


def test_a_member_who_does_not_own_it_cannot_change_its_status(world):
    """A member who does not own a milestone cannot change its status."""
    with pytest.raises(PermissionDenied):
        services.milestone_set_status(
            actor=world.partner, milestone=world.milestone, status=MilestoneStatus.DONE
        )
    world.milestone.refresh_from_db()
    assert world.milestone.status == MilestoneStatus.PLANNED


def test_owner_cannot_cancel_only_a_manager_can(world):
    """Cancelling is for programme managers, not owners."""
    with pytest.raises(PermissionDenied):
        services.milestone_set_status(
            actor=world.researcher, milestone=world.milestone, status=MilestoneStatus.CANCELLED
        )
    services.milestone_set_status(
        actor=world.manager, milestone=world.milestone, status=MilestoneStatus.CANCELLED
    )
    world.milestone.refresh_from_db()
    assert world.milestone.status == MilestoneStatus.CANCELLED


def test_a_cancelled_milestone_cannot_be_marked_done(world):
    """A cancelled milestone cannot go straight to done."""
    services.milestone_set_status(
        actor=world.manager, milestone=world.milestone, status=MilestoneStatus.CANCELLED
    )
    with pytest.raises(ValidationError) as caught:
        services.milestone_set_status(
            actor=world.manager, milestone=world.milestone, status=MilestoneStatus.DONE
        )
    assert "cannot be marked done" in caught.value.error_dict["status"][0].message


def test_reopening_a_done_milestone_clears_its_completion_date(world, frozen_today):
    """Reopening a done milestone clears its completion date."""
    services.milestone_complete(actor=world.researcher, milestone=world.milestone)
    services.milestone_set_status(
        actor=world.manager, milestone=world.milestone, status=MilestoneStatus.IN_PROGRESS
    )
    world.milestone.refresh_from_db()
    assert world.milestone.completed_on is None


def test_a_former_member_who_still_owns_it_cannot_change_it(world):
    """Ownership alone is not enough: the owner must still be on the project."""
    ProjectMembership.objects.filter(user=world.researcher).delete()
    with pytest.raises(PermissionDenied):
        services.milestone_complete(actor=world.researcher, milestone=world.milestone)


# --- the handover gate ----------------------------------------------------------------


def test_gated_milestone_cannot_be_done_without_an_acknowledged_handover(world):
    """Until the partner institute acknowledges a linked handover, the gate stays shut."""
    world.milestone.requires_partner_handover = True
    world.milestone.save()
    with pytest.raises(ValidationError) as caught:
        services.milestone_complete(actor=world.researcher, milestone=world.milestone)
    assert "acknowledged handover from the partner institute" in str(caught.value)
    world.milestone.refresh_from_db()
    assert world.milestone.status == MilestoneStatus.PLANNED


def test_gate_follows_the_handover_apps_answer(world, monkeypatch):
    """When the registered partner handover gate says yes, done is allowed."""
    answers = {}

    def partner_handover_acknowledged(*, milestone):
        return answers.get(milestone.pk, False)

    monkeypatch.setitem(gates._GATES, gates.PARTNER_HANDOVER, partner_handover_acknowledged)
    world.milestone.requires_partner_handover = True
    world.milestone.save()
    with pytest.raises(ValidationError):
        services.milestone_complete(actor=world.manager, milestone=world.milestone)
    answers[world.milestone.pk] = True
    services.milestone_complete(actor=world.manager, milestone=world.milestone)
    world.milestone.refresh_from_db()
    assert world.milestone.status == MilestoneStatus.DONE


def test_a_missing_gate_is_an_error_not_a_shut_gate(world, monkeypatch):
    """Without a registered gate a gated milestone cannot be decided: an error, and the
    system check says which app is missing, instead of a silent refusal."""
    monkeypatch.delitem(gates._GATES, gates.PARTNER_HANDOVER)
    world.milestone.requires_partner_handover = True
    world.milestone.save()
    with pytest.raises(ImproperlyConfigured):
        services.milestone_complete(actor=world.manager, milestone=world.milestone)
    (error,) = gates.check_gates_registered(None)
    assert error.id == "programmes.E001"
    monkeypatch.undo()
    assert gates.check_gates_registered(None) == []


def test_ungated_milestone_does_not_consult_the_handover_app(world, monkeypatch):
    """A milestone without the gate is marked done whatever the handover app says."""

    def never_asked(*, milestone):
        raise AssertionError("an ungated milestone consulted the gate")

    monkeypatch.setitem(gates._GATES, gates.PARTNER_HANDOVER, never_asked)
    services.milestone_complete(actor=world.researcher, milestone=world.milestone)
    world.milestone.refresh_from_db()
    assert world.milestone.status == MilestoneStatus.DONE
