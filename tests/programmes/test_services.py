import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from accounts.access import user_is_programme_manager
from accounts.models import Role
from programmes import services
from programmes.models import (
    MembershipRole,
    Milestone,
    MilestoneDueDateChange,
    MilestoneStatus,
    Programme,
    Project,
    ProjectMembership,
    Rag,
)
from tests.factories import InstituteFactory, UserFactory
from tests.programmes.conftest import TODAY

pytestmark = pytest.mark.django_db


def _milestone(world, **kwargs):
    defaults = {
        "actor": world.manager,
        "project": world.project,
        "title": "Report",
        "description": "",
        "owner": world.researcher,
        "due_date": datetime.date(2027, 6, 30),
    }
    defaults.update(kwargs)
    return services.milestone_create(**defaults)


# --- programmes and projects ----------------------------------------------------------


def test_programme_create_grants_the_manager_role_to_named_managers(world, au_institute):
    """Adding someone as a programme manager gives them the Programme managers group."""
    au_person = UserFactory(institute=au_institute)
    assert not user_is_programme_manager(au_person)
    programme = services.programme_create(
        actor=world.manager,
        name="New partnership",
        description="",
        agreement_reference="MoU-9",
        start_date=datetime.date(2027, 1, 1),
        end_date=datetime.date(2028, 1, 1),
        institutes=[world.project.lead_institute, au_institute],
        managers=[world.manager, au_person],
        reciprocity_target_months=12,
    )
    au_person.refresh_from_db()
    assert set(programme.managers.all()) == {world.manager, au_person}
    assert au_person.groups.filter(name=Role.PROGRAMME_MANAGER.value).exists()


def test_programme_create_refused_to_someone_without_the_role(world, uk_institute, au_institute):
    """Only programme managers create programmes."""
    with pytest.raises(PermissionDenied):
        services.programme_create(
            actor=world.researcher,
            name="Nope",
            description="",
            agreement_reference="",
            start_date=datetime.date(2027, 1, 1),
            end_date=datetime.date(2028, 1, 1),
            institutes=[uk_institute, au_institute],
            managers=[world.researcher],
            reciprocity_target_months=0,
        )
    assert not Programme.objects.filter(name="Nope").exists()


def test_programme_managers_must_be_at_its_institutes(world, uk_institute, au_institute):
    """A manager from outside the programme's institutes is refused beside the field."""
    stranger = UserFactory(institute=InstituteFactory())
    with pytest.raises(ValidationError) as caught:
        services.programme_create(
            actor=world.manager,
            name="Odd",
            description="",
            agreement_reference="",
            start_date=datetime.date(2027, 1, 1),
            end_date=datetime.date(2028, 1, 1),
            institutes=[uk_institute, au_institute],
            managers=[stranger],
            reciprocity_target_months=0,
        )
    assert "managers" in caught.value.error_dict


def test_project_create_by_a_manager_of_another_programme_is_refused(world):
    """Nobody edits another programme's projects."""
    with pytest.raises(PermissionDenied):
        services.project_create(
            actor=world.other_manager,
            programme=world.programme,
            code="JRP-X",
            title="X",
            summary="",
            lead_institute=world.project.lead_institute,
            partner_institutes=[],
            start_date=datetime.date(2027, 1, 1),
            end_date=datetime.date(2027, 6, 1),
        )
    assert not Project.objects.filter(code="JRP-X").exists()


def test_project_dates_must_sit_inside_the_programme(world):
    """A project running past the programme's end is refused beside the dates."""
    with pytest.raises(ValidationError) as caught:
        services.project_create(
            actor=world.manager,
            programme=world.programme,
            code="JRP-LATE",
            title="Late",
            summary="",
            lead_institute=world.project.lead_institute,
            partner_institutes=[],
            start_date=datetime.date(2029, 6, 1),
            end_date=datetime.date(2031, 1, 1),
        )
    assert "start_date" in caught.value.error_dict


def test_one_lead_per_institute(world, au_institute):
    """A second lead from the same institute is refused; the constraint backs it up."""
    second = UserFactory(institute=au_institute)
    with pytest.raises(ValidationError) as caught:
        services.project_member_add(
            actor=world.manager, project=world.project, user=second, role=MembershipRole.LEAD
        )
    assert "already has a lead" in caught.value.error_dict["role"][0].message
    assert not ProjectMembership.objects.filter(user=second).exists()


