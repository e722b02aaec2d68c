"""Each event type is emitted by the real service call, once the change commits, and
reaches an endpoint that listens to it (and no other)."""

import datetime

import pytest

from exchange import services as exchange_services
from exchange.models import Secondment
from handover import services as handover_services
from portal.events import EventType
from programmes import services as programmes_services
from programmes.models import MilestoneStatus
from tests.factories import UserFactory
from tests.handover.factories import make_document, make_handover
from tests.programmes.factories import MilestoneFactory, ProjectFactory
from webhooks import services
from webhooks.models import Delivery

from .conftest import endpoint_for

pytestmark = pytest.mark.django_db


@pytest.fixture
def hear(world, receivers, eager):
    """A UK endpoint listening to everything, and the (type, change) pairs it received."""
    receiver = receivers()
    endpoint_for(world.uk, receiver)

    def heard():
        assert all(r.verified for r in receiver.received)
        return [(e["type"], e["change"]) for e in receiver.events()]

    return heard


def test_application_decisions(world, hear, django_capture_on_commit_callbacks):
    """Accepted (which also sets up a secondment) and declined; a return is not a decision."""
    accepted = world.endorsed()
    declined = world.endorsed(applicant=UserFactory(institute=world.uk))
    with django_capture_on_commit_callbacks(execute=True):
        exchange_services.application_accept(
            application=accepted, actor=world.au_pm, host_supervisor=world.au_supervisor
        )
        exchange_services.application_decline(
            application=declined, actor=world.au_pm, reason="The team is full."
        )
    assert hear() == [
        ("secondment.changed", "created"),
        ("application.decided", "accepted"),
        ("application.decided", "declined"),
    ]


def test_a_rolled_back_change_is_never_announced(world, hear, django_capture_on_commit_callbacks):
    """A refused decision (returned without a reason) sends nothing."""
    application = world.endorsed()
    with django_capture_on_commit_callbacks(execute=True), pytest.raises(Exception):  # noqa: B017
        exchange_services.application_decline(application=application, actor=world.au_pm, reason="")
    assert hear() == []
    assert not Delivery.objects.exists()


def test_secondment_changes(world, hear, django_capture_on_commit_callbacks):
    """Re-dated and cancelled (every status change goes through one place)."""
    _, secondment = world.accepted()
    with django_capture_on_commit_callbacks(execute=True):
        exchange_services.secondment_change_dates(
            secondment=secondment,
            actor=world.au_supervisor,
            start_date=secondment.start_date,
            end_date=secondment.end_date + datetime.timedelta(days=30),
            reason="Extended by a month.",
        )
        exchange_services.secondment_cancel(
            secondment=secondment, actor=world.au_supervisor, reason="Funding withdrawn."
        )
    assert hear() == [("secondment.changed", "dates_changed"), ("secondment.changed", "cancelled")]


def test_milestone_changes(world, hear, django_capture_on_commit_callbacks):
    """Created, updated, re-dated and moved along by its owner."""
    project = ProjectFactory(programme=world.programme)
    milestone = MilestoneFactory(project=project)
    with django_capture_on_commit_callbacks(execute=True):
        created = programmes_services.milestone_create(
            actor=world.uk_pm,
            project=project,
            title="Interim report",
            description="",
            owner=milestone.owner,
            due_date=datetime.date(2026, 12, 1),
        )
        programmes_services.milestone_update(
            actor=world.uk_pm,
            milestone=created,
            title="Interim report (draft)",
            description="",
            owner=milestone.owner,
            dependencies=[],
            requires_partner_handover=False,
        )
        programmes_services.milestone_change_due_date(
            actor=world.uk_pm,
            milestone=created,
            due_date=datetime.date(2026, 12, 15),
            reason="Data arrives late.",
        )
        programmes_services.milestone_set_status(
            actor=milestone.owner, milestone=created, status=MilestoneStatus.IN_PROGRESS
        )
    assert hear() == [
        ("milestone.changed", "created"),
        ("milestone.changed", "updated"),
        ("milestone.changed", "due_date_changed"),
        ("milestone.changed", "status_changed"),
    ]


def test_milestone_overdue_once_per_week(world, hear, clock, django_capture_on_commit_callbacks):
    """The sweep announces an overdue milestone once, again a week later, never when done."""
    project = ProjectFactory(programme=world.programme)
    late = MilestoneFactory(project=project, due_date=datetime.date(2026, 7, 20))
    MilestoneFactory(project=project, due_date=datetime.date(2026, 9, 1))  # not yet due
    MilestoneFactory(
        project=project,
        due_date=datetime.date(2026, 7, 1),
        status=MilestoneStatus.DONE,
        completed_on=datetime.date(2026, 7, 1),
    )
    with django_capture_on_commit_callbacks(execute=True):
        assert services.overdue_announce() == 1
        assert services.overdue_announce() == 0  # the same week: nothing new
    clock.shift(datetime.timedelta(days=7))
    with django_capture_on_commit_callbacks(execute=True):
        assert services.overdue_announce() == 1
    assert hear() == [("milestone.overdue", "overdue")] * 2
    deliveries = Delivery.objects.order_by("pk")
    assert [d.payload["data"]["milestone"]["id"] for d in deliveries] == [late.pk, late.pk]
    windows = [d.payload["detail"]["window"] for d in deliveries]
    assert windows == ["overdue-w1:2026-07-20", "overdue-w2:2026-07-20"]


def test_handover_sent_and_acknowledged(world, hear, django_capture_on_commit_callbacks):
    document = make_document(world.uk_staff)
    with django_capture_on_commit_callbacks(execute=True):
        handover = make_handover(world.uk_staff, [world.au_staff], [document])
    with django_capture_on_commit_callbacks(execute=True):
        handover_services.handover_acknowledge(handover=handover, user=world.au_staff)
    assert hear() == [("handover.sent", "sent"), ("handover.acknowledged", "acknowledged")]


def test_an_endpoint_hears_only_the_types_it_chose(
    world, receivers, eager, django_capture_on_commit_callbacks
):
    receiver = receivers()
    endpoint_for(world.uk, receiver, event_types=[EventType.HANDOVER_SENT])
    with django_capture_on_commit_callbacks(execute=True):
        world.accepted()
        make_handover(world.uk_staff, [world.au_staff], [make_document(world.uk_staff)])
    assert [e["type"] for e in receiver.events()] == ["handover.sent"]


def test_a_secondment_starting_and_ending(world, hear, clock, django_capture_on_commit_callbacks):
    """Started on its first day, ended early, by the services that do it."""
    _, secondment = world.accepted()
    Secondment.objects.filter(pk=secondment.pk).update(status=Secondment.Status.READY)
    clock.move_to(datetime.datetime(2026, 10, 1, 9, 0, tzinfo=datetime.UTC))
    with django_capture_on_commit_callbacks(execute=True):
        exchange_services.secondment_start(secondment=secondment, actor=world.au_supervisor)
    with django_capture_on_commit_callbacks(execute=True):
        exchange_services.secondment_end_early(
            secondment=secondment,
            actor=world.au_supervisor,
            end_date=datetime.date(2026, 12, 1),
            reason="Called home.",
        )
    assert hear() == [("secondment.changed", "active"), ("secondment.changed", "ended_early")]
