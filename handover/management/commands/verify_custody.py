"""Check every handover's custody chain; exit non-zero naming the first broken link."""

from django.core.management.base import BaseCommand, CommandError

from handover.custody import verify_chains


class Command(BaseCommand):
    help = (
        "Verify the hash chain of every handover's custody record. Exits 0 when every chain "
        "is intact, and 1 naming the first broken link (handover reference and event) when not."
    )

    def handle(self, *args, **options):
        checked_handovers, checked_events, broken = verify_chains()
        if broken is not None:
            raise CommandError(f"Custody chain broken: {broken}")
        self.stdout.write(
            self.style.SUCCESS(
                f"Custody intact: {checked_events} events in {checked_handovers} "
                "handovers verified."
            )
        )
