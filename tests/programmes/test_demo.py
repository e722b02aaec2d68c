import io

import pytest
from django.core.management import call_command
from django.utils import timezone

from accounts.models import User
from programmes.models import Milestone, MilestoneDueDateChange, MilestoneStatus, Project
from programmes.selectors import my_work_sections

pytestmark = pytest.mark.django_db


def test_seed_demo_creates_projects_with_milestones_in_every_state_and_is_idempotent():
    """seed_demo gives the demo programme several joint projects, milestones in every
    state, some overdue and some slipped; running it again creates nothing twice."""
    call_command("seed_demo", stdout=io.StringIO())
    today = timezone.localdate()
    assert Project.objects.count() >= 3
    assert set(Milestone.objects.values_list("status", flat=True)) == set(MilestoneStatus.values)
    assert Milestone.objects.filter(
        status__in=["planned", "in_progress"], due_date__lt=today
    ).exists()
    slipped = [m for m in Milestone.objects.all() if m.due_date > m.baseline_due_date]
    assert slipped
    assert MilestoneDueDateChange.objects.count() == len(slipped)
    assert Milestone.objects.filter(requires_partner_handover=True).exists()
    counts = (Project.objects.count(), Milestone.objects.count())

    call_command("seed_demo", stdout=io.StringIO())
    assert (Project.objects.count(), Milestone.objects.count()) == counts

    researcher = User.objects.get(email="researcher@aisi.example.gov.uk")
    (section,) = my_work_sections(researcher)
    assert section["items"]
