"""Deliverables as rows: who may add, change and remove them, what everyone else sees,
the counts on the dashboard and in the exports, the API, and the migration of the old
free text into rows (and back)."""

import csv
import datetime
import importlib
import io
import zipfile

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.urls import reverse

from programmes.models import Deliverable, DeliverableStatus, MilestoneStatus
from tests.programmes.conftest import TODAY, body

pytestmark = pytest.mark.django_db

D = datetime.date
MIGRATION = importlib.import_module("programmes.migrations.0006_deliverable_rows")


def _add_url(world):
    return reverse("programmes:deliverable_create", args=[world.milestone.pk])


def _data(world, **overrides):
    data = {
        "title": "Evaluation protocol (PDF)",
        "description": "",
        "owner": world.researcher.pk,
        "due_date": "2026-12-10",
        "status": "planned",
    }
    data.update(overrides)
    return data


def _deliverable(world, **fields):
    values = {
        "milestone": world.milestone,
        "title": "Dataset card",
        "owner": world.researcher,
        "due_date": TODAY,
    }
    values.update(fields)
    return Deliverable.objects.create(**values)


# --- who may do what -------------------------------------------------------------------


@pytest.mark.parametrize("who", ["manager", "researcher"])
def test_manager_and_milestone_owner_add_a_deliverable(world, client, who):
    """The programme's manager and the milestone's owner add deliverables; the history
    says who."""
    actor = getattr(world, who)
    client.force_login(actor)
    response = client.post(_add_url(world), _data(world))
    assert response.status_code == 302
    assert response["Location"].endswith(f"/milestones/{world.milestone.pk}/#deliverables")
    deliverable = Deliverable.objects.get(title="Evaluation protocol (PDF)")
    assert deliverable.milestone == world.milestone
    record = deliverable.history.get()
    assert record.history_user == actor and record.history_change_reason == "Deliverable added"


@pytest.mark.parametrize("who", ["partner", "outsider", "other_manager"])
def test_others_cannot_add_change_or_remove_deliverables(world, client, who):
    """A member who does not own the milestone, and people who cannot see it: 404 on
    every deliverable page, and nothing changes."""
    deliverable = _deliverable(world)
    client.force_login(getattr(world, who))
    assert client.get(_add_url(world)).status_code == 404
    assert client.post(_add_url(world), _data(world)).status_code == 404
    edit = reverse("programmes:deliverable_edit", args=[deliverable.pk])
    assert client.get(edit).status_code == 404
    assert client.post(edit, _data(world, title="Changed")).status_code == 404
    remove = reverse("programmes:deliverable_remove", args=[deliverable.pk])
    assert client.post(remove).status_code == 404
    deliverable.refresh_from_db()
    assert deliverable.title == "Dataset card"
    assert Deliverable.objects.count() == 1


def test_partner_sees_the_deliverables_but_no_buttons(world, client):
    _deliverable(world, title="Shared dataset")
    client.force_login(world.partner)
    page = client.get(world.milestone.get_absolute_url()).content.decode()
    assert "Shared dataset" in page
    assert "Add a deliverable" not in page
    assert "/deliverables/" not in page


def test_an_owner_who_left_the_project_cannot_manage_deliverables(world, client):
    world.milestone.project.memberships.filter(user=world.researcher).delete()
    client.force_login(world.researcher)
    assert client.get(_add_url(world)).status_code == 404


def test_edit_and_remove_keep_history(world, client):
    deliverable = _deliverable(world)
    client.force_login(world.researcher)
    edit = reverse("programmes:deliverable_edit", args=[deliverable.pk])
    response = client.post(edit, _data(world, title="Dataset card v2", status="delivered"))
    assert response.status_code == 302
    deliverable.refresh_from_db()
    assert (deliverable.title, deliverable.status) == ("Dataset card v2", "delivered")
    assert (
        client.get(reverse("programmes:deliverable_remove", args=[deliverable.pk])).status_code
        == 405
    )
    response = client.post(reverse("programmes:deliverable_remove", args=[deliverable.pk]))
    assert response.status_code == 302
    assert not Deliverable.objects.exists()
    reasons = list(
        Deliverable.history.filter(id=deliverable.pk)
        .order_by("history_date", "history_id")
        .values_list("history_type", "history_change_reason", "history_user")
    )
    assert reasons[-1] == ("-", "Deliverable removed", world.researcher.pk)
    assert reasons[-2][1] == "Deliverable planned → delivered"


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        ({"title": ""}, "Enter a title."),
        ({"title": "   "}, "Enter a title."),
        ({"title": "x" * 201}, "at most 200 characters"),
        ({"description": "x" * 10_001}, "10000 characters"),
        ({"due_date": "2031-01-01"}, "The due date must be within the project’s dates"),
        ({"due_date": "9999-12-31"}, "Enter a date on or before"),
        ({"due_date": "31/02/2027"}, "Enter the due date as a real date"),
        ({"due_date": ""}, "Enter the due date."),
        ({"status": "exploded"}, "Choose a status."),
        ({"owner": "999999"}, "Choose a member of the project."),
        ({"owner": "not-a-number"}, "Choose a member of the project."),
        ({"title": "\x00 null"}, "Null characters are not allowed."),
    ],
)
def test_bad_deliverable_input_is_refused_beside_the_field(world, client, overrides, message):
    client.force_login(world.manager)
    response = client.post(_add_url(world), _data(world, **overrides))
    assert response.status_code == 200
    page = response.content.decode()
    assert message in page
    assert "<title>Error: " in page
    assert not Deliverable.objects.exists()