def test_member_must_be_at_a_project_institute(world):
    """Only people at the lead or a partner institute can join a project."""
    stranger = UserFactory(institute=InstituteFactory())
    with pytest.raises(ValidationError):
        services.project_member_add(
            actor=world.manager, project=world.project, user=stranger, role="researcher"
        )


def test_member_who_owns_open_milestones_cannot_be_removed(world):
    """A member who still owns open milestones cannot be removed."""
    membership = ProjectMembership.objects.get(project=world.project, user=world.researcher)
    with pytest.raises(ValidationError):
        services.project_member_remove(actor=world.manager, membership=membership)
    assert ProjectMembership.objects.filter(pk=membership.pk).exists()


def test_rag_override_needs_a_reason(world):
    """An override without a reason is refused and nothing changes."""
    with pytest.raises(ValidationError) as caught:
        services.project_rag_override(
            actor=world.manager, project=world.project, rag=Rag.RED, reason="  "
        )
    assert "reason" in caught.value.error_dict
    world.project.refresh_from_db()
    assert world.project.rag_override == ""


def test_rag_override_records_who_when_and_why_and_can_be_cleared(world, frozen_today):
    """An override records who, when and why; clearing it removes all three and is in
    the history."""
    project = services.project_rag_override(
        actor=world.manager, project=world.project, rag=Rag.AMBER, reason="Partner compute late"
    )
    project.refresh_from_db()
    assert (project.rag_override, project.rag_override_reason) == ("amber", "Partner compute late")
    assert project.rag_override_by == world.manager
    assert project.rag_override_at is not None
    services.project_rag_override(actor=world.manager, project=project, rag="", reason="")
    project.refresh_from_db()
    assert (project.rag_override, project.rag_override_reason) == ("", "")
    assert project.history.first().history_change_reason == "RAG override removed"


def test_a_researcher_cannot_override_rag(world):
    """Only a programme manager can override a project's RAG."""
    with pytest.raises(PermissionDenied):
        services.project_rag_override(
            actor=world.researcher, project=world.project, rag=Rag.GREEN, reason="Looks fine"
        )


# --- milestones: creation and validation ----------------------------------------------


def test_milestone_baseline_is_the_first_due_date(world):
    """A new milestone is planned and its baseline is its first due date."""
    milestone = _milestone(world)
    assert milestone.baseline_due_date == milestone.due_date == datetime.date(2027, 6, 30)
    assert milestone.status == MilestoneStatus.PLANNED


def test_due_date_outside_the_project_is_refused(world):
    """Bad input: a due date after the project ends saves nothing."""
    with pytest.raises(ValidationError) as caught:
        _milestone(world, due_date=datetime.date(2029, 6, 30))
    assert "within the project" in caught.value.error_dict["due_date"][0].message
    assert not Milestone.objects.filter(title="Report").exists()


def test_owner_must_be_a_project_member(world):
    """A milestone's owner must be a member of its project."""
    with pytest.raises(ValidationError) as caught:
        _milestone(world, owner=world.outsider)
    assert "owner" in caught.value.error_dict


def test_dependency_on_another_projects_milestone_is_refused(world):
    """A dependency on another project's milestone is refused and nothing is saved."""
    with pytest.raises(ValidationError) as caught:
        _milestone(world, dependencies=[world.other_milestone])
    assert "same project" in caught.value.error_dict["dependencies"][0].message
    assert not Milestone.objects.filter(title="Report").exists()


def test_dependency_cycle_is_refused(world):
    """A → B → C, then making A depend on C would close a cycle: refused, nothing saved."""
    a = _milestone(world, title="A")
    b = _milestone(world, title="B", dependencies=[a])
    c = _milestone(world, title="C", dependencies=[b])
    with pytest.raises(ValidationError) as caught:
        services.milestone_update(
            actor=world.manager,
            milestone=a,
            title="A",
            description="",
            owner=world.researcher,
            dependencies=[c],
            requires_partner_handover=False,
        )
    assert "cycle" in caught.value.error_dict["dependencies"][0].message
    assert list(a.dependencies.all()) == []


def test_self_dependency_is_refused(world):
    """A milestone cannot depend on itself."""
    a = _milestone(world, title="A")
    with pytest.raises(ValidationError):
        services.milestone_update(
            actor=world.manager,
            milestone=a,
            title="A",
            description="",
            owner=world.researcher,
            dependencies=[a],
            requires_partner_handover=False,
        )


