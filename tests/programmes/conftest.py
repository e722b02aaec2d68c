"""A small programme for the programme tests: a manager, members and an outsider."""

import datetime
from types import SimpleNamespace

import pytest
import time_machine

from programmes.models import MembershipRole
from tests.factories import UserFactory
from tests.programmes.factories import (
    MembershipFactory,
    MilestoneFactory,
    ProgrammeFactory,
    ProjectFactory,
    programme_manager,
)

TODAY = datetime.date(2026, 11, 27)


def body(response) -> bytes:
    """A response's body, streamed or not (the feed is streamed, then served cached)."""
    if response.streaming:
        return b"".join(response.streaming_content)
    return response.content


@pytest.fixture
def frozen_today():
    """Freeze the clock at noon UTC on TODAY (noon in London, 23:00 the same day in
    Canberra), so both institutes' people share TODAY. ``world`` asks for it, so the clock
    is frozen before any row is built and every history row is stamped on TODAY."""
    with time_machine.travel(datetime.datetime(2026, 11, 27, 12, 0, tzinfo=datetime.UTC)):
        yield TODAY


@pytest.fixture
def world(frozen_today, uk_institute, au_institute):
    programme = ProgrammeFactory(institutes=[uk_institute, au_institute])
    manager = programme_manager(institute=uk_institute, programme=programme)
    project = ProjectFactory(
        programme=programme,
        code="JRP-EVAL-01",
        lead_institute=uk_institute,
        partner_institutes=[au_institute],
    )
    researcher = UserFactory(institute=uk_institute, email="researcher@uk.example.org")
    partner = UserFactory(institute=au_institute, email="researcher@au.example.org")
    MembershipFactory(project=project, user=researcher, role=MembershipRole.RESEARCHER)
    MembershipFactory(project=project, user=partner, role=MembershipRole.LEAD)
    milestone = MilestoneFactory(
        project=project, owner=researcher, title="Protocol agreed", due_date=TODAY
    )
    # Someone at the partner institute who is on no project of this programme.
    outsider = UserFactory(institute=au_institute, email="outsider@au.example.org")
    # Another programme's project, which nobody above should see.
    other_programme = ProgrammeFactory(institutes=[uk_institute, au_institute])
    other_manager = programme_manager(institute=au_institute, programme=other_programme)
    other_project = ProjectFactory(
        programme=other_programme,
        code="JRP-OTHER-09",
        lead_institute=au_institute,
        partner_institutes=[uk_institute],
    )
    other_member = UserFactory(institute=au_institute)
    MembershipFactory(project=other_project, user=other_member)
    other_milestone = MilestoneFactory(project=other_project, owner=other_member, title="Elsewhere")
    MembershipFactory(project=other_project, user=outsider)
    return SimpleNamespace(
        programme=programme,
        manager=manager,
        project=project,
        researcher=researcher,
        partner=partner,
        milestone=milestone,
        outsider=outsider,
        other_programme=other_programme,
        other_manager=other_manager,
        other_project=other_project,
        other_milestone=other_milestone,
    )
