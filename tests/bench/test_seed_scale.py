"""The benchmarks' large-dataset seeder, run at a tiny factor: counts, determinism and the
apps' invariants. The benchmarks themselves are not part of the test suite."""

import datetime
import hashlib
import sys

import pytest
import time_machine
from django.core.management import CommandError, call_command
from django.db import transaction
from django.db.models import Exists, OuterRef

from accounts.models import User
from bench import scale
from exchange.checklist_defaults import install_default_templates
from exchange.models import (
    Application,
    ChecklistItem,
    ChecklistTemplate,
    ChecklistTemplateItem,
    Secondment,
)
from handover import markings
from handover.custody import verify_chains
from handover.models import CustodyEvent, DocumentVersion, Handover, HandoverStatus
from notifications.models import Notification
from portal.uploads import stored_sha256
from programmes import access as programme_access
from programmes.models import Milestone, MilestoneStatus, ProjectMembership

pytestmark = pytest.mark.django_db

FACTOR = 0.002
TODAY = datetime.date(2026, 11, 27)


@pytest.fixture(autouse=True)
def _frozen():
    with time_machine.travel(datetime.datetime(2026, 11, 27, 12, 0, tzinfo=datetime.UTC)):
        yield


@pytest.fixture
def templates():
    # Transactional tests elsewhere may have flushed the rows the migration installed.
    install_default_templates(ChecklistTemplate, ChecklistTemplateItem)


def _seed(seed=scale.DEFAULT_SEED):
    return scale.seed(factor=FACTOR, seed=seed, today=TODAY, analyze=False)


def _signature() -> str:
    """A digest of the seeded data by natural keys (ids differ from one run to the next)."""
    rows = []
    rows += sorted(User.objects.values_list("email", "full_name", "institute__code", "is_staff"))
    rows += sorted(ProjectMembership.objects.values_list("project__code", "user__email", "role"))
    rows += sorted(
        Milestone.objects.values_list(
            "project__code", "title", "owner__email", "due_date", "baseline_due_date",
            "status", "completed_on", "created_at",
        )
    )  # fmt: skip
    rows += sorted(
        Application.objects.values_list(
            "applicant__email", "opportunity__title", "status", "line_manager__email",
            "submitted_at", "status_changed_at",
        ),
        key=repr,
    )  # fmt: skip
    rows += sorted(
        ChecklistItem.objects.values_list(
            "secondment__secondee__email", "key", "status", "due_date", "clearance_expires_on"
        )
    )
    rows += sorted(
        DocumentVersion.objects.values_list(
            "document__title", "document__releasability", "number", "sha256", "created_at"
        )
    )
    rows += sorted(
        CustodyEvent.objects.values_list("handover__reference", "sequence", "kind", "actor__email")
    )
    rows += sorted(
        Notification.objects.values_list("recipient__email", "subject", "created_at", "read_at"),
        key=repr,
    )
    return hashlib.sha256(repr(rows).encode()).hexdigest()


def test_counts_follow_the_factor(templates):
    """At a factor, the seeder creates the scaled number of each record."""
    sizes = scale.Sizes.for_factor(FACTOR)
    report = _seed()
    counts = report.counts
    assert counts["accounts.User"] == sizes.users
    assert counts["programmes.Project"] == sizes.projects
    assert counts["programmes.Milestone"] == sizes.projects * sizes.milestones_per_project
    assert counts["exchange.Application"] == sizes.applications
    assert counts["handover.Document"] == sizes.documents
    assert counts["handover.Handover"] == sizes.handovers
    assert counts["notifications.Notification"] == sizes.notifications
    assert 0 < counts["exchange.Secondment"] <= sizes.secondments
    assert Milestone.objects.count() == counts["programmes.Milestone"]


def test_reference_sizes():
    """Factor 1 is the issue's dataset, and 0.1 and 10 scale it."""
    one = scale.Sizes.for_factor(1)
    assert (one.users, one.projects, one.milestones) == (5_000, 1_000, 50_000)
    assert (one.applications, one.secondments, one.documents) == (10_000, 3_000, 20_000)
    assert (one.handovers, one.notifications) == (5_000, 100_000)
    assert scale.Sizes.for_factor(0.1).milestones == 5_000
    assert scale.Sizes.for_factor(10).milestones == 500_000
    with pytest.raises(ValueError):
        scale.Sizes.for_factor(0)


