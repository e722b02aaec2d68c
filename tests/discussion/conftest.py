"""One small world for the discussion tests: an exchange (applications and a
secondment), a joint project with a milestone, a marked handover, and strangers. The
clock is frozen before anything is built."""

import datetime
from types import SimpleNamespace

import pytest
import time_machine

from handover.markings import Marking
from programmes.models import MembershipRole
from tests.exchange.factories import World
from tests.factories import UserFactory
from tests.handover.factories import make_document, make_handover
from tests.programmes.factories import MembershipFactory, MilestoneFactory, ProjectFactory

NOW = datetime.datetime(2026, 8, 3, 9, 0, tzinfo=datetime.UTC)
SENSITIVE = Marking(scheme="UK", classification="OFFICIAL-SENSITIVE")


@pytest.fixture
def clock():
    with time_machine.travel(NOW, tick=False) as traveller:
        yield traveller


@pytest.fixture
def w(clock, db):
    ex = World()
    w = SimpleNamespace(ex=ex, uk=ex.uk, au=ex.au, programme=ex.programme)
    w.uk_pm, w.au_pm, w.uk_manager = ex.uk_pm, ex.au_pm, ex.uk_manager
    w.uk_stranger = UserFactory(
        institute=ex.uk, full_name="Stan Stranger", email="stan@uk.example.org"
    )
    w.au_stranger = UserFactory(
        institute=ex.au, full_name="Sue Stranger", email="sue@au.example.org"
    )
    # A joint project with a UK researcher and an Australian partner.
    w.project = ProjectFactory(
        programme=ex.programme,
        code="JRP-TALK-01",
        lead_institute=ex.uk,
        partner_institutes=[ex.au],
    )
    w.researcher = UserFactory(
        institute=ex.uk, full_name="Rita Researcher", email="rita@uk.example.org"
    )
    MembershipFactory(project=w.project, user=w.researcher, role=MembershipRole.RESEARCHER)
    w.partner = UserFactory(institute=ex.au, full_name="Pat Partner", email="pat@au.example.org")
    MembershipFactory(project=w.project, user=w.partner, role=MembershipRole.RESEARCHER)
    w.milestone = MilestoneFactory(project=w.project, owner=w.researcher, title="Protocol agreed")
    # A handover marked OFFICIAL-SENSITIVE from the UK to an Australian recipient.
    w.sender = UserFactory(institute=ex.uk, full_name="Priya Sender", email="priya@uk.example.org")
    w.recipient = UserFactory(
        institute=ex.au, full_name="Liam Recipient", email="liam@au.example.org"
    )
    w.document = make_document(w.sender, title="Sensitive findings", marking=SENSITIVE)
    w.handover = make_handover(w.sender, [w.recipient], [w.document])
    w.handover_draft = make_handover(
        w.sender, [w.recipient], [make_document(w.sender, title="Draft")], send=False
    )
    return w


@pytest.fixture
def wx(w):
    """``w`` with exchange records too (slower to build: uploads and checklists)."""
    ex = w.ex
    # Exchange: a draft (the applicant's alone), a submitted one and a secondment.
    w.applicant = ex.uk_staff
    w.app_draft = ex.draft(applicant=w.applicant)
    w.applicant_submitted = UserFactory(institute=ex.uk, full_name="Sam Submitted")
    w.app_submitted = ex.submitted(applicant=w.applicant_submitted)
    w.secondee = UserFactory(institute=ex.uk, full_name="Sid Secondee")
    _, w.secondment = ex.accepted(applicant=w.secondee)
    return w


RECORDS = {
    "application": ("app_submitted", "applicant_submitted"),
    "secondment": ("secondment", "secondee"),
    "project": ("project", "researcher"),
    "milestone": ("milestone", "researcher"),
    "handover": ("handover", "recipient"),
}


def record_and_reader(w, kind: str):
    """The world's record of ``kind``, with a person who may see it."""
    record, person = RECORDS[kind]
    return getattr(w, record), getattr(w, person)
