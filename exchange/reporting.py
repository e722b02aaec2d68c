"""The exchange reports for managers and admins: every figure they show or export.

Each section starts from the report scope in ``access`` (the exchanges the person's
institute sends or hosts) and the page's filters, and reads with a fixed number of
queries whatever the number of records: applications by status with the time spent in
each stage, secondments by direction, institute, team and year, person-months against
the programmes' targets, and checklist items running late.
"""

import datetime
import statistics
from collections import defaultdict
from dataclasses import dataclass

from django.db.models import Count, F, OuterRef, QuerySet, Subquery, Value, Window
from django.db.models.functions import Coalesce, ExtractYear, Lead

from programmes.models import Programme

from . import access, selectors
from .models import Application, ApplicationEvent, ChecklistItem, Direction, Party, Secondment

DIRECTION_LABELS = dict(Direction.choices)
STATUS_LABELS = dict(Application.Status.choices)
PARTY_LABELS = dict(Party.choices)
# Stages an application waits in (a final status is an outcome, not a wait).
STAGES = (
    Application.Status.DRAFT,
    Application.Status.SUBMITTED,
    Application.Status.ENDORSED,
    Application.Status.RETURNED,
)
NO_TEAM = "No team (open application or added directly)"


@dataclass(frozen=True)
class ReportFilters:
    """What the page's filter form chose: a calendar year, a programme, a direction."""

    year: int | None = None
    programme_id: int | None = None
    direction: str = ""


def programmes_in_reports(user) -> QuerySet[Programme]:
    """The programmes the filter offers: those the person's institute takes part in."""
    if not access.may_see_exchange_reports(user):
        return Programme.objects.none()
    if user.is_superuser:
        return Programme.objects.order_by("name")
    return Programme.objects.filter(institutes=user.institute_id).order_by("name")


def _year_bounds(year: int) -> tuple[datetime.datetime, datetime.datetime]:
    return (
        datetime.datetime(year, 1, 1, tzinfo=datetime.UTC),
        datetime.datetime(year + 1, 1, 1, tzinfo=datetime.UTC),
    )


def _days(delta: datetime.timedelta) -> float:
    return delta.total_seconds() / 86400


# --- (a) applications -----------------------------------------------------------------


def applications_for(user, filters: ReportFilters) -> QuerySet[Application]:
    """The applications in the person's reports, filtered. The year is the year (UTC) of
    the application's first submission."""
    queryset = access.applications_in_reports(user)
    if filters.programme_id:
        queryset = queryset.filter(programme_id=filters.programme_id)
    if filters.direction:
        queryset = queryset.filter(direction=filters.direction)
    if filters.year:
        first_submitted = (
            ApplicationEvent.objects.filter(
                application=OuterRef("pk"), to_status=Application.Status.SUBMITTED
            )
            .order_by("at", "pk")
            .values("at")[:1]
        )
        start, end = _year_bounds(filters.year)
        queryset = queryset.annotate(first_submitted_at=Subquery(first_submitted)).filter(
            first_submitted_at__gte=start, first_submitted_at__lt=end
        )
    return queryset


def application_figures(user, filters: ReportFilters) -> list[dict]:
    """One row per status: how many applications are in it now and, for the stages an
    application waits in, how long finished stays lasted (median and mean days, from the
    application's events: a stay runs from the event that began it to the next one).
    Two queries."""
    applications = applications_for(user, filters)
    now = dict(
        applications.order_by()
        .values_list("status")
        .annotate(n=Count("pk"))
        .values_list("status", "n")
    )
    stays: dict[str, list[float]] = defaultdict(list)
    events = (
        ApplicationEvent.objects.filter(application__in=applications.values("pk"))
        .annotate(
            left_at=Window(
                Lead("at"),
                partition_by=[F("application_id")],
                order_by=[F("at").asc(), F("pk").asc()],
            )
        )
        .values_list("to_status", "at", "left_at")
    )
    for stage, began, left in events.iterator(chunk_size=2000):
        if left is not None and stage in STAGES:
            stays[stage].append(_days(left - began))
    rows = []
    for status, label in Application.Status.choices:
        durations = stays.get(status, [])
        count = now.get(status, 0)
        if not count and not durations:
            continue
        waits = status in STAGES
        rows.append(
            {
                "status": status,
                "label": label,
                "count": count,
                "stays": len(durations) if waits else None,
                "median_days": round(statistics.median(durations), 1) if durations else None,
                "mean_days": round(statistics.fmean(durations), 1) if durations else None,
            }
        )
    return rows