def test_same_seed_same_data_and_another_seed_differs(templates):
    """Seeding twice with the same seed and day gives the same data; another seed differs."""
    signatures = []
    for seed in (scale.DEFAULT_SEED, scale.DEFAULT_SEED, scale.DEFAULT_SEED + 1):
        with transaction.atomic():
            _seed(seed)
            signatures.append(_signature())
            transaction.set_rollback(True)
    assert signatures[0] == signatures[1]
    assert signatures[0] != signatures[2]


def test_invariants(templates):
    """Statuses agree with dates, owners are members, checklists block readiness, handovers
    carry only what their recipients may open, checksums and custody chains are honest."""
    _seed()
    not_member = ~Exists(
        ProjectMembership.objects.filter(project_id=OuterRef("project_id"), user=OuterRef("owner"))
    )
    assert not Milestone.objects.filter(not_member).exists()
    assert not Milestone.objects.filter(
        status=MilestoneStatus.DONE, completed_on__gt=TODAY
    ).exists()
    assert (
        not Milestone.objects.exclude(status=MilestoneStatus.DONE)
        .exclude(completed_on=None)
        .exists()
    )
    assert not Milestone.objects.filter(
        requires_partner_handover=True, status=MilestoneStatus.DONE
    ).exists()

    assert not Application.objects.filter(status="draft").exclude(submitted_at=None).exists()
    assert not Application.objects.exclude(status="draft").filter(submitted_at=None).exists()
    template_size = {t.direction: t.items.count() for t in ChecklistTemplate.objects.all()}
    for secondment in Secondment.objects.select_related("application"):
        assert secondment.application.status == Application.Status.ACCEPTED
        assert secondment.secondee_id == secondment.application.applicant_id
        assert secondment.checklist_items.count() == template_size[secondment.direction]
        if secondment.status in ("ready", "active", "completed"):
            assert (
                not secondment.checklist_items.filter(mandatory=True)
                .exclude(status__in=ChecklistItem.CLOSED)
                .exists()
            )
        if secondment.start_date > TODAY:
            assert secondment.status in ("planning", "ready", "cancelled")

    for handover in Handover.objects.prefetch_related("recipients", "items__version__document"):
        assert handover.sending_institute_id != handover.receiving_institute_id
        for person in handover.recipients.all():
            assert person.institute_id == handover.receiving_institute_id
            for item in handover.items.all():
                assert markings.user_may_access(person, item.version.document)
        for item in handover.items.all():
            assert item.version.document.owner_institute_id == handover.sending_institute_id
        if handover.status != HandoverStatus.DRAFT:
            assert handover.created_at <= handover.sent_at
        if handover.status == HandoverStatus.ACKNOWLEDGED:
            assert handover.sent_at <= handover.acknowledged_at
    assert verify_chains()[2] is None
    for name, sha in set(DocumentVersion.objects.values_list("file", "sha256")):
        assert stored_sha256(name) == sha


def test_bench_people_see_large_lists(templates):
    """The benchmark's people exist, with the roles and the reach the benchmarks rely on."""
    _seed()
    people = {role: User.objects.get(email=email) for role, email in scale.BENCH_USERS.items()}
    total = Milestone.objects.count()
    visible = programme_access.milestones_visible_to(people["programme_manager"]).count()
    assert visible >= total // 5
    assert people["superuser"].is_superuser
    assert Application.objects.filter(line_manager=people["line_manager"]).exists()
    assert Handover.objects.filter(recipients=people["recipient"]).exists()
    assert Notification.objects.filter(recipient=people["researcher"]).exists()


def test_command_refuses_a_seeded_database(templates):
    """A second seed_scale on the same database stops with a message, changing nothing."""
    call_command("seed_scale", "--factor", str(FACTOR), "--today", TODAY.isoformat())
    before = Milestone.objects.count()
    with pytest.raises(CommandError, match="already holds a large dataset"):
        call_command("seed_scale", "--factor", str(FACTOR))
    assert Milestone.objects.count() == before


def test_command_says_so_when_the_benchmarks_are_absent(monkeypatch):
    """Without bench/ (an installed package), the command fails with a clear message."""
    monkeypatch.setitem(sys.modules, "bench.scale", None)
    with pytest.raises(CommandError, match="bench/ folder"):
        call_command("seed_scale", "--factor", "1")
