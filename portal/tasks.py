"""Housekeeping across the portal's storage."""

import logging
from datetime import timedelta

from celery import shared_task
from django.conf import settings

from .orphans import orphaned_files_delete, orphaned_files_find

logger = logging.getLogger(__name__)


@shared_task(ignore_result=True)
def orphaned_files_sweep() -> int:
    """Weekly: report orphaned files; delete the old ones if ORPHANED_FILES_DELETE is on."""
    grace = timedelta(hours=settings.ORPHANED_FILES_GRACE_HOURS)
    if settings.ORPHANED_FILES_DELETE:
        report = orphaned_files_delete(grace=grace)
    else:
        report = orphaned_files_find(grace=grace)
    logger.info(
        "Orphaned files: %s found among %s in storage, %s deleted.",
        len(report.orphans),
        report.scanned,
        len(report.deleted),
    )
    return len(report.orphans)
