"""Check every handover's custody chain; exit non-zero naming the first broken link."""

from django.core.management.base import BaseCommand, CommandError

from handover.custody import verify_chains
from handover.integrity import verify_stored_files


class Command(BaseCommand):
    help = (
        "Verify the hash chain of every handover's custody record. Exits 0 when every chain "
        "is intact, and 1 naming the first broken link (handover reference and event) when not. "
        "With --files, also re-read every stored file and compare it with its recorded SHA-256."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--files",
            action="store_true",
            help="Also check every stored document file against its recorded SHA-256.",
        )

    def handle(self, *args, files: bool = False, **options):
        checked_handovers, checked_events, broken = verify_chains()
        if broken is not None:
            raise CommandError(f"Custody chain broken: {broken}")
        self.stdout.write(
            self.style.SUCCESS(
                f"Custody intact: {checked_events} events in {checked_handovers} "
                "handovers verified."
            )
        )
        if not files:
            return
        checked_files, problems = verify_stored_files()
        for problem in problems:
            self.stderr.write(f"File does not match: {problem}")
        if problems:
            raise CommandError(
                f"{len(problems)} of {checked_files} stored files do not match their "
                "recorded SHA-256."
            )
        self.stdout.write(
            self.style.SUCCESS(f"Files intact: {checked_files} stored files match their SHA-256.")
        )