APPLICATION_HEADERS = [
    "Status or stage",
    "Applications now",
    "Finished stays in this stage",
    "Median days in stage",
    "Mean days in stage",
]


def application_rows(rows: list[dict]):
    for row in rows:
        yield (row["label"], row["count"], row["stays"], row["median_days"], row["mean_days"])


# --- (b) secondments ------------------------------------------------------------------

PLANNED = (Secondment.Status.PLANNING, Secondment.Status.READY)
FINISHED = (Secondment.Status.COMPLETED, Secondment.Status.ENDED_EARLY)


def secondments_for(user, filters: ReportFilters) -> QuerySet[Secondment]:
    """The secondments in the person's reports, filtered; the year is the start's."""
    queryset = access.secondments_in_reports(user)
    if filters.programme_id:
        queryset = queryset.filter(programme_id=filters.programme_id)
    if filters.direction:
        queryset = queryset.filter(direction=filters.direction)
    if filters.year:
        queryset = queryset.filter(start_date__year=filters.year)
    return queryset


GROUP_COLUMNS = (
    "year",
    "direction",
    "home_institute__code",
    "host_institute__code",
    "team_name",
    "status",
)


def secondment_groups(user, filters: ReportFilters) -> list[tuple]:
    """Counts of secondments by year, direction, home and host institute, team and
    status, in one query: ``(year, direction, home, host, team, status, count)``."""
    return list(
        secondments_for(user, filters)
        .order_by()
        .annotate(
            year=ExtractYear("start_date"),
            team_name=Coalesce("application__opportunity__team", Value("")),
        )
        .values_list(*GROUP_COLUMNS)
        .annotate(n=Count("pk"))
        .order_by(*GROUP_COLUMNS)
    )


def _bucket(status: str) -> str:
    if status in PLANNED:
        return "planned"
    if status == Secondment.Status.ACTIVE:
        return "active"
    if status in FINISHED:
        return "finished"
    return "cancelled"


def _counts() -> dict:
    return {"planned": 0, "active": 0, "finished": 0, "cancelled": 0, "total": 0}


def secondment_figures(user, filters: ReportFilters) -> dict:
    """Secondments by direction, by institute (sent and hosted), by team and by year;
    each with planned, active, finished and cancelled counts, and a total that leaves
    the cancelled out."""
    by_direction: dict = defaultdict(_counts)
    by_team: dict = defaultdict(_counts)
    by_year: dict = defaultdict(_counts)
    by_year_direction: dict = defaultdict(int)
    by_institute: dict = defaultdict(lambda: {"sent": 0, "hosted": 0})
    for year, direction, home, host, team, status, n in secondment_groups(user, filters):
        bucket = _bucket(status)
        for table, key in (
            (by_direction, DIRECTION_LABELS.get(direction, direction)),
            (by_team, team or NO_TEAM),
            (by_year, year),
        ):
            table[key][bucket] += n
            if bucket != "cancelled":
                table[key]["total"] += n
        if bucket != "cancelled":
            by_institute[home]["sent"] += n
            by_institute[host]["hosted"] += n
            by_year_direction[(year, DIRECTION_LABELS.get(direction, direction))] += n
    return {
        "by_direction": [
            {"label": label, **by_direction[label]}
            for label in DIRECTION_LABELS.values()
            if label in by_direction
        ],
        "by_institute": [{"label": code, **by_institute[code]} for code in sorted(by_institute)],
        "by_team": [
            {"label": team, **by_team[team]}
            for team in sorted(by_team, key=lambda t: (t == NO_TEAM, t.lower()))
        ],
        "by_year": [{"label": year, **by_year[year]} for year in sorted(by_year)],
        "by_year_direction": [
            {"label": f"{year} · {direction}", "count": count}
            for (year, direction), count in sorted(by_year_direction.items())
        ],
    }


SECONDMENT_HEADERS = [
    "Start year",
    "Direction",
    "Home institute",
    "Host institute",
    "Team",
    "Status",
    "Secondments",
]
SECONDMENT_STATUS_LABELS = dict(Secondment.Status.choices)


def secondment_rows(groups: list[tuple]):
    for year, direction, home, host, team, status, n in groups:
        yield (
            year,
            DIRECTION_LABELS.get(direction, direction),
            home,
            host,
            team or NO_TEAM,
            SECONDMENT_STATUS_LABELS.get(status, status),
            n,
        )


# --- (c) person-months ----------------------------------------------------------------


