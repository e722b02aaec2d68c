"""The daily run of the retention schedule (beat: records-apply-retention)."""

import logging

from celery import shared_task

from . import services

logger = logging.getLogger(__name__)


@shared_task(ignore_result=True)
def apply_retention_daily() -> int:
    """Apply the schedule for real and record the run; return how many records it acted
    on. A second copy started while one runs stops at once (a lock in the cache)."""
    try:
        report = services.apply_retention(dry_run=False)
    except RuntimeError as exc:
        logger.warning("Retention: %s", exc)
        return 0
    total = sum(report.counts.values())
    logger.info(
        "Retention: acted on %s records %s; errors: %s", total, report.counts, report.errors
    )
    return total
