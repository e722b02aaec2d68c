"""Links to projects, milestones and secondments, and the milestone handover gate."""

import datetime
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from exchange.models import Direction, Secondment
from handover import selectors, services
from handover.models import Handover
from programmes.models import Milestone, Programme, Project, ProjectMembership

from .factories import make_document, people

pytestmark = pytest.mark.django_db

# 20:00 in London is already 07:00 the next day in Canberra: the sender's "today" and
# UTC's differ, as they do for half of every day.
NOW = datetime.datetime(2026, 11, 27, 20, 0, tzinfo=datetime.UTC)


def today_for(person) -> datetime.date:
    """The date in the person's own time zone, as the handover services reckon it."""
    return timezone.localdate(timezone=ZoneInfo(person.effective_time_zone))


@pytest.fixture(autouse=True)
def frozen_clock():
    """Every test here runs at NOW, frozen before any data is built."""
    with time_machine.travel(NOW):
        yield


@pytest.fixture
def world():
    cast = people()
    programme = Programme.objects.create(
        name="Partnership",
        start_date=datetime.date(2026, 1, 1),
        end_date=datetime.date(2029, 12, 31),
    )
    programme.institutes.set([cast["uk"], cast["au"]])
    project = Project.objects.create(
        programme=programme,
        code="EVAL-1",
        title="Joint evaluations",
        lead_institute=cast["au"],
        start_date=datetime.date(2026, 1, 1),
        end_date=datetime.date(2027, 12, 31),
    )
    other_project = Project.objects.create(
        programme=programme,
        code="SECRET-SAUCE",
        title="Someone else's project",
        lead_institute=cast["uk"],
        start_date=datetime.date(2026, 1, 1),
        end_date=datetime.date(2027, 12, 31),
    )
    for person, institute in (
        (cast["uk_sender"], cast["uk"]),
        (cast["au_recipient"], cast["au"]),
    ):
        ProjectMembership.objects.create(project=project, user=person, institute=institute)
    due = timezone.localdate() + datetime.timedelta(days=30)
    # The AU recipient owns the milestone; the UK partner must deliver to them.
    milestone = Milestone.objects.create(
        project=project,
        title="Results delivered",
        owner=cast["au_recipient"],
        due_date=due,
        baseline_due_date=due,
        requires_partner_handover=True,
    )
    hidden_milestone = Milestone.objects.create(
        project=other_project,
        title="Hidden",
        owner=cast["uk_colleague"],
        due_date=due,
        baseline_due_date=due,
    )
    secondment = Secondment.objects.create(
        secondee=cast["uk_sender"],
        programme=programme,
        home_institute=cast["uk"],
        host_institute=cast["au"],
        direction=Direction.UK_TO_AU,
        home_manager=cast["uk_colleague"],
        title="Evaluation engineer",
        start_date=datetime.date(2027, 1, 4),
        end_date=datetime.date(2027, 7, 2),
        location="Canberra",
    )
    return {
        **cast,
        "project": project,
        "other_project": other_project,
        "milestone": milestone,
        "hidden_milestone": hidden_milestone,
        "secondment": secondment,
        "document": make_document(cast["uk_sender"], title="Results"),
    }


def prepare(world, sender=None, recipients=None, **links):
    sender = sender or world["uk_sender"]
    recipients = recipients or [world["au_recipient"]]
    return services.handover_prepare(
        sender=sender,
        receiving_institute=recipients[0].institute,
        recipients=recipients,
        versions=[world["document"].versions.get()],
        acknowledge_by=today_for(sender) + datetime.timedelta(days=7),
        **links,
    )


def test_a_handover_links_to_what_the_sender_can_see(world):
    """Project, milestone and secondment links are stored; a milestone implies its project."""
    handover = prepare(world, milestone=world["milestone"], secondment=world["secondment"])
    handover.refresh_from_db()
    assert handover.project == world["project"]
    assert handover.milestone == world["milestone"]
    assert handover.secondment == world["secondment"]


@pytest.mark.parametrize(
    ("links", "field"),
    [
        ({"project": "other_project"}, "project"),
        ({"milestone": "hidden_milestone"}, "milestone"),
        ({"project": "other_project", "milestone": "milestone"}, "project"),
    ],
)
def test_links_to_records_the_sender_cannot_see_are_refused(world, links, field):
    """A sender cannot link to a project or milestone they are not part of."""
    with pytest.raises(ValidationError) as caught:
        prepare(world, **{k: world[v] for k, v in links.items()})
    assert field in caught.value.message_dict
    assert Handover.objects.count() == 0


def test_a_milestone_of_another_project_is_refused(world):
    """Milestone and project must agree."""
    ProjectMembership.objects.create(
        project=world["other_project"], user=world["uk_sender"], institute=world["uk"]
    )
    with pytest.raises(ValidationError) as caught:
        prepare(world, project=world["other_project"], milestone=world["milestone"])
    assert "belongs to another project" in caught.value.message_dict["milestone"][0]


def test_a_secondment_the_sender_is_not_part_of_is_refused(world):
    """Someone outside the secondment cannot link to it."""
    ProjectMembership.objects.create(
        project=world["project"], user=world["uk_colleague"], institute=world["uk"]
    )
    Secondment.objects.filter(pk=world["secondment"].pk).update(home_manager=world["au_other"])
    with pytest.raises(ValidationError) as caught:
        prepare(world, sender=world["uk_colleague"], secondment=world["secondment"])
    assert "secondment" in caught.value.message_dict