def person_month_figures(user, filters: ReportFilters) -> list[dict]:
    """Person-months each programme, year and direction (used and planned) against the
    person-month quota agreed for that year and direction, or else the programme's
    reciprocity target (``selectors.person_month_target``). Three queries."""
    secondments = access.secondments_in_reports(user)
    if filters.programme_id:
        secondments = secondments.filter(programme_id=filters.programme_id)
    if filters.direction:
        secondments = secondments.filter(direction=filters.direction)
    totals = selectors.person_months(secondments, year=filters.year)
    programmes = Programme.objects.in_bulk({programme_id for programme_id, _, _ in totals})
    agreed = selectors.person_month_targets(programmes)
    direction_order = {value: index for index, value in enumerate(DIRECTION_LABELS)}
    rows = []
    for programme_id, year, direction in sorted(
        totals,
        key=lambda key: (programmes[key[0]].name, key[1], direction_order.get(key[2], 9)),
    ):
        programme = programmes[programme_id]
        cell = totals[(programme_id, year, direction)]
        planned, used = round(cell["planned"], 1), round(cell["used"], 1)
        total = round(cell["planned"] + cell["used"], 1)
        target = selectors.person_month_target(
            programme=programme, year=year, direction=direction, agreed=agreed
        )
        rows.append(
            {
                "programme": programme.name,
                "year": year,
                "direction": DIRECTION_LABELS.get(direction, direction),
                "planned": planned,
                "used": used,
                "total": total,
                "target": target,
                "meets_target": not target or total >= target,
            }
        )
    return rows


PERSON_MONTH_HEADERS = [
    "Programme",
    "Year",
    "Direction",
    "Planned person-months",
    "Used person-months",
    "Total person-months",
    "Target person-months",
    "Against target",
]


def person_month_rows(rows: list[dict]):
    for row in rows:
        yield (
            row["programme"],
            row["year"],
            row["direction"],
            row["planned"],
            row["used"],
            row["total"],
            row["target"],
            "Meets target" if row["meets_target"] else "Below target",
        )


# --- (d) checklist items late ---------------------------------------------------------


def late_items_for(user, filters: ReportFilters, *, today: datetime.date):
    """Open checklist items of planned or running secondments, due before ``today``;
    the year is the due date's."""
    queryset = (
        access.checklist_items_in_reports(user)
        .filter(secondment__status__in=Secondment.LIVE, due_date__lt=today)
        .exclude(status__in=ChecklistItem.CLOSED)
    )
    if filters.programme_id:
        queryset = queryset.filter(secondment__programme_id=filters.programme_id)
    if filters.direction:
        queryset = queryset.filter(secondment__direction=filters.direction)
    if filters.year:
        queryset = queryset.filter(due_date__year=filters.year)
    return queryset


def late_item_list(user, filters: ReportFilters, *, today: datetime.date):
    return (
        late_items_for(user, filters, today=today)
        .select_related("secondment__secondee", "owner")
        .order_by("due_date", "pk")
    )


def late_items_by_side(user, filters: ReportFilters, *, today: datetime.date) -> list[dict]:
    """How many late items each owner side holds (secondee, home, host), in one query."""
    counts = dict(
        late_items_for(user, filters, today=today)
        .order_by()
        .values_list("owner_party")
        .annotate(n=Count("pk"))
        .values_list("owner_party", "n")
    )
    return [
        {"side": side, "label": label, "count": counts.get(side, 0)}
        for side, label in Party.choices
    ]


LATE_ITEM_HEADERS = [
    "Secondment",
    "Secondment title",
    "Secondee",
    "Direction",
    "Item",
    "Owner side",
    "Owner",
    "Due date",
    "Days late",
]


def late_item_values(user, filters: ReportFilters, *, today: datetime.date):
    """The late items' exported columns, straight from the database, in chunks."""
    return (
        late_items_for(user, filters, today=today)
        .order_by("due_date", "pk")
        .values_list(
            "secondment_id",
            "secondment__title",
            "secondment__secondee__full_name",
            "secondment__secondee__email",
            "secondment__direction",
            "title",
            "owner_party",
            "owner__full_name",
            "owner__email",
            "due_date",
        )
        .iterator(chunk_size=2000)
    )


def late_item_rows(values, *, today: datetime.date):
    for pk, title, name, email, direction, item, side, owner, owner_email, due in values:
        yield (
            f"SEC-{pk:05d}",
            title,
            name or email,
            DIRECTION_LABELS.get(direction, direction),
            item,
            PARTY_LABELS.get(side, side),
            owner or owner_email or "",
            due,
            (today - due).days,
        )


def has_filters(filters: ReportFilters) -> bool:
    return bool(filters.year or filters.programme_id or filters.direction)
