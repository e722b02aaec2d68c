from django.core.management.base import BaseCommand

from notifications import services
from notifications.services.queue import start_delivery


class Command(BaseCommand):
    help = "Run every reminder rule once (as the 5-minutely beat task does) and deliver."

    def add_arguments(self, parser):
        parser.add_argument(
            "--deliver", action="store_true", help="Also deliver what is due, in this process."
        )
        parser.add_argument(
            "--no-enqueue", action="store_true", help="Do not ask a worker to deliver."
        )

    def handle(self, *args, **options):
        result = services.reminder_scan()
        for name, count in sorted(result.created.items()):
            self.stdout.write(f"{name}: {count} new")
        for name in result.failed:
            self.stderr.write(f"{name}: failed (see the log)")
        self.stdout.write(f"{result.total} new reminder(s)")
        if options["deliver"]:
            total = 0
            while True:
                delivered = services.reminder_deliver_due()
                total += delivered.claimed
                if delivered.claimed < services.batch_size():
                    break
            self.stdout.write(f"{total} reminder(s) delivered or queued for digests")
        elif not options["no_enqueue"]:
            start_delivery()