def test_the_owner_must_be_a_project_member(world, client):
    client.force_login(world.manager)
    response = client.post(_add_url(world), _data(world, owner=world.outsider.pk))
    assert response.status_code == 200
    assert not Deliverable.objects.exists()


# --- the milestone page, the dashboard and the exports ----------------------------------


def test_milestone_page_lists_deliverables_with_overdue_flag(
    world, client, django_assert_max_num_queries
):
    _deliverable(world, title="Late dataset", due_date=TODAY - datetime.timedelta(days=3))
    _deliverable(world, title="Done report", status=DeliverableStatus.DELIVERED)
    client.force_login(world.researcher)
    url = world.milestone.get_absolute_url()
    with django_assert_max_num_queries(30) as captured:
        page = client.get(url).content.decode()
    before = len(captured.captured_queries)
    for i in range(20):
        _deliverable(world, title=f"More {i}")
    with django_assert_max_num_queries(before):
        client.get(url)
    assert "Late dataset" in page and "Done report" in page
    row = page[
        page.index('id="deliverable-') : page.index("</tbody>", page.index("deliverable-list"))
    ]
    assert "Overdue" in row


def test_dashboard_counts_deliverables(world, client):
    _deliverable(world, status=DeliverableStatus.DELIVERED)
    _deliverable(world, due_date=TODAY - datetime.timedelta(days=1))
    _deliverable(world, due_date=TODAY + datetime.timedelta(days=10))
    _deliverable(world, due_date=TODAY - datetime.timedelta(days=1), status="cancelled")
    # Another programme's deliverables are not counted.
    Deliverable.objects.create(
        milestone=world.other_milestone,
        title="Elsewhere",
        owner=world.other_milestone.owner,
        due_date=TODAY - datetime.timedelta(days=5),
    )
    client.force_login(world.manager)
    response = client.get(world.programme.get_absolute_url())
    totals = response.context["totals"]
    assert (
        totals["deliverables"],
        totals["deliverables_done"],
        totals["deliverables_overdue"],
    ) == (
        4,
        1,
        1,
    )
    page = response.content.decode()
    assert "1 of 4" in page
    # Adding many more deliverables does not multiply the milestone counts.
    project = response.context["projects"][0]
    assert project.milestone_count == 1


def test_exports_count_deliverables(world, client):
    _deliverable(world, status=DeliverableStatus.DELIVERED)
    _deliverable(world, due_date=TODAY - datetime.timedelta(days=1))
    client.force_login(world.researcher)
    text = body(client.get(reverse("programmes:milestone_export_csv"))).decode("utf-8-sig")
    rows = list(csv.reader(io.StringIO(text)))
    assert rows[0][-3:] == ["Deliverables", "Deliverables delivered", "Deliverables overdue"]
    mine = next(row for row in rows if row[2] == "Protocol agreed")
    assert mine[-3:] == ["2", "1", "1"]
    xlsx = body(client.get(reverse("programmes:milestone_export_xlsx")))
    sheet = zipfile.ZipFile(io.BytesIO(xlsx)).read("xl/worksheets/sheet1.xml").decode()
    assert (
        "Deliverables overdue" in sheet and "<c><v>2</v></c><c><v>1</v></c><c><v>1</v></c>" in sheet
    )


def test_api_lists_deliverables_of_a_milestone(world, client):
    from api import services as api_services

    _deliverable(world, title="Dataset card")
    _token, raw = api_services.token_create(
        actor=world.researcher, name="Laptop", scope="read", expires_in_days=30, mfa_done=False
    )
    response = client.get(
        f"/api/v1/milestones/{world.milestone.pk}/", HTTP_AUTHORIZATION=f"Bearer {raw}"
    )
    assert response.status_code == 200
    data = response.json()
    assert [d["title"] for d in data["deliverables"]] == ["Dataset card"]
    assert data["deliverables"][0]["owner"]["id"] == world.researcher.pk
    assert "start_date" in data


# --- the migration of the free text ----------------------------------------------------


def test_lines_become_items_without_loss():
    long_line = "A very long deliverable " + "word " * 60
    text = (
        "- Report PDF\n\n  * Dataset card  \n• Model weights\n1. Slides\n(2) Code\n"
        "Dr. Lee's notes\n-\n" + long_line
    )
    items = MIGRATION.lines_to_items(text)
    titles = [title for title, _ in items]
    assert titles[:6] == [
        "Report PDF",
        "Dataset card",
        "Model weights",
        "Slides",
        "Code",
        "Dr. Lee's notes",
    ]
    title, description = items[6]
    assert len(title) <= 200 and title.endswith("…")
    assert description == long_line.strip()
    assert MIGRATION.item_to_line(title, description) == long_line.strip()
    assert MIGRATION.item_to_line("Report PDF", "") == "Report PDF"
    assert MIGRATION.lines_to_items("") == [] and MIGRATION.lines_to_items("\n \n") == []


