"""A payload carries only what the endpoint's institute may see, and never file contents:
each app's access rule decides, asked for the institute's people named on the record."""

import datetime
import json

import pytest

from exchange import services as exchange_services
from handover import services as handover_services
from handover.markings import REL_AUS_GBR, UK_EYES_ONLY, Marking
from handover.models import Document
from programmes import services as programmes_services
from programmes.models import MilestoneStatus
from tests.factories import ProgrammeFactory, UserFactory
from tests.handover.factories import make_document, make_handover
from tests.programmes.factories import MembershipFactory, MilestoneFactory, ProjectFactory
from webhooks.models import Delivery

from .conftest import endpoint_for

pytestmark = pytest.mark.django_db


@pytest.fixture
def three(world, receivers, eager):
    """An endpoint (and receiver) at each of the UK, AU and a third institute."""
    found = {}
    for key, institute in (("uk", world.uk), ("au", world.au), ("other", world.other)):
        receiver = receivers()
        endpoint_for(institute, receiver)
        found[key] = receiver
    return found


def types(receiver):
    return [(e["type"], e["change"]) for e in receiver.events()]


def test_an_application_is_heard_by_its_two_institutes_only_and_says_little(
    world, three, django_capture_on_commit_callbacks
):
    """Home and host hear of the decision; the third institute nothing. No CV, no
    reason, no names or email addresses: a reference, statuses, dates and a link."""
    application = world.endorsed()
    with django_capture_on_commit_callbacks(execute=True):
        exchange_services.application_decline(
            application=application, actor=world.au_pm, reason="Confidential reasoning."
        )
    assert types(three["uk"]) == types(three["au"]) == [("application.decided", "declined")]
    assert three["other"].received == []
    assert three["uk"].events()[0]["institute"] == "UK-AISI"
    assert three["au"].events()[0]["institute"] == "AU-AISI"
    text = three["uk"].received[0].body.decode()
    for private in (
        "Confidential reasoning",
        world.uk_staff.email,
        world.uk_staff.full_name,
        world.uk_manager.email,
        "cv",
        application.cv.name,
    ):
        assert private not in text


def test_a_milestone_is_heard_only_where_someone_may_see_it(
    world, three, django_capture_on_commit_callbacks
):
    """A programme managed from the UK, a project with UK members only: Australia hears
    nothing until one of its people joins the project."""
    programme = ProgrammeFactory(institutes=[world.uk, world.au])
    programmes_services.programme_managers_set(programme=programme, managers=[world.uk_pm])
    project = ProjectFactory(programme=programme, lead_institute=world.uk)
    milestone = MilestoneFactory(project=project)
    with django_capture_on_commit_callbacks(execute=True):
        programmes_services.milestone_set_status(
            actor=milestone.owner, milestone=milestone, status=MilestoneStatus.IN_PROGRESS
        )
    assert types(three["uk"]) == [("milestone.changed", "status_changed")]
    assert three["au"].received == [] and three["other"].received == []

    MembershipFactory(project=project, user=world.au_staff)
    with django_capture_on_commit_callbacks(execute=True):
        programmes_services.milestone_set_status(
            actor=milestone.owner, milestone=milestone, status=MilestoneStatus.PLANNED
        )
    assert types(three["au"]) == [("milestone.changed", "status_changed")]
    assert three["au"].events()[0]["data"]["milestone"]["id"] == milestone.pk
    assert three["other"].received == []


def test_a_former_member_no_longer_lets_their_institute_hear(
    world, three, django_capture_on_commit_callbacks
):
    """The only Australian on the project is deactivated: Australia hears nothing."""
    programme = ProgrammeFactory(institutes=[world.uk, world.au])
    project = ProjectFactory(programme=programme, lead_institute=world.uk)
    milestone = MilestoneFactory(project=project)
    member = UserFactory(institute=world.au)
    MembershipFactory(project=project, user=member)
    member.is_active = False
    member.save()
    with django_capture_on_commit_callbacks(execute=True):
        programmes_services.milestone_set_status(
            actor=milestone.owner, milestone=milestone, status=MilestoneStatus.IN_PROGRESS
        )
    assert len(three["uk"].received) == 1
    assert three["au"].received == []


def test_a_handover_is_described_only_where_every_document_is_releasable(
    world, three, django_capture_on_commit_callbacks
):
    """Sent REL AUS/GBR: both hear of it, with document metadata and no contents. Re-marked
    UK EYES ONLY before it is acknowledged: Australia hears nothing of the
    acknowledgement though its own person acknowledged it."""
    content = b"%PDF-1.4 secret body text that must never leave the portal"
    document = make_document(
        world.uk_staff,
        title="Joint evaluation",
        marking=Marking(scheme="UK", classification="OFFICIAL", releasability=REL_AUS_GBR),
        content=content,
    )
    with django_capture_on_commit_callbacks(execute=True):
        handover = make_handover(world.uk_staff, [world.au_staff], [document])
    assert types(three["uk"]) == types(three["au"]) == [("handover.sent", "sent")]
    assert three["other"].received == []
    described = three["au"].events()[0]["data"]["handover"]
    assert described["reference"] == handover.reference
    assert [d["title"] for d in described["documents"]] == ["Joint evaluation"]
    assert described["documents"][0]["marking"] == "OFFICIAL // REL AUS/GBR"
    body = three["au"].received[0].body
    assert b"secret body text" not in body
    assert set(described["documents"][0]) == {
        "title", "version", "marking", "media_type", "size", "sha256",
    }  # fmt: skip

    Document.objects.filter(pk=document.pk).update(releasability=UK_EYES_ONLY)
    with django_capture_on_commit_callbacks(execute=True):
        handover_services.handover_acknowledge(handover=handover, user=world.au_staff)
    assert types(three["uk"])[-1] == ("handover.acknowledged", "acknowledged")
    assert types(three["au"]) == [("handover.sent", "sent")]
    assert not Delivery.objects.filter(
        endpoint__institute=world.au, event_type="handover.acknowledged"
    ).exists()


def test_payloads_are_plain_json_with_dates_as_iso_text(
    world, three, django_capture_on_commit_callbacks
):
    _, secondment = world.accepted()
    with django_capture_on_commit_callbacks(execute=True):
        exchange_services.secondment_change_dates(
            secondment=secondment,
            actor=world.au_supervisor,
            start_date=secondment.start_date,
            end_date=secondment.end_date + datetime.timedelta(days=7),
            reason="A week more.",
        )
    event = three["au"].events()[-1]
    assert (
        event["data"]["secondment"]["end_date"]
        == (secondment.end_date + datetime.timedelta(days=7)).isoformat()
    )
    assert json.loads(json.dumps(event)) == event
    assert "A week more" not in three["au"].received[-1].body.decode()