def test_a_diamond_of_dependencies_is_not_a_cycle(world):
    """Two paths to the same dependency are not a cycle."""
    a = _milestone(world, title="A")
    b = _milestone(world, title="B", dependencies=[a])
    c = _milestone(world, title="C", dependencies=[a])
    d = _milestone(world, title="D", dependencies=[b, c])
    assert set(d.dependencies.all()) == {b, c}


def test_researcher_cannot_add_milestones(world):
    """A researcher cannot add milestones."""
    with pytest.raises(PermissionDenied):
        _milestone(world, actor=world.researcher)


# --- due-date changes and slippage ----------------------------------------------------


def test_due_date_change_keeps_baseline_and_records_who_when_why(world, frozen_today):
    """Each due-date change keeps the baseline and records old and new dates, who and why; slippage
    is due minus baseline."""
    milestone = world.milestone
    services.milestone_change_due_date(
        actor=world.manager,
        milestone=milestone,
        due_date=TODAY + datetime.timedelta(days=10),
        reason="Compute arrives late",
    )
    services.milestone_change_due_date(
        actor=world.manager,
        milestone=milestone,
        due_date=TODAY + datetime.timedelta(days=24),
        reason="Partner review",
    )
    milestone.refresh_from_db()
    assert milestone.baseline_due_date == TODAY
    assert milestone.slippage_days == 24
    changes = list(MilestoneDueDateChange.objects.filter(milestone=milestone).order_by("pk"))
    assert [(c.old_due_date, c.new_due_date, c.reason) for c in changes] == [
        (TODAY, TODAY + datetime.timedelta(days=10), "Compute arrives late"),
        (
            TODAY + datetime.timedelta(days=10),
            TODAY + datetime.timedelta(days=24),
            "Partner review",
        ),
    ]
    assert all(c.changed_by == world.manager for c in changes)
    assert milestone.history.count() == 3  # created, moved, moved


def test_due_date_change_without_a_reason_is_refused(world):
    """An empty reason gets a message and the date does not move."""
    with pytest.raises(ValidationError) as caught:
        services.milestone_change_due_date(
            actor=world.manager,
            milestone=world.milestone,
            due_date=datetime.date(2027, 1, 5),
            reason="   ",
        )
    assert "reason" in caught.value.error_dict
    world.milestone.refresh_from_db()
    assert world.milestone.due_date == TODAY
    assert not MilestoneDueDateChange.objects.exists()


def test_owner_cannot_move_their_own_due_date(world):
    """Owners cannot move due dates; only programme managers can."""
    with pytest.raises(PermissionDenied):
        services.milestone_change_due_date(
            actor=world.researcher,
            milestone=world.milestone,
            due_date=datetime.date(2027, 1, 5),
            reason="I am busy",
        )


# --- calendar -------------------------------------------------------------------------


def test_calendar_reset_replaces_the_token(world):
    """Resetting gives a new long random token."""
    first = services.calendar_feed_reset(user=world.researcher).token
    second = services.calendar_feed_reset(user=world.researcher).token
    assert first != second
    assert len(second) >= 40


def test_project_dates_cannot_shrink_past_its_milestones(world):
    """Moving a project's end before one of its milestones is refused; nothing changes."""
    with pytest.raises(ValidationError) as caught:
        services.project_update(
            actor=world.manager,
            project=world.project,
            title=world.project.title,
            summary="",
            lead_institute=world.project.lead_institute,
            partner_institutes=list(world.project.partner_institutes.all()),
            status="active",
            start_date=datetime.date(2026, 1, 1),
            end_date=datetime.date(2026, 6, 30),
        )
    assert (
        "milestone(s) fall outside these dates" in caught.value.error_dict["start_date"][0].message
    )
    world.project.refresh_from_db()
    assert world.project.end_date == datetime.date(2028, 12, 31)


def test_project_update_records_a_status_change_in_history(world):
    """Editing a project records the change, its reason and who made it in the history."""
    services.project_update(
        actor=world.manager,
        project=world.project,
        title="Renamed",
        summary="New summary",
        lead_institute=world.project.lead_institute,
        partner_institutes=list(world.project.partner_institutes.all()),
        status="paused",
        start_date=world.project.start_date,
        end_date=world.project.end_date,
    )
    record = world.project.history.first()
    assert (record.title, record.status) == ("Renamed", "paused")
    assert record.history_change_reason == "Status changed to Paused"
    assert record.history_user == world.manager
