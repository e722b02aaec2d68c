"""List files in storage that no record points to; with --delete, remove the old ones."""

from datetime import timedelta

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.template.defaultfilters import filesizeformat
from django.utils import timezone

from portal.orphans import MINIMUM_GRACE, orphaned_files_delete, orphaned_files_find


class Command(BaseCommand):
    help = (
        "Report files in the default storage that no record points to (left by uploads "
        "whose transaction rolled back). With --delete, delete those older than the grace "
        "period."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--delete",
            action="store_true",
            help="Delete the orphaned files older than the grace period.",
        )
        parser.add_argument(
            "--older-than",
            type=float,
            default=None,
            metavar="HOURS",
            help="Grace period in hours (default ORPHANED_FILES_GRACE_HOURS, "
            f"{settings.ORPHANED_FILES_GRACE_HOURS}); at least 1 when deleting.",
        )

    def handle(self, *args, delete: bool, older_than: float | None, **options):
        hours = settings.ORPHANED_FILES_GRACE_HOURS if older_than is None else older_than
        grace = timedelta(hours=hours)
        now = timezone.now()
        if delete:
            if grace < MINIMUM_GRACE:
                raise CommandError("--older-than must be at least 1 hour when deleting.")
            report = orphaned_files_delete(grace=grace, now=now)
        else:
            report = orphaned_files_find(grace=grace)
        deleted = set(report.deleted)
        for f in report.orphans:
            hours_old = (now - f.modified).total_seconds() / 3600 if f.modified else None
            age = f"{hours_old:.1f} h old" if hours_old is not None else "age unknown"
            size = filesizeformat(f.size) if f.size is not None else "size unknown"
            state = " (deleted)" if f.name in deleted else ""
            self.stdout.write(f"{f.name}\t{size}\t{age}{state}")
        old = len(report.past_grace(now))
        summary = (
            f"{len(report.orphans)} orphaned file(s) among {report.scanned} in storage; "
            f"{old} older than {hours:g} hours."
        )
        if delete:
            summary += f" Deleted {len(report.deleted)}."
        elif old:
            summary += " Run with --delete to remove those."
        self.stdout.write(summary)
