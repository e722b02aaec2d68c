"""Apply the retention schedule now, or report what it would do (docs/records.md)."""

from django.core.management.base import BaseCommand, CommandError

from records import services


class Command(BaseCommand):
    help = "Apply the retention schedule (or, with --dry-run, report what it would do)."

    def add_arguments(self, parser):
        parser.add_argument("--dry-run", action="store_true", help="Report only; change nothing.")

    def handle(self, *args, dry_run: bool = False, **options):
        try:
            report = services.apply_retention(dry_run=dry_run)
        except RuntimeError as exc:
            raise CommandError(str(exc)) from exc
        verb = "would act on" if dry_run else "acted on"
        for entry in report.types:
            state = "" if entry.enabled else " (paused)"
            line = (
                f"{entry.label}{state}: {verb} {entry.count} "
                f"({entry.action_label.lower()}; kept {entry.period_months} months, "
                f"cutoff {entry.cutoff:%Y-%m-%d})"
            )
            self.stdout.write(line)
            if entry.error:
                self.stderr.write(f"  failed: {entry.error}")
        if report.errors:
            raise CommandError(f"{len(report.errors)} record type(s) failed; see above.")
