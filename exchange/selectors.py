"""Every read of the exchange. Each starts from the access rules in access.py."""

import datetime
import re
from collections import defaultdict

from django.db.models import Count, Prefetch, Q, QuerySet
from django.urls import reverse
from django.utils.formats import date_format
from django.utils.text import capfirst

from accounts.clock import local_now, today_for
from accounts.models import Institute, User
from programmes import access as programmes_access

from . import access
from .models import (
    Application,
    ApplicationEvent,
    ChecklistItem,
    Direction,
    ItemKind,
    Opportunity,
    Secondment,
)


def direction_between(*, home: Institute, host: Institute) -> str:
    return Direction.UK_TO_AU if home.classification_scheme == "UK" else Direction.AU_TO_UK


APPLICATION_REFERENCE = re.compile(r"^\s*APP[-\s]?0*(\d{1,9})\s*$", re.IGNORECASE)
SECONDMENT_REFERENCE = re.compile(r"^\s*SEC[-\s]?0*(\d{1,9})\s*$", re.IGNORECASE)


def pk_from_reference(text: str, pattern: re.Pattern) -> int | None:
    """The record number in a reference such as ``APP-00009`` (None if it is not one)."""
    match = pattern.match(text or "")
    return int(match.group(1)) if match else None


# --- opportunities ---------------------------------------------------------------------


def opportunity_list_for_manager(user: User) -> QuerySet[Opportunity]:
    """The manager's opportunities with how many applications each has had."""
    return (
        access.opportunities_managed_by(user)
        .select_related("host_institute", "programme")
        .annotate(
            application_count=Count(
                "applications", filter=~Q(applications__submitted_at__isnull=True)
            )
        )
        .order_by("status", "closing_date", "pk")
    )


# --- applications ----------------------------------------------------------------------


def _with_people(queryset: QuerySet[Application]) -> QuerySet[Application]:
    return queryset.select_related(
        "applicant",
        "line_manager",
        "opportunity",
        "programme",
        "home_institute",
        "host_institute",
    )


def application_list_mine(user: User) -> QuerySet[Application]:
    return _with_people(access.applications_visible_to(user).filter(applicant=user))


def application_for_opportunity(*, user: User, opportunity: Opportunity) -> Application | None:
    """The person's own live application (not declined or withdrawn) for an opportunity,
    the newest first: the opportunity page links to it instead of offering to apply again."""
    return (
        access.applications_visible_to(user)
        .filter(applicant=user, opportunity=opportunity)
        .exclude(status__in=Application.FINAL)
        .order_by("-pk")
        .first()
    )


def application_list_to_endorse(user: User) -> QuerySet[Application]:
    return _with_people(
        access.applications_visible_to(user).filter(line_manager=user).exclude(applicant=user)
    )


def application_queue_for_manager(user: User) -> QuerySet[Application]:
    return _with_people(access.applications_managed_by(user))


def application_events(application: Application) -> QuerySet[ApplicationEvent]:
    return application.events.select_related("actor").order_by("at", "pk")


def application_detail_queryset(user: User) -> QuerySet[Application]:
    """The applications a person may open, with what the page shows."""
    return _with_people(access.applications_visible_to(user)).prefetch_related(
        Prefetch("events", queryset=ApplicationEvent.objects.select_related("actor"))
    )


def application_return_event(application: Application) -> ApplicationEvent | None:
    """The latest return for changes, while the application waits on those changes."""
    if application.status != Application.Status.RETURNED:
        return None
    return (
        application.events.filter(to_status=Application.Status.RETURNED)
        .select_related("actor")
        .order_by("-at", "-pk")
        .first()
    )


def line_manager_choices(*, applicant: User) -> QuerySet[User]:
    """People at the applicant's institute who may be named as their line manager."""
    if not applicant.institute_id:
        return User.objects.none()
    return (
        User.objects.filter(institute_id=applicant.institute_id, is_active=True)
        .exclude(pk=applicant.pk)
        .order_by("full_name", "email")
    )


# --- secondments -----------------------------------------------------------------------


def secondment_list_for_page(user: User) -> QuerySet[Secondment]:
    return access.secondments_visible_to(user).select_related(
        "secondee",
        "home_manager",
        "host_supervisor",
        "home_institute",
        "host_institute",
        "programme",
    )


def checklist_for(secondment: Secondment) -> list[ChecklistItem]:
    return list(
        secondment.checklist_items.select_related("owner")
        .annotate(evidence_count=Count("evidence"))
        .order_by("order", "pk")
    )


def checklist_blockers(secondment: Secondment) -> QuerySet[ChecklistItem]:
    """Mandatory items still open: these stop the secondment from becoming ready."""
    return secondment.checklist_items.filter(mandatory=True).exclude(
        status__in=ChecklistItem.CLOSED
    )


def conflict_declaration_for(user: User, item: ChecklistItem) -> Application | None:
    """The application whose declared conflict a conflict-plan item manages, when ``user``
    may see that application."""
    secondment = item.secondment
    if item.kind != ItemKind.CONFLICT or not secondment.application_id:
        return None
    return (
        access.applications_visible_to(user)
        .filter(pk=secondment.application_id, has_conflict_of_interest=True)
        .first()
    )


