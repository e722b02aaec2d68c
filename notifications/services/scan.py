"""The scan: every registered rule once, its due set added to the ledger in one statement."""

import logging
from dataclasses import dataclass, field
from datetime import datetime

from django.contrib.contenttypes.models import ContentType
from django.db import connection, transaction
from django.utils import timezone

from .. import rules as registry
from ..models import Reminder

logger = logging.getLogger(__name__)

Status = Reminder.Status


def scan_sql(rule: registry.Rule, now: datetime) -> tuple[str, list]:
    """The one statement that adds ``rule``'s due set to the ledger, ignoring known keys.

    The due set never leaves the database, and concurrent scans cannot create a row twice
    because the unique key decides.
    """
    inner_sql, inner_params = rule.due(now).order_by().query.sql_with_params()
    qn = connection.ops.quote_name
    table = qn(Reminder._meta.db_table)
    columns = [
        "kind", "content_type_id", "object_id", "recipient_id", "window", "due_at", "status",
        "delivery", "available_at", "claim_token", "attempts", "last_error", "created",
    ]  # fmt: skip
    key = ["kind", "content_type_id", "object_id", "recipient_id", "window"]
    content_type = ContentType.objects.get_for_model(rule.model)
    # Identifiers are quoted by the backend and every value is a parameter.
    # The WHERE clause also resolves SQLite's INSERT ... SELECT ... ON CONFLICT ambiguity.
    sql = (
        f"INSERT INTO {table} ({', '.join(qn(c) for c in columns)}) "  # noqa: S608
        f"SELECT %s, %s, s.{qn(registry.OBJECT)}, s.{qn(registry.RECIPIENT)}, "
        f"s.{qn(registry.WINDOW)}, s.{qn(registry.DUE)}, %s, '', %s, '', 0, '', %s "
        f"FROM ({inner_sql}) s WHERE NOT EXISTS (SELECT 1 FROM {table} r WHERE "
        f"r.{qn('kind')} = %s AND r.{qn('content_type_id')} = %s "
        f"AND r.{qn('object_id')} = s.{qn(registry.OBJECT)} "
        f"AND r.{qn('recipient_id')} = s.{qn(registry.RECIPIENT)} "
        f"AND r.{qn('window')} = s.{qn(registry.WINDOW)}) "
        f"ON CONFLICT ({', '.join(qn(c) for c in key)}) DO NOTHING"
    )
    when = connection.ops.adapt_datetimefield_value(now)
    # Known keys are skipped by the anti-join (one index probe each, cheaper than a
    # conflicting insert); ON CONFLICT still settles races between concurrent scans.
    return sql, [
        rule.kind,
        content_type.pk,
        Status.PENDING,
        when,
        when,
        *inner_params,
        rule.kind,
        content_type.pk,
    ]


def insert_due(rule: registry.Rule, now: datetime) -> int:
    sql, params = scan_sql(rule, now)
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return max(cursor.rowcount, 0)


@dataclass
class ScanResult:
    created: dict[str, int] = field(default_factory=dict)
    failed: list[str] = field(default_factory=list)

    @property
    def total(self) -> int:
        return sum(self.created.values())


def reminder_scan(*, now: datetime | None = None) -> ScanResult:
    """Run every registered rule once and add what is newly due to the ledger."""
    now = now or timezone.now()
    result = ScanResult()
    for rule in registry.all_rules():
        try:
            # Each rule is one statement, atomic by itself; inside a caller's transaction
            # a savepoint keeps one failing rule from spoiling it.
            if connection.in_atomic_block:
                with transaction.atomic():
                    result.created[rule.name] = insert_due(rule, now)
            else:
                result.created[rule.name] = insert_due(rule, now)
        except Exception:  # one broken rule must not stop the others
            logger.exception("Reminder rule %s failed", rule.name)
            result.failed.append(rule.name)
    if result.total:
        logger.info("Reminder scan created %s reminder(s): %s", result.total, result.created)
    return result
