"""Exchange quotas: person-months and places counted against what the partners agreed.

Reads only (the acceptance service asks here, and the reciprocity page).

**Counting person-months.** A stay runs from its start date up to, not including, its
end date, as every exchange date does (a three-month secondment from 15 January ends on
15 April). Each calendar month the stay touches counts the share of that month's days it
covers: a whole calendar month is 1 person-month, 1 to 15 June (15 of June's 30 days)
0.5. A year's person-months are the sum over its own months, so a secondment across New
Year counts in each year exactly what it spends there, and the years add up to the whole.

**Counting places.** A place is one secondment, counted in the calendar year it starts.

**Used** is what has started: active, completed and ended-early secondments (an early end
counts up to the day it ended). **Planned** is accepted but not started: secondments in
planning or ready. Cancelled ones count nowhere. **Left** is agreed − used − planned;
below zero the quota is over.
"""

import calendar
import datetime
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass

from django.db.models import QuerySet

from programmes.models import Programme

from .models import Direction, ExchangeQuota, QuotaUnit, Secondment

USED_STATES = (
    Secondment.Status.ACTIVE,
    Secondment.Status.COMPLETED,
    Secondment.Status.ENDED_EARLY,
)
PLANNED_STATES = (Secondment.Status.PLANNING, Secondment.Status.READY)
COUNTED_STATES = USED_STATES + PLANNED_STATES

# Sums of month shares are compared at this precision, so 11.999... is 12.
PRECISION = 4


def person_months_by_year(start: datetime.date, end: datetime.date) -> dict[int, float]:
    """Person-months per calendar year for a stay from ``start`` up to ``end`` (the rule
    in this module's docstring). Years with nothing are left out."""
    result: dict[int, float] = defaultdict(float)
    day = datetime.date(start.year, start.month, 1)
    while day < end:
        days_in_month = calendar.monthrange(day.year, day.month)[1]
        following = day + datetime.timedelta(days=days_in_month)
        covered = (min(end, following) - max(start, day)).days
        if covered > 0:
            result[day.year] += covered / days_in_month
        day = following
    return {year: round(months, PRECISION) for year, months in result.items()}


def amount_by_year(unit: str, start: datetime.date, end: datetime.date) -> dict[int, float]:
    """What a stay counts against a quota in ``unit``, per year."""
    if unit == QuotaUnit.PLACES:
        return {start.year: 1.0}
    return person_months_by_year(start, end)


def show_amount(value, unit: str) -> str:
    """An amount as people read it: person-months to one decimal place, places whole."""
    value = float(value)
    if unit == QuotaUnit.PLACES:
        text = f"{value:,.0f}" if value == int(value) else f"{value:,.1f}"
        return f"{text} place{'' if abs(value) == 1 else 's'}"
    return f"{value:,.1f} person-month{'' if round(abs(value), 1) == 1 else 's'}"


@dataclass
class QuotaUsage:
    quota: ExchangeQuota
    used: float = 0.0
    planned: float = 0.0

    @property
    def agreed(self) -> float:
        return float(self.quota.agreed)

    @property
    def left(self) -> float:
        return round(self.agreed - self.used - self.planned, PRECISION)

    @property
    def over(self) -> bool:
        return self.left < 0

    def show(self, value) -> str:
        return show_amount(value, self.quota.unit)


@dataclass
class QuotaExcess:
    """Accepting a stay would take ``usage``'s quota over by ``over_by``."""

    usage: QuotaUsage
    this: float

    @property
    def after(self) -> float:
        return round(self.usage.used + self.usage.planned + self.this, PRECISION)

    @property
    def over_by(self) -> float:
        return round(self.after - self.usage.agreed, PRECISION)

    @property
    def message(self) -> str:
        usage, quota = self.usage, self.usage.quota
        show = usage.show
        return (
            f"The {quota.get_direction_display()} quota for {quota.year} in {quota.programme} "
            f"is {show(usage.agreed)}: {show(usage.used)} used and {show(usage.planned)} "
            f"planned. Accepting adds {show(self.this)}, {show(self.over_by)} over the quota."
        )