def secondment_overlapping(
    *, secondee: User, start: datetime.date, end: datetime.date, exclude_pk: int | None = None
) -> QuerySet[Secondment]:
    qs = Secondment.objects.filter(
        secondee=secondee,
        status__in=Secondment.LIVE,
        start_date__lt=end,
        end_date__gt=start,
    )
    if exclude_pk:
        qs = qs.exclude(pk=exclude_pk)
    return qs


# --- reciprocity -----------------------------------------------------------------------


def _months_by_year(start: datetime.date, end: datetime.date) -> dict[int, float]:
    """Person-months per calendar year for a stay from ``start`` to ``end``."""
    result: dict[int, float] = {}
    year = start.year
    while year <= end.year:
        lo = max(start, datetime.date(year, 1, 1))
        hi = min(end, datetime.date(year + 1, 1, 1))
        if hi > lo:
            result[year] = (hi - lo).days * 12 / 365.25
        year += 1
    return result


COMPLETED_STATES = (Secondment.Status.COMPLETED, Secondment.Status.ENDED_EARLY)
PLANNED_STATES = Secondment.LIVE


def person_months(secondments: QuerySet[Secondment], *, year: int | None = None) -> dict:
    """Person-months of ``secondments`` (cancelled ones never count), as
    ``{(programme_id, year, direction): {"planned": months, "completed": months}}``:
    planned while planning, ready or active; completed once completed or ended early.
    A stay is split across the calendar years it spans; ``year`` keeps one of them."""
    rows = secondments.filter(status__in=PLANNED_STATES + COMPLETED_STATES).values_list(
        "programme_id", "direction", "status", "start_date", "end_date"
    )
    totals: dict = defaultdict(lambda: {"planned": 0.0, "completed": 0.0})
    for programme_id, direction, status, start, end in rows.iterator(chunk_size=2000):
        bucket = "completed" if status in COMPLETED_STATES else "planned"
        for stay_year, months in _months_by_year(start, end).items():
            if year is None or stay_year == year:
                totals[(programme_id, stay_year, direction)][bucket] += months
    return dict(totals)


def person_month_target(*, programme, year: int, direction: str) -> int:
    """The person-months ``programme`` expects each direction in ``year``.

    Today the programme's one reciprocity target, for every year and direction. This is
    the one place a per-year, per-direction quota plugs in (read the quotas of the
    programmes at hand once, then look each up here)."""
    return programme.reciprocity_target_months


def reciprocity_for(user: User) -> list[dict]:
    """Per managed programme: person-months each direction by year, planned vs completed."""
    programmes = list(programmes_access.programmes_managed_by(user).order_by("name"))
    totals = person_months(Secondment.objects.filter(programme__in=programmes))
    years_of: dict[int, set] = defaultdict(set)
    for programme_id, year, _ in totals:
        years_of[programme_id].add(year)
    report = []
    for programme in programmes:
        years = []
        for year in sorted(years_of[programme.pk]):
            per_direction = []
            for direction, label in Direction.choices:
                cell = totals.get((programme.pk, year, direction), {})
                planned = round(cell.get("planned", 0.0), 1)
                completed = round(cell.get("completed", 0.0), 1)
                total = planned + completed
                target = person_month_target(programme=programme, year=year, direction=direction)
                per_direction.append(
                    {
                        "direction": label,
                        "planned": planned,
                        "completed": completed,
                        "total": round(total, 1),
                        "target": target,
                        "meets_target": target == 0 or total >= target,
                    }
                )
            years.append({"year": year, "directions": per_direction})
        report.append({"programme": programme, "years": years})
    return report


# --- my work ---------------------------------------------------------------------------

MY_WORK_LIMIT = 10


def applications_waiting_on(user: User) -> QuerySet[Application]:
    """Submitted ones naming me as line manager, endorsed ones I can accept as the host's
    programme manager, and my own returned for changes."""
    if not user.is_authenticated:
        return Application.objects.none()
    host_manager = Q(
        pk__in=access.applications_managed_by(user).values("pk"),
        status=Application.Status.ENDORSED,
        host_institute_id=user.institute_id,
    )
    return (
        Application.objects.filter(
            Q(line_manager=user, status=Application.Status.SUBMITTED)
            | host_manager
            | Q(applicant=user, status=Application.Status.RETURNED)
        )
        .select_related("applicant", "opportunity", "host_institute")
        .order_by("status_changed_at", "pk")
    )


def checklist_items_for_owner(user: User) -> QuerySet[ChecklistItem]:
    return (
        ChecklistItem.objects.filter(owner=user, secondment__status__in=Secondment.LIVE)
        .exclude(status__in=ChecklistItem.CLOSED)
        .select_related("secondment")
        .order_by("due_date", "pk")
    )


