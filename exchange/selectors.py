"""Every read of the exchange. Each starts from the access rules in access.py."""

import datetime
import re
from collections import defaultdict

from django.db.models import CharField, Count, F, Prefetch, Q, QuerySet, Value
from django.urls import reverse
from django.utils.formats import date_format
from django.utils.text import capfirst

from accounts.clock import local_now, today_for
from accounts.models import Institute, User
from programmes import access as programmes_access

from . import access, quotas
from .models import (
    NO_CLEARANCE,
    Application,
    ApplicationEvent,
    ChecklistItem,
    Direction,
    ExchangeQuota,
    ItemKind,
    Opportunity,
    QuotaUnit,
    SavedSearch,
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


# --- saved searches --------------------------------------------------------------------


def saved_search_list_for(user: User) -> QuerySet[SavedSearch]:
    return SavedSearch.objects.filter(owner_id=user.pk).order_by("name", "pk")


def saved_searches_matching(opportunity: Opportunity) -> QuerySet[SavedSearch]:
    """The saved searches whose filters ``opportunity`` passes (the opportunity list's
    own filters, ``filters.OpportunityFilter``), of active people at the programme's other
    institutes: one query, whatever the number of searches. Whether each owner may see
    the opportunity is then asked of ``access.opportunities_open_to``."""
    o = opportunity
    team = Value(o.team, output_field=CharField())
    location = Value(o.location, output_field=CharField())
    clearance = o.required_clearance or NO_CLEARANCE
    return (
        SavedSearch.objects.annotate(_team=team, _location=location)
        .filter(Q(team="") | Q(_team__icontains=F("team")))
        .filter(Q(location="") | Q(_location__icontains=F("location")))
        .filter(
            Q(duration__isnull=True)
            | Q(duration__gte=o.min_duration_months, duration__lte=o.max_duration_months)
        )
        .filter(Q(clearance="") | Q(clearance=clearance))
        .filter(Q(closing_after__isnull=True) | Q(closing_after__lte=o.closing_date))
        .filter(
            owner__is_active=True,
            owner__institute__in=o.programme.institutes.values("pk"),
        )
        .exclude(owner__institute=o.host_institute_id)
        .select_related("owner")
        .order_by("owner_id", "name", "pk")
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


def person_months(secondments: QuerySet[Secondment], *, year: int | None = None) -> dict:
    """Person-months of ``secondments`` by the quota rule (``quotas.person_months_by_year``:
    each calendar month counts the share of its days covered), as
    ``{(programme_id, year, direction): {"planned": months, "used": months}}``: used once
    started (active, completed or ended early), planned while planning or ready; cancelled
    ones never count. A stay is split across the years it spans; ``year`` keeps one."""
    rows = secondments.filter(status__in=quotas.COUNTED_STATES).values_list(
        "programme_id", "direction", "status", "start_date", "end_date"
    )
    totals: dict = defaultdict(lambda: {"planned": 0.0, "used": 0.0})
    for programme_id, direction, status, start, end in rows.iterator(chunk_size=2000):
        bucket = "used" if status in quotas.USED_STATES else "planned"
        for stay_year, months in quotas.person_months_by_year(start, end).items():
            if year is None or stay_year == year:
                totals[(programme_id, stay_year, direction)][bucket] += months
    return dict(totals)


def person_month_targets(programme_ids) -> dict:
    """The agreed person-months per ``(programme_id, year, direction)`` from the exchange
    quotas counted in person-months (one query); ``person_month_target`` falls back to the
    programme's reciprocity target where none is agreed."""
    return {
        (q.programme_id, q.year, q.direction): float(q.agreed)
        for q in ExchangeQuota.objects.filter(
            programme_id__in=list(programme_ids), unit=QuotaUnit.PERSON_MONTHS
        )
    }


def person_month_target(*, programme, year: int, direction: str, agreed: dict | None = None):
    """The person-months ``programme`` expects in ``direction`` in ``year``: the quota
    agreed for that year and direction when there is one (``agreed`` from
    ``person_month_targets``), else the programme's one reciprocity target."""
    quota = (agreed or {}).get((programme.pk, year, direction))
    return quota if quota is not None else programme.reciprocity_target_months


def reciprocity_for(user: User) -> list[dict]:
    """Per managed programme: person-months each direction by year, used and planned,
    against the programme's target and the exchange quotas agreed (``quotas``)."""
    programmes = list(programmes_access.programmes_managed_by(user).order_by("name"))
    rows = quotas.reciprocity_rows(programmes)
    return [{"programme": programme, "years": rows[programme.pk]} for programme in programmes]


def quota_excesses_for(*, application: Application, programme=None) -> list:
    """What the accept page warns of: the quotas accepting would take over now."""
    return quotas.quota_excesses(
        programme=programme or application.programme,
        direction=application.direction,
        start=application.proposed_start,
        end=application.proposed_end,
    )


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