def _tally(
    quotas: list[ExchangeQuota], *, exclude_secondment: int | None = None
) -> list[QuotaUsage]:
    """Used and planned for each of ``quotas``, in one query over the secondments."""
    usages = [QuotaUsage(quota) for quota in quotas]
    if not usages:
        return usages
    by_key = {(u.quota.programme_id, u.quota.year, u.quota.direction): u for u in usages}
    first = min(q.year for q in quotas)
    last = max(q.year for q in quotas)
    rows = Secondment.objects.filter(
        programme_id__in={q.programme_id for q in quotas},
        direction__in={q.direction for q in quotas},
        status__in=COUNTED_STATES,
        start_date__lt=datetime.date(last + 1, 1, 1),
        end_date__gt=datetime.date(first, 1, 1),
    )
    if exclude_secondment:
        rows = rows.exclude(pk=exclude_secondment)
    units = {key: usage.quota.unit for key, usage in by_key.items()}
    for programme_id, direction, status, start, end in rows.values_list(
        "programme_id", "direction", "status", "start_date", "end_date"
    ):
        for unit in {QuotaUnit.PERSON_MONTHS, QuotaUnit.PLACES}:
            for year, amount in amount_by_year(unit, start, end).items():
                key = (programme_id, year, direction)
                if units.get(key) != unit:
                    continue
                usage = by_key[key]
                if status in USED_STATES:
                    usage.used = round(usage.used + amount, PRECISION)
                else:
                    usage.planned = round(usage.planned + amount, PRECISION)
    return usages


def quota_usage(quotas: Iterable[ExchangeQuota] | QuerySet[ExchangeQuota]) -> list[QuotaUsage]:
    """Agreed, used, planned and left for each quota: two queries whatever the numbers."""
    return _tally(list(quotas))


def quota_excesses(
    *,
    programme: Programme | None,
    direction: str,
    start: datetime.date | None,
    end: datetime.date | None,
    lock: bool = False,
) -> list[QuotaExcess]:
    """The quotas a stay from ``start`` to ``end`` would take over, if accepted now.

    No quota for a year means nothing to exceed there. ``lock`` (inside a transaction)
    holds the quota rows so that two acceptances cannot both pass against the last of one.
    """
    if programme is None or start is None or end is None or end <= start:
        return []
    years = set(person_months_by_year(start, end)) | {start.year}
    quotas = ExchangeQuota.objects.filter(
        programme=programme, direction=direction, year__in=years
    ).select_related("programme")
    if lock:
        quotas = quotas.select_for_update(of=("self",))
    excesses = []
    for usage in _tally(list(quotas.order_by("year"))):
        this = amount_by_year(usage.quota.unit, start, end).get(usage.quota.year, 0.0)
        if not this:
            continue
        excess = QuotaExcess(usage=usage, this=this)
        if excess.over_by > 0:
            excesses.append(excess)
    return excesses


# --- the reciprocity report --------------------------------------------------------------


def _quota_cell(usage: QuotaUsage | None) -> dict | None:
    if usage is None:
        return None
    places = usage.quota.unit == QuotaUnit.PLACES

    def number(value: float) -> str:
        text = f"{value:,.0f}" if places and value == int(value) else f"{value:,.1f}"
        return text.replace("-", "−")

    return {
        "agreed": usage.show(usage.agreed),
        "used": number(usage.used),
        "planned": number(usage.planned),
        "left": number(usage.left),
        "over": usage.over,
    }


def reciprocity_rows(programmes: list[Programme]) -> dict[int, list[dict]]:
    """Per programme: each year with secondments or a quota, and per direction the
    person-months used and planned and, where a quota is set, agreed, used, planned and
    left in its unit. Three queries whatever the numbers."""
    quotas = list(
        ExchangeQuota.objects.filter(programme__in=programmes).select_related("programme")
    )
    usage_by_key = {
        (u.quota.programme_id, u.quota.year, u.quota.direction): u for u in _tally(quotas)
    }
    months: dict = defaultdict(lambda: defaultdict(float))
    for programme_id, direction, status, start, end in Secondment.objects.filter(
        programme__in=programmes, status__in=COUNTED_STATES
    ).values_list("programme_id", "direction", "status", "start_date", "end_date"):
        bucket = "used" if status in USED_STATES else "planned"
        for year, amount in person_months_by_year(start, end).items():
            months[(programme_id, year)][(direction, bucket)] += amount
    report: dict[int, list[dict]] = {}
    for programme in programmes:
        years = {year for (pid, year) in months if pid == programme.pk} | {
            year for (pid, year, _d) in usage_by_key if pid == programme.pk
        }
        rows = []
        for year in sorted(years):
            cells = months.get((programme.pk, year), {})
            directions = []
            for direction, label in Direction.choices:
                used = round(cells.get((direction, "used"), 0.0), 1)
                planned = round(cells.get((direction, "planned"), 0.0), 1)
                target = programme.reciprocity_target_months
                directions.append(
                    {
                        "direction": label,
                        "used": used,
                        "planned": planned,
                        "total": round(used + planned, 1),
                        "target": target,
                        "meets_target": target == 0 or used + planned >= target,
                        "quota": _quota_cell(usage_by_key.get((programme.pk, year, direction))),
                    }
                )
            rows.append({"year": year, "directions": directions})
        report[programme.pk] = rows
    return report
