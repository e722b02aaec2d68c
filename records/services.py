"""Applying the retention schedule: the dry run (a report) and the real run."""

import datetime
import logging
from dataclasses import dataclass, field

from django.core.cache import cache
from django.core.files.storage import default_storage
from django.db import IntegrityError, transaction
from django.db.models import F
from django.urls import NoReverseMatch, reverse
from django.utils import timezone

from accounts import access as accounts_access
from audit import services as audit_services
from audit.models import AuditEvent

from .models import PendingFileDeletion, RetentionRule, RetentionRun
from .registry import Action, RecordType, record_types

logger = logging.getLogger(__name__)

BATCH_SIZE = 200
# A run stops acting on one type after this many batches (it carries on the next day).
MAX_BATCHES = 50
SAMPLE_SIZE = 5
LOCK_KEY = "records:retention:running"
LOCK_SECONDS = 60 * 60


def months_before(moment: datetime.datetime, months: int) -> datetime.datetime:
    """``moment`` moved back by whole calendar months (31 March less one month is the
    last day of February)."""
    month_index = moment.year * 12 + (moment.month - 1) - months
    year, month = divmod(month_index, 12)
    month += 1
    following = datetime.date(year + month // 12, month % 12 + 1, 1)
    last_day = (following - datetime.timedelta(days=1)).day
    return moment.replace(year=year, month=month, day=min(moment.day, last_day))


# --- the rules ------------------------------------------------------------------------


def rules_ensure() -> dict[str, RetentionRule]:
    """A rule for every registered record type (a type registered after the seeded
    defaults, such as a new app's, starts with its own default), by record type."""
    rules = {rule.record_type: rule for rule in RetentionRule.objects.all()}
    for record_type in record_types():
        if record_type.key not in rules:
            rule, _ = RetentionRule.objects.get_or_create(
                record_type=record_type.key,
                defaults={
                    "label": record_type.label,
                    "period_months": record_type.default_months,
                    "action": record_type.action,
                },
            )
            rules[record_type.key] = rule
    return rules


def schedule() -> list[tuple[RecordType, RetentionRule]]:
    """Each registered type with its rule, in the registry's order."""
    rules = rules_ensure()
    return [(record_type, rules[record_type.key]) for record_type in record_types()]


# --- the report -----------------------------------------------------------------------


@dataclass
class Sample:
    pk: object
    label: str
    url: str = ""


@dataclass
class TypeReport:
    key: str
    label: str
    action: str
    action_label: str
    period_months: int
    cutoff: datetime.datetime
    enabled: bool
    count: int = 0
    samples: list[Sample] = field(default_factory=list)
    error: str = ""


@dataclass
class Report:
    now: datetime.datetime
    dry_run: bool
    types: list[TypeReport] = field(default_factory=list)
    run: RetentionRun | None = None

    @property
    def counts(self) -> dict[str, int]:
        return {t.key: t.count for t in self.types}

    @property
    def errors(self) -> dict[str, str]:
        return {t.key: t.error for t in self.types if t.error}


def _admin_url(obj) -> str:
    meta = obj._meta
    try:
        return reverse(f"admin:{meta.app_label}_{meta.model_name}_change", args=[obj.pk])
    except NoReverseMatch:
        return ""


def _scoped(queryset, record_type: RecordType, user):
    """What of ``queryset`` a dry run for ``user`` may show: everything for a superuser
    (or the daily run), an institute admin's own institute's records otherwise."""
    if user is None or user.is_superuser:
        return queryset
    if not record_type.institute_lookups:
        return queryset.none()
    return accounts_access.in_admin_scope(
        queryset, user=user, lookups=record_type.institute_lookups
    )


def _dry_run_type(report: TypeReport, record_type: RecordType, user) -> None:
    candidates = _scoped(record_type.candidates(report.cutoff), record_type, user)
    report.count = candidates.count()
    for obj in candidates.order_by("pk")[:SAMPLE_SIZE]:
        report.samples.append(Sample(pk=obj.pk, label=str(obj)[:200], url=_admin_url(obj)))


# --- acting, in batches ---------------------------------------------------------------


def _delete_stored(names: list[str]) -> None:
    """After the commit: delete each file, and its pending row once it is gone."""
    for name in names:
        try:
            default_storage.delete(name)
        except Exception as exc:  # storage errors vary by backend; the row stays to retry
            logger.warning("Retention: could not delete %s: %s", name, exc)
            PendingFileDeletion.objects.filter(name=name).update(
                attempts=F("attempts") + 1, last_error=str(exc)[:500]
            )
        else:
            PendingFileDeletion.objects.filter(name=name).delete()


def _queue_files(names: list[str], record_type: RecordType) -> None:
    names = sorted({n for n in names if n})
    if not names:
        return
    PendingFileDeletion.objects.bulk_create(
        [PendingFileDeletion(name=n, record_type=record_type.key) for n in names],
        ignore_conflicts=True,
    )
    transaction.on_commit(lambda: _delete_stored(names))


def _apply_type(report: TypeReport, record_type: RecordType, now: datetime.datetime) -> None:
    seen: set = set()
    for _ in range(MAX_BATCHES):
        ids = list(
            record_type.candidates(report.cutoff)
            .order_by("pk")
            .values_list("pk", flat=True)
            .distinct()[:BATCH_SIZE]
        )
        if not ids:
            return
        if seen.intersection(ids):
            raise RuntimeError(
                "records acted on are still candidates; the type's action did not take"
            )
        seen.update(ids)
        with transaction.atomic():
            names = record_type.apply(ids, now)
            _queue_files(names, record_type)
        report.count += len(ids)
        room = max(SAMPLE_SIZE - len(report.samples), 0)
        report.samples.extend(Sample(pk=pk, label=str(pk)) for pk in ids[:room])


def retry_pending_files() -> int:
    """Delete the files an earlier run released but could not remove; return how many
    are still waiting."""
    names = list(PendingFileDeletion.objects.values_list("name", flat=True)[:1000])
    _delete_stored(names)
    return PendingFileDeletion.objects.count()


def apply_retention(
    *, now: datetime.datetime | None = None, dry_run: bool = True, user=None
) -> Report:
    """Apply the schedule (or, with ``dry_run``, report what applying it would do).

    A dry run changes nothing but the run history. For an institute admin it counts and
    samples their own institute's records only. A real run is the daily task's (or an
    operator's, through ``manage.py apply_retention``): it acts on every institute's
    records, type by type in batches, each batch in one transaction; files leave storage
    only after their batch commits. Only enabled rules act; a failing type is reported
    and the others still run.
    """
    now = now or timezone.now()
    if not dry_run and user is not None and not user.is_superuser:
        raise PermissionError("Only a superuser or the daily run applies the schedule.")
    report = Report(now=now, dry_run=dry_run)
    if not dry_run and not cache.add(LOCK_KEY, now.isoformat(), LOCK_SECONDS):
        raise RuntimeError("Another retention run is in progress.")
    try:
        if not dry_run:
            retry_pending_files()
        for record_type, rule in schedule():
            type_report = TypeReport(
                key=record_type.key,
                label=rule.label,
                action=rule.action,
                action_label=Action(rule.action).label,
                period_months=rule.period_months,
                cutoff=months_before(now, rule.period_months),
                enabled=rule.enabled,
            )
            report.types.append(type_report)
            if not rule.enabled:
                continue
            try:
                if dry_run:
                    _dry_run_type(type_report, record_type, user)
                else:
                    _apply_type(type_report, record_type, now)
            except Exception as exc:  # one type's failure must not stop the others
                logger.exception("Retention: %s failed", record_type.key)
                type_report.error = f"{type(exc).__name__}: {exc}"[:500]
    finally:
        if not dry_run:
            cache.delete(LOCK_KEY)
    report.run = _record_run(report, user)
    return report


def _record_run(report: Report, user) -> RetentionRun:
    try:
        run = RetentionRun.objects.create(
            started_at=report.now,
            finished_at=timezone.now(),
            dry_run=report.dry_run,
            started_by=user,
            institute=user.institute if user is not None and not user.is_superuser else None,
            counts=report.counts,
            errors=report.errors,
        )
    except IntegrityError:  # pragma: no cover - a vanished user
        run = RetentionRun.objects.create(
            started_at=report.now, dry_run=report.dry_run, counts=report.counts
        )
    what = "Dry run of" if report.dry_run else "Applied"
    audit_services.record(
        event=AuditEvent.RETENTION,
        actor=user,
        obj=run,
        new={"counts": report.counts, "errors": report.errors},
        summary=f"{what} the retention schedule: {sum(report.counts.values())} records.",
    )
    return run


def rule_changed(*, rule: RetentionRule, actor, old: dict, request=None) -> None:
    """Record an admin's change to a rule in the audit log."""
    new = {k: getattr(rule, k) for k in ("period_months", "enabled", "notes")}
    audit_services.record(
        event=AuditEvent.RETENTION,
        actor=actor,
        obj=rule,
        old=old,
        new=new,
        request=request,
        summary=f"Retention rule changed: {rule.label}.",
    )
