"""A large, realistic dataset for benchmarks: ``python manage.py seed_scale --factor N``.

At ``--factor 1``: 2 institutes, 5,000 people, 1,000 projects in 20 programmes, 50,000
milestones, 10,000 exchange applications, 3,000 secondments with their checklists,
20,000 documents, 5,000 handovers and 100,000 notifications. Other factors scale every
count (0.1 is a tenth, 10 is ten times), so that a page's cost can be compared between
two sizes of the same shape.

A few named people see large lists, whatever the factor (``BENCH_USERS``):

- a programme manager who manages a fifth of the programmes (10,000 milestones at 1);
- a researcher in a tenth of the projects, who owns many milestones and receives many
  notifications;
- a line manager named on a tenth of their institute's applications;
- a recipient at the partner institute who receives many handovers;
- a superuser, for the Django admin's own pages.

Every row is built with the apps' models and ``bulk_create`` from one seeded random
generator, so the same factor, seed and day give the same data. Dates are relative to
that day and every status agrees with its dates (done milestones have a completion date,
a ready or running secondment has no open mandatory checklist item, a handover is
acknowledged after it was sent...). Document versions point at a few small files stored
through the handover app's upload code, so their checksums are the files' own; custody
events are hash-chained with the model's own hash.
"""

from __future__ import annotations

import datetime
import time
from collections.abc import Callable
from dataclasses import dataclass, field

DEFAULT_SEED = 20260113


@dataclass(frozen=True)
class Sizes:
    """How many of each record to create for a factor."""

    factor: float
    users: int
    programmes: int
    projects: int
    milestones_per_project: int
    opportunities: int
    applications: int
    secondments: int
    documents: int
    handovers: int
    notifications: int

    @classmethod
    def for_factor(cls, factor: float) -> Sizes:
        if not 0 < factor <= 100:
            raise ValueError("The factor must be greater than 0 and at most 100.")

        def scaled(base: int, minimum: int) -> int:
            return max(minimum, round(base * factor))

        projects = scaled(1_000, 2)
        applications = scaled(10_000, 20)
        return cls(
            factor=factor,
            users=scaled(5_000, 40),
            # 20 programmes once there are enough projects for them, so that the programme
            # manager's share (a fifth) stays the same at every factor.
            programmes=max(1, min(20, projects // 5)),
            projects=projects,
            milestones_per_project=50,
            opportunities=scaled(500, 4),
            applications=applications,
            secondments=min(scaled(3_000, 6), applications // 3),
            documents=scaled(20_000, 20),
            handovers=scaled(5_000, 10),
            notifications=scaled(100_000, 100),
        )

    @property
    def milestones(self) -> int:
        return self.projects * self.milestones_per_project


# The people the benchmarks sign in as, by role.
BENCH_USERS = {
    "programme_manager": "scale.programmes@aisi.example.gov.uk",
    "researcher": "scale.researcher@aisi.example.gov.uk",
    "line_manager": "scale.manager@aisi.example.gov.uk",
    "recipient": "scale.recipient@aisi.example.gov.au",
    "superuser": "scale.admin@aisi.example.gov.uk",
}


class AlreadySeeded(Exception):
    """The database already holds a large dataset."""


@dataclass
class SeedReport:
    sizes: Sizes
    seed: int
    today: datetime.date
    seconds: float = 0.0
    counts: dict[str, int] = field(default_factory=dict)
    steps: list[tuple[str, float]] = field(default_factory=list)


def seed(
    *,
    factor: float,
    seed: int = DEFAULT_SEED,
    today: datetime.date | None = None,
    analyze: bool = True,
    progress: Callable[[str], None] | None = None,
) -> SeedReport:
    """Create the dataset for ``factor`` in one transaction and return what was made.

    ``today`` (the day every date is relative to) defaults to today in UTC. With
    ``analyze`` on PostgreSQL, the tables are vacuumed and analysed afterwards, as
    autovacuum would soon do, so that benchmarks see settled statistics.
    """
    from django.db import connection, transaction
    from django.utils import timezone

    from accounts.models import User

    from . import exchange, handover, notices, people, programmes
    from .base import Context

    sizes = Sizes.for_factor(factor)
    if User.objects.filter(email=BENCH_USERS["programme_manager"]).exists():
        raise AlreadySeeded(
            "This database already holds a large dataset (its benchmark programme manager "
            "exists). Seed an empty database instead: create one, migrate it, then run "
            "seed_scale on it."
        )
    report = SeedReport(sizes=sizes, seed=seed, today=today or timezone.now().date())
    say = progress or (lambda message: None)
    started = time.perf_counter()
    steps = [
        ("people", people.seed),
        ("programmes", programmes.seed),
        ("exchange", exchange.seed),
        ("handover", handover.seed),
        ("notifications", notices.seed),
    ]
    with transaction.atomic():
        ctx = Context.start(sizes=sizes, seed=seed, today=report.today)
        with ctx.manual_timestamps():
            for name, step in steps:
                step_started = time.perf_counter()
                step(ctx)
                elapsed = time.perf_counter() - step_started
                report.steps.append((name, elapsed))
                say(f"  {name:14} {elapsed:6.1f} s")
        report.counts = ctx.counts
    if analyze and connection.vendor == "postgresql" and not connection.in_atomic_block:
        step_started = time.perf_counter()
        with connection.cursor() as cursor:
            cursor.execute("VACUUM (ANALYZE)")
        report.steps.append(("vacuum analyze", time.perf_counter() - step_started))
        say(f"  {'vacuum analyze':14} {report.steps[-1][1]:6.1f} s")
    report.seconds = time.perf_counter() - started
    return report
