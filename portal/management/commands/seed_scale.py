"""``python manage.py seed_scale --factor N``: the benchmarks' large dataset.

The data and its shape live with the benchmarks (``bench/scale``); this command only
runs them, so that the dataset can be built wherever the project is deployed.
"""

import datetime

from django.core.management.base import BaseCommand, CommandError


class Command(BaseCommand):
    help = (
        "Create a large, realistic dataset for benchmarks (factor 1: 5,000 people, "
        "50,000 milestones, 20,000 documents...) in an empty, migrated database."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--factor",
            type=float,
            default=1.0,
            help="Size relative to the reference dataset: 0.1 is a tenth, 10 ten times.",
        )
        parser.add_argument(
            "--seed", type=int, default=None, help="Random seed (the same seed, same data)."
        )
        parser.add_argument(
            "--today",
            type=datetime.date.fromisoformat,
            default=None,
            help="The day dates are relative to (YYYY-MM-DD); today by default.",
        )

    def handle(self, *args, factor, seed, today, **options):
        try:
            import bench.scale as scale
        except ImportError as exc:
            raise CommandError(
                "seed_scale needs the benchmarks' bench/ folder, which is not installed "
                "here: run it from a checkout of the repository."
            ) from exc
        try:
            sizes = scale.Sizes.for_factor(factor)
        except ValueError as exc:
            raise CommandError(str(exc)) from exc
        self.stdout.write(
            f"Seeding factor {factor:g}: {sizes.users:,} people, {sizes.projects:,} projects, "
            f"{sizes.milestones:,} milestones, {sizes.applications:,} applications, "
            f"{sizes.documents:,} documents, {sizes.handovers:,} handovers, "
            f"{sizes.notifications:,} notifications."
        )
        try:
            report = scale.seed(
                factor=factor,
                seed=scale.DEFAULT_SEED if seed is None else seed,
                today=today,
                progress=self.stdout.write,
            )
        except scale.AlreadySeeded as exc:
            raise CommandError(str(exc)) from exc
        for label, count in sorted(report.counts.items()):
            self.stdout.write(f"  {label:32} {count:>10,}")
        self.stdout.write(
            self.style.SUCCESS(f"Seeded in {report.seconds:.1f} s (seed {report.seed}).")
        )
        for role, email in scale.BENCH_USERS.items():
            self.stdout.write(f"  {role:18} {email}")