def test_milestone_gate_needs_an_acknowledged_handover_from_the_partner_to_the_owner(world):
    """Only an acknowledged handover, sent to the owner's institute from the other one and
    linked to the milestone, satisfies the gate."""
    milestone = world["milestone"]
    assert selectors.milestone_gate_satisfied(milestone=milestone) is False

    unlinked = prepare(world)
    services.handover_send(handover=unlinked, user=world["uk_sender"])
    services.handover_acknowledge(handover=unlinked, user=world["au_recipient"])
    assert selectors.milestone_gate_satisfied(milestone=milestone) is False

    linked = prepare(world, milestone=milestone)
    services.handover_send(handover=linked, user=world["uk_sender"])
    assert selectors.milestone_gate_satisfied(milestone=milestone) is False
    services.handover_query(handover=linked, user=world["au_recipient"], reason="Missing")
    assert selectors.milestone_gate_satisfied(milestone=milestone) is False
    services.handover_acknowledge(handover=linked, user=world["au_recipient"])
    assert selectors.milestone_gate_satisfied(milestone=milestone) is True


def test_milestone_gate_ignores_a_handover_in_the_wrong_direction(world):
    """A handover from the owner's own institute to the partner does not meet the gate."""
    milestone = world["milestone"]
    # The AU owner hands their own document to the UK institute, linked to the milestone.
    au_doc = make_document(world["au_recipient"], title="AU notes")
    wrong_way = services.handover_prepare(
        sender=world["au_recipient"],
        receiving_institute=world["uk"],
        recipients=[world["uk_sender"]],
        versions=[au_doc.versions.get()],
        acknowledge_by=today_for(world["au_recipient"]),
        milestone=milestone,
    )
    services.handover_send(handover=wrong_way, user=world["au_recipient"])
    services.handover_acknowledge(handover=wrong_way, user=world["uk_sender"])
    assert selectors.milestone_gate_satisfied(milestone=milestone) is False


def test_milestone_gate_is_one_query(world, django_assert_num_queries):
    """The programmes app can call the gate cheaply."""
    with django_assert_num_queries(1):
        selectors.milestone_gate_satisfied(milestone=world["milestone"])


def test_the_prepare_page_offers_only_visible_links_and_shows_them(client, world):
    """The form lists the sender's projects, milestones and secondments only."""
    client.force_login(world["uk_sender"])
    body = client.get(reverse("handover:handover_prepare")).content.decode()
    assert "EVAL-1: Joint evaluations" in body
    assert "SECRET-SAUCE" not in body
    assert "Results delivered" in body
    assert "Hidden" not in body
    assert "Evaluation engineer" in body
    response = client.post(
        reverse("handover:handover_prepare"),
        {
            "receiving_institute": world["au"].pk,
            "recipients": [world["au_recipient"].pk],
            "versions": [world["document"].versions.get().pk],
            "acknowledge_by": (
                today_for(world["uk_sender"]) + datetime.timedelta(days=3)
            ).isoformat(),
            "milestone": world["milestone"].pk,
            "secondment": world["secondment"].pk,
        },
    )
    handover = Handover.objects.get()
    assert response.url == handover.get_absolute_url()
    detail = client.get(handover.get_absolute_url()).content.decode()
    assert "Results delivered" in detail
    assert "Its completion waits on this handover being acknowledged." in detail
    bad = client.post(
        reverse("handover:handover_prepare"),
        {
            "receiving_institute": world["au"].pk,
            "recipients": [world["au_recipient"].pk],
            "versions": [world["document"].versions.get().pk],
            "acknowledge_by": (
                today_for(world["uk_sender"]) + datetime.timedelta(days=3)
            ).isoformat(),
            "milestone": world["hidden_milestone"].pk,
        },
    )
    assert "Choose a milestone of a project you work on." in bad.content.decode()
    assert Handover.objects.count() == 1


def test_programmes_marks_a_gated_milestone_done_only_after_acknowledgement(world):
    """End to end with the programmes app: the gate opens when the partner's handover is
    acknowledged."""
    from programmes.models import MilestoneStatus
    from programmes.services import milestone_complete

    milestone = world["milestone"]
    with pytest.raises(ValidationError, match="acknowledged handover"):
        milestone_complete(actor=world["au_recipient"], milestone=milestone)
    handover = prepare(world, milestone=milestone)
    services.handover_send(handover=handover, user=world["uk_sender"])
    with pytest.raises(ValidationError, match="acknowledged handover"):
        milestone_complete(actor=world["au_recipient"], milestone=milestone)
    services.handover_acknowledge(handover=handover, user=world["au_recipient"])
    milestone_complete(actor=world["au_recipient"], milestone=milestone)
    milestone.refresh_from_db()
    assert milestone.status == MilestoneStatus.DONE


def test_the_milestone_note_changes_once_the_handover_is_acknowledged(client, world):
    """Before acknowledgement the page says the milestone waits; after, it no longer does."""
    handover = prepare(world, milestone=world["milestone"])
    services.handover_send(handover=handover, user=world["uk_sender"])
    client.force_login(world["au_recipient"])
    waiting = client.get(handover.get_absolute_url()).content.decode()
    assert "Its completion waits on this handover being acknowledged." in waiting
    services.handover_acknowledge(handover=handover, user=world["au_recipient"])
    done = client.get(handover.get_absolute_url()).content.decode()
    assert "Its completion waits on this handover" not in done
    assert "This handover has been acknowledged, so its completion no longer waits on it." in done