@pytest.mark.django_db(transaction=True)
def test_the_migration_copies_text_into_rows_and_back(frozen_today):
    """Migrate back to before rows, write free text, migrate forward: one row per line,
    with the milestone's owner, due date and a status from its status; then back again:
    the rows joined into text."""
    executor = MigrationExecutor(connection)
    before = [("programmes", "0005_milestone_start_date")]
    after = [("programmes", "0006_deliverable_rows")]
    executor.migrate(before)
    old = executor.loader.project_state(before).apps
    Institute = old.get_model("accounts", "Institute")
    User = old.get_model("accounts", "User")
    Programme = old.get_model("programmes", "Programme")
    Project = old.get_model("programmes", "Project")
    Milestone = old.get_model("programmes", "Milestone")
    institute = Institute.objects.create(
        name="UK AI Security Institute", code="UK-AISI", country="GBR", time_zone="Europe/London"
    )
    owner = User.objects.create(
        email="owner@example.org", full_name="Olu Owner", institute=institute
    )
    programme = Programme.objects.create(name="P", start_date=D(2026, 1, 1), end_date=D(2028, 1, 1))
    project = Project.objects.create(
        programme=programme,
        code="JRP-MIG-01",
        title="Migration",
        lead_institute=institute,
        start_date=D(2026, 1, 1),
        end_date=D(2028, 1, 1),
    )
    long_line = "Final report " + "x" * 300

    def milestone(title, text, status="planned", completed=None):
        return Milestone.objects.create(
            project=project,
            title=title,
            owner=owner,
            due_date=D(2027, 3, 31),
            baseline_due_date=D(2027, 3, 31),
            status=status,
            completed_on=completed,
            deliverables=text,
        )

    listed = milestone("Listed", f"- Report PDF\n\n* Dataset\n{long_line}\n")
    done = milestone("Done", "Slides", status="done", completed=D(2027, 3, 1))
    empty = milestone("Empty", "")

    executor = MigrationExecutor(connection)
    executor.migrate(after)
    new = executor.loader.project_state(after).apps
    Deliverable_ = new.get_model("programmes", "Deliverable")
    rows = list(
        Deliverable_.objects.filter(milestone_id=listed.pk)
        .order_by("pk")
        .values_list("title", "description", "owner_id", "due_date", "status")
    )
    assert [r[0] for r in rows[:2]] == ["Report PDF", "Dataset"]
    assert rows[2][0].endswith("…") and rows[2][1] == long_line
    assert {r[2] for r in rows} == {owner.pk} and {r[3] for r in rows} == {D(2027, 3, 31)}
    assert {r[4] for r in rows} == {"planned"}
    assert list(
        Deliverable_.objects.filter(milestone_id=done.pk).values_list("title", "status")
    ) == [("Slides", "delivered")]
    assert not Deliverable_.objects.filter(milestone_id=empty.pk).exists()
    # The old text is kept as it was.
    NewMilestone = new.get_model("programmes", "Milestone")
    assert NewMilestone.objects.get(pk=listed.pk).legacy_deliverables.startswith("- Report PDF")

    # Back: the rows are joined into the text again, one a line.
    Deliverable_.objects.filter(milestone_id=done.pk).update(title="Slides (final)")
    executor = MigrationExecutor(connection)
    executor.migrate(before)
    old = executor.loader.project_state(before).apps
    OldMilestone = old.get_model("programmes", "Milestone")
    assert (
        OldMilestone.objects.get(pk=listed.pk).deliverables == f"Report PDF\nDataset\n{long_line}"
    )
    assert OldMilestone.objects.get(pk=done.pk).deliverables == "Slides (final)"
    assert OldMilestone.objects.get(pk=empty.pk).deliverables == ""

    # And forward again, to leave the database as the other tests expect.
    executor = MigrationExecutor(connection)
    executor.migrate(executor.loader.graph.leaf_nodes())


def test_milestone_done_status_maps_to_delivered():
    assert MIGRATION.STATUS_FROM_MILESTONE[MilestoneStatus.DONE] == DeliverableStatus.DELIVERED
    assert set(MIGRATION.STATUS_FROM_MILESTONE) == set(MilestoneStatus.values)
    assert set(MIGRATION.STATUS_FROM_MILESTONE.values()) <= set(DeliverableStatus.values)


def test_a_deliverable_on_a_milestone_elsewhere_is_not_found(world, client):
    other = Deliverable.objects.create(
        milestone=world.other_milestone,
        title="Elsewhere",
        owner=world.other_milestone.owner,
        due_date=TODAY,
    )
    client.force_login(world.manager)
    assert client.get(reverse("programmes:deliverable_edit", args=[other.pk])).status_code == 404