def my_work_sections(user) -> list[dict]:
    """Two queries whatever the numbers: applications waiting on me, my checklist items."""
    if not user.is_authenticated:
        return []
    waiting = list(applications_waiting_on(user)[:MY_WORK_LIMIT])
    items = list(checklist_items_for_owner(user)[:MY_WORK_LIMIT])
    today = today_for(user)
    application_items = []
    for application in waiting:
        target = application.opportunity.title if application.opportunity else "Open application"
        if application.status == Application.Status.RETURNED:
            action = "Returned to you for changes"
        elif application.status == Application.Status.SUBMITTED:
            action = f"{application.applicant} asks you to endorse this"
        else:
            action = "Endorsed: waiting for your decision"
        # Whole days on the person's calendar; nothing to count on the day itself.
        waited = (today - local_now(user, application.status_changed_at).date()).days
        since = "today" if waited <= 0 else f"for {waited} day{'s' if waited != 1 else ''}"
        application_items.append(
            {
                "title": f"{application.reference}: {target}",
                "url": reverse("exchange:application_detail", args=[application.pk]),
                "detail": f"{action} ({since})",
            }
        )
    checklist_items = []
    for item in items:
        late = item.due_date < today
        checklist_items.append(
            {
                "title": f"{item.title} – {item.secondment.title}",
                "url": reverse(
                    "exchange:checklist_item_update", args=[item.secondment_id, item.pk]
                ),
                "detail": f"{'Overdue since' if late else 'Due'} {item.due_date:%-d %B %Y}",
            }
        )
    return [
        {
            "title": "Exchange applications waiting on you",
            "items": application_items,
            "empty": "No exchange applications are waiting on you.",
        },
        {
            "title": "Your secondment checklist items",
            "items": checklist_items,
            "empty": "You have no open secondment checklist items.",
        },
    ]


# --- what a viewer may do --------------------------------------------------------------


def application_actions_for(*, user: User, application: Application) -> list[str]:
    """The actions the page offers this viewer; the services check again on submit."""
    actions: list[str] = []
    status = application.status
    is_applicant = user.pk == application.applicant_id
    if is_applicant and status in Application.EDITABLE:
        actions += ["edit", "submit"]
    if status == "submitted" and access.is_line_manager(user=user, application=application):
        actions += ["endorse", "return", "decline"]
    if status == "endorsed" and access.can_decide_as_host(user=user, application=application):
        actions += ["accept", "return", "decline"]
    if is_applicant and status not in Application.FINAL:
        secondment = getattr(application, "secondment", None) if status == "accepted" else None
        if secondment is None or secondment.status in ("planning", "ready"):
            actions.append("withdraw")
    return actions


def secondment_actions_for(*, user: User, secondment: Secondment) -> list[str]:
    if secondment.status not in Secondment.LIVE:
        return []
    actions: list[str] = []
    may_manage = access.can_manage_secondment(user=user, secondment=secondment)
    if may_manage:
        actions.append("dates")
        if secondment.status == Secondment.Status.PLANNING:
            actions.append("ready")
        if secondment.status == Secondment.Status.READY:
            actions.append("start")
        if secondment.status in (Secondment.Status.PLANNING, Secondment.Status.READY):
            actions.append("cancel")
        if secondment.status == Secondment.Status.ACTIVE:
            actions += ["complete", "end_early"]
    if programmes_access.user_manages_programme(user=user, programme=secondment.programme):
        actions.append("supervisor")
    return actions


# --- history ---------------------------------------------------------------------------

HISTORY_LIMIT = 25
# Bookkeeping that the history's own "when" and "who" already say.
HISTORY_HIDDEN = ["completed_at", "completed_by", "status_changed_at", "updated_at"]


def _display(field, value) -> str:
    if value in (None, ""):
        return "blank"
    if getattr(field, "choices", None):
        return str(dict(field.choices).get(value, value))
    if isinstance(value, datetime.date):
        return date_format(value, "j M Y")
    if isinstance(value, bool):
        return "yes" if value else "no"
    return str(value)


def _describe_change(model, change) -> str:
    field = model._meta.get_field(change.field)
    label = capfirst(str(field.verbose_name))
    if field.is_relation:
        return f"{label} changed"
    return f"{label}: {_display(field, change.old)} → {_display(field, change.new)}"


def change_history(obj, *, limit: int = HISTORY_LIMIT) -> list[dict]:
    """Who changed what and when, newest first, from the record's audit history.

    One query: the records are loaded once and compared in memory.
    """
    records = list(
        obj.history.select_related("history_user").order_by("-history_date")[: limit + 1]
    )
    model = type(obj)
    entries = []
    for newer, older in zip(records, records[1:] + [None], strict=False):
        if len(entries) == limit:
            break
        if older is None:
            if len(records) > limit:
                break  # the oldest loaded record is only there to compare against
            changes = ["Created"]
        else:
            delta = newer.diff_against(older, excluded_fields=HISTORY_HIDDEN)
            changes = [_describe_change(model, change) for change in delta.changes]
        if changes:
            entries.append(
                {"at": newer.history_date, "who": newer.history_user, "changes": changes}
            )
    return entries
