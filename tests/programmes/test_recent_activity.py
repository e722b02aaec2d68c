"""A project's recent activity names each change once."""

import datetime

import pytest

from programmes import selectors, services
from programmes.models import Project

pytestmark = pytest.mark.django_db


def _create(world, code):
    return services.project_create(
        actor=world.manager,
        programme=world.programme,
        code=code,
        title="Joint evaluation",
        summary="",
        lead_institute=world.project.lead_institute,
        partner_institutes=list(world.project.partner_institutes.all()),
        start_date=datetime.date(2027, 1, 1),
        end_date=datetime.date(2027, 6, 1),
    )


def test_project_created_appears_once_with_its_partners(world):
    project = _create(world, "JRP-ONCE")
    activity = selectors.project_recent_activity(project=project)
    assert [item["what"] for item in activity] == ["Project created"]
    # The creation record still holds the partner institutes.
    created = project.history.get()
    assert created.history_type == "+"
    assert [row.institute for row in created.historicalproject_partner_institutes_set.all()] == (
        list(world.project.partner_institutes.all())
    )


def test_a_stored_duplicate_creation_record_is_not_shown(world):
    project = _create(world, "JRP-OLD")
    # As projects created before the fix were stored: an m2m copy of the creation record.
    project._change_reason = "Project created"
    project.partner_institutes.set([])
    assert Project.history.filter(id=project.pk).count() == 2
    activity = selectors.project_recent_activity(project=project)
    assert [item["what"] for item in activity] == ["Project created"]
