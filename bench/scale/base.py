"""What every step of the seeder shares: the random generator, the day, the people made so
far, and bulk inserts that count what they create."""

from __future__ import annotations

import datetime
import random
from collections import Counter
from contextlib import contextmanager
from dataclasses import dataclass, field

from django.apps import apps
from django.db import models
from simple_history.utils import bulk_create_with_history

BATCH = 2000

# Word lists as strings (split once) so that they stay readable.
FIRST_NAMES = (  # noqa: SIM905
    "Aisha Alex Amelia Anika Ben Charlotte Chloe Daniel David Eleanor Emily Ethan Fatima "
    "Finn Georgia Grace Hannah Harry Isla Jack James Jasmine Joshua Kai Leah Liam Lily "
    "Lucas Maya Mei Mohammed Noah Olivia Oscar Priya Rahul Ruby Sam Sophie Thomas Zara"
).split()
LAST_NAMES = (  # noqa: SIM905
    "Adams Ahmed Baker Bennett Brown Campbell Chen Clarke Davies Edwards Evans Fraser "
    "Green Hall Harris Hughes Jackson Jones Kelly Khan Kumar Lee Lewis Martin Mitchell "
    "Murphy Nguyen O'Brien Patel Price Roberts Robinson Shah Singh Smith Taylor Thompson "
    "Walker Watson White Williams Wilson Wright Young"
).split()
TOPICS = (  # noqa: SIM905
    "evaluation protocol|red-team scenarios|agent harness|safeguard tests|uplift study|"
    "benchmark suite|interpretability probes|model cards|incident taxonomy|compute plan|"
    "data sharing agreement|threat model|capability elicitation|misuse scenarios|"
    "alignment audit|jailbreak corpus|reporting template|tooling review|pilot results|"
    "methodology paper"
).split("|")
VERBS = (  # noqa: SIM905
    "Agree|Draft|Review|Deliver|Run|Publish|Complete|Pilot|Scope|Validate|Share|Sign off"
).split("|")

# Every table the seeder writes, for the counts it reports.
COUNTED = [
    "accounts.User",
    "programmes.Programme",
    "programmes.Project",
    "programmes.ProjectMembership",
    "programmes.Milestone",
    "exchange.Opportunity",
    "exchange.Application",
    "exchange.ApplicationEvent",
    "exchange.Secondment",
    "exchange.ChecklistItem",
    "handover.Document",
    "handover.DocumentVersion",
    "handover.Handover",
    "handover.HandoverItem",
    "handover.CustodyEvent",
    "handover.AccessEvent",
    "notifications.Notification",
]


@dataclass
class Context:
    rng: random.Random
    sizes: object
    today: datetime.date
    now: datetime.datetime
    seed: int
    counts: Counter = field(default_factory=Counter)
    # Filled by the steps, in order: people first, then what refers to them.
    institutes: dict = field(default_factory=dict)  # "UK" / "AU" -> Institute
    users: list = field(default_factory=list)
    staff: dict = field(default_factory=dict)  # "UK" / "AU" -> list of ordinary people
    line_managers: dict = field(default_factory=dict)  # "UK" / "AU" -> list
    programme_managers: dict = field(default_factory=dict)  # "UK" / "AU" -> list
    key: dict = field(default_factory=dict)  # BENCH_USERS role -> User
    programmes: list = field(default_factory=list)
    managers_of: dict = field(default_factory=dict)  # programme pk -> {"UK": User, "AU": User}
    projects: list = field(default_factory=list)
    members: dict = field(default_factory=dict)  # project pk -> list of User
    milestones: list = field(default_factory=list)
    secondments: list = field(default_factory=list)

    @classmethod
    def start(cls, *, sizes, seed: int, today: datetime.date) -> Context:
        # A fixed time of day, so that the same day gives the same timestamps.
        now = datetime.datetime.combine(today, datetime.time(9, 30), tzinfo=datetime.UTC)
        return cls(rng=random.Random(seed), sizes=sizes, today=today, now=now, seed=seed)

    # --- dates ---------------------------------------------------------------------

    def day(self, offset: int) -> datetime.date:
        return self.today + datetime.timedelta(days=offset)

    def moment(self, day: datetime.date, minutes: int | None = None) -> datetime.datetime:
        """A time on ``day`` in working hours (UTC), never after now."""
        if minutes is None:
            minutes = self.rng.randrange(8 * 60, 18 * 60)
        at = datetime.datetime.combine(day, datetime.time(0), tzinfo=datetime.UTC)
        at += datetime.timedelta(minutes=minutes)
        return min(at, self.now)

    def ago(self, low_days: int, high_days: int) -> datetime.datetime:
        return self.moment(self.day(-self.rng.randint(low_days, high_days)))

    # --- people and words ----------------------------------------------------------

    def name(self) -> str:
        return f"{self.rng.choice(FIRST_NAMES)} {self.rng.choice(LAST_NAMES)}"

    def topic(self) -> str:
        return self.rng.choice(TOPICS)

    def weighted(self, choices: list[tuple[object, float]]):
        values, weights = zip(*choices, strict=True)
        return self.rng.choices(values, weights=weights)[0]

    # --- writing -------------------------------------------------------------------

    def create(self, model: type[models.Model], objs: list, *, history: bool = False) -> list:
        """Insert ``objs`` in batches; with ``history``, their first audit record too.

        An object may carry ``_history_date`` (and ``_history_user``) for its record.
        """
        if not objs:
            return objs
        if history:
            created = bulk_create_with_history(objs, model, batch_size=BATCH)
        else:
            created = model.objects.bulk_create(objs, batch_size=BATCH)
        self.counts[model._meta.label] += len(created)
        return created

    @contextmanager
    def manual_timestamps(self):
        """Let the seeder set ``auto_now`` and ``auto_now_add`` fields itself.

        Otherwise every row would be created "now", and lists ordered by their last
        change would have nothing to order by. Restored on exit.
        """
        changed = []
        for label in COUNTED:
            try:
                model = apps.get_model(label)
            except LookupError:
                continue
            for f in model._meta.concrete_fields:
                if getattr(f, "auto_now", False) or getattr(f, "auto_now_add", False):
                    changed.append((f, f.auto_now, f.auto_now_add))
                    f.auto_now = f.auto_now_add = False
        try:
            yield
        finally:
            for f, auto_now, auto_now_add in changed:
                f.auto_now, f.auto_now_add = auto_now, auto_now_add
