"""Reads for programmes, projects and milestones.

Every read starts from the access rules (``access.projects_visible_to``,
``access.milestones_visible_to``...), so another project's record is a 404, never a 403.

RAG is computed in the database (``Case`` expressions) so that lists and dashboards stay
a constant number of queries however many milestones there are.
"""

import datetime

from django.db.models import (
    Case,
    Count,
    DurationField,
    ExpressionWrapper,
    F,
    Func,
    IntegerField,
    Max,
    Min,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Value,
    When,
)
from django.db.models.functions import Coalesce
from django.urls import reverse

from accounts.clock import today_for
from accounts.models import Institute, User

from . import access

# The calendar feed's reads live in ``calendar_selectors``; callers find them here too.
from .calendar_selectors import (  # noqa: F401
    CALENDAR_DAYS_AHEAD,
    CALENDAR_DAYS_BACK,
    calendar_feed_for,
    calendar_feed_owner,
    calendar_milestones,
    calendar_version,
    calendar_window,
)
from .models import (
    OPEN_DELIVERABLE_STATUSES,
    OPEN_MILESTONE_STATUSES,
    Deliverable,
    DeliverableStatus,
    Milestone,
    MilestoneStatus,
    Programme,
    Project,
    ProjectMembership,
    Rag,
)

AMBER_WINDOW_DAYS = 14
DASHBOARD_WINDOW_DAYS = 30

# RAG as a rank so that "worst of" is a MIN: red 1, amber 2, green 3.
RAG_RANK = {Rag.RED: 1, Rag.AMBER: 2, Rag.GREEN: 3}
RANK_RAG = {rank: rag for rag, rank in RAG_RANK.items()}


# --- RAG ------------------------------------------------------------------------------


def milestone_rag_rank_expression(*, today: datetime.date, prefix: str = ""):
    """The RAG rank of a milestone as SQL.

    Open and overdue → red; planned (not started) and due within 14 days → amber;
    missed → red; otherwise green. ``prefix`` lets a project query reach its milestones.
    """
    status = f"{prefix}status"
    due = f"{prefix}due_date"
    return Case(
        When(Q(**{f"{status}__in": OPEN_MILESTONE_STATUSES, f"{due}__lt": today}), then=Value(1)),
        When(Q(**{status: MilestoneStatus.MISSED}), then=Value(1)),
        When(
            Q(
                **{
                    status: MilestoneStatus.PLANNED,
                    f"{due}__lte": today + datetime.timedelta(days=AMBER_WINDOW_DAYS),
                }
            ),
            then=Value(2),
        ),
        default=Value(3),
        output_field=IntegerField(),
    )


def rag_expression_from_rank(rank_field: str):
    return Case(
        When(**{rank_field: 1}, then=Value(Rag.RED.value)),
        When(**{rank_field: 2}, then=Value(Rag.AMBER.value)),
        default=Value(Rag.GREEN.value),
    )


def milestone_rag(*, milestone: Milestone, today: datetime.date) -> str:
    """The same rule as ``milestone_rag_rank_expression``, for one milestone in Python."""
    if milestone.status == MilestoneStatus.MISSED:
        return Rag.RED
    if milestone.status in OPEN_MILESTONE_STATUSES and milestone.due_date < today:
        return Rag.RED
    if milestone.status == MilestoneStatus.PLANNED and milestone.due_date <= today + (
        datetime.timedelta(days=AMBER_WINDOW_DAYS)
    ):
        return Rag.AMBER
    return Rag.GREEN


def with_milestone_rag(qs: QuerySet, *, today: datetime.date) -> QuerySet:
    return qs.annotate(
        rag_rank=milestone_rag_rank_expression(today=today),
        rag=rag_expression_from_rank("rag_rank"),
        slippage=ExpressionWrapper(
            F("due_date") - F("baseline_due_date"), output_field=DurationField()
        ),
    )


def with_project_rag(qs: QuerySet, *, today: datetime.date) -> QuerySet:
    """Annotate projects with derived RAG (worst of open milestones), the shown RAG
    (override first), and the dashboard counts. One grouped query."""
    open_q = Q(milestones__status__in=OPEN_MILESTONE_STATUSES)
    derived_rank = Min(
        Case(
            When(open_q & Q(milestones__due_date__lt=today), then=Value(1)),
            When(
                Q(milestones__status=MilestoneStatus.PLANNED)
                & Q(milestones__due_date__lte=today + datetime.timedelta(days=AMBER_WINDOW_DAYS)),
                then=Value(2),
            ),
            When(open_q, then=Value(3)),
            default=None,
            output_field=IntegerField(),
        )
    )
    return qs.annotate(
        derived_rag_rank=Coalesce(derived_rank, Value(3)),
        derived_rag=rag_expression_from_rank("derived_rag_rank"),
        shown_rag=Case(
            When(~Q(rag_override=""), then=F("rag_override")),
            default=rag_expression_from_rank("derived_rag_rank"),
        ),
        milestone_count=Count("milestones"),
        overdue_count=Count("milestones", filter=open_q & Q(milestones__due_date__lt=today)),
        due_soon_count=Count(
            "milestones",
            filter=open_q
            & Q(
                milestones__due_date__gte=today,
                milestones__due_date__lte=today + datetime.timedelta(days=DASHBOARD_WINDOW_DAYS),
            ),
        ),
        done_count=Count("milestones", filter=Q(milestones__status=MilestoneStatus.DONE)),
        slipped_count=Count(
            "milestones", filter=Q(milestones__due_date__gt=F("milestones__baseline_due_date"))
        ),
        max_slippage=Max(
            ExpressionWrapper(
                F("milestones__due_date") - F("milestones__baseline_due_date"),
                output_field=DurationField(),
            )
        ),
    )


# --- pages ----------------------------------------------------------------------------


def _count_of(queryset) -> Subquery:
    """``queryset``'s row count as a correlated subquery (no join, no GROUP BY outside)."""
    return Coalesce(
        Subquery(
            queryset.order_by().annotate(n=Func(Value(1), function="COUNT")).values("n")[:1],
            output_field=IntegerField(),
        ),
        Value(0),
    )


def programme_list_for_page(*, user) -> QuerySet[Programme]:
    """Programmes with the projects the person sees and their overdue milestones, each
    counted by a subquery that an index answers (overdue: open and due before today)."""
    today = today_for(user)
    visible_projects = access.visible_project_ids(user)
    return (
        access.programmes_visible_to(user)
        .annotate(
            project_count=_count_of(
                Project.objects.filter(programme_id=OuterRef("pk"), pk__in=visible_projects)
            ),
            overdue_count=_count_of(
                Milestone.objects.filter(
                    project__programme_id=OuterRef("pk"),
                    project_id__in=visible_projects,
                    status__in=OPEN_MILESTONE_STATUSES,
                    due_date__lt=today,
                )
            ),
        )
        .order_by("name")
    )


def with_deliverable_counts(qs: QuerySet[Project], *, today: datetime.date) -> QuerySet[Project]:
    """Each project's deliverables: in all, delivered, and overdue (open, due before
    today), each a subquery (a join would multiply the milestone counts)."""
    of_project = Deliverable.objects.filter(milestone__project_id=OuterRef("pk"))
    return qs.annotate(
        deliverable_count=_count_of(of_project),
        deliverable_done_count=_count_of(of_project.filter(status=DeliverableStatus.DELIVERED)),
        deliverable_overdue_count=_count_of(
            of_project.filter(status__in=OPEN_DELIVERABLE_STATUSES, due_date__lt=today)
        ),
    )


def programme_dashboard_projects(*, user, programme: Programme) -> QuerySet[Project]:
    """The projects of one programme that the person sees, with RAG and counts."""
    today = today_for(user)
    qs = (
        access.projects_visible_to(user)
        .filter(programme=programme)
        .select_related("lead_institute", "rag_override_by")
        .order_by("code")
    )
    return with_deliverable_counts(with_project_rag(qs, today=today), today=today)


def programme_dashboard_totals(*, projects) -> dict:
    """Totals over the (already evaluated) dashboard projects; no further query."""
    totals = {
        "overdue": 0,
        "due_soon": 0,
        "done": 0,
        "slipped": 0,
        "milestones": 0,
        "deliverables": 0,
        "deliverables_done": 0,
        "deliverables_overdue": 0,
    }
    for project in projects:
        totals["deliverables"] += project.deliverable_count
        totals["deliverables_done"] += project.deliverable_done_count
        totals["deliverables_overdue"] += project.deliverable_overdue_count
        totals["overdue"] += project.overdue_count
        totals["due_soon"] += project.due_soon_count
        totals["done"] += project.done_count
        totals["slipped"] += project.slipped_count
        totals["milestones"] += project.milestone_count
    return totals


def milestone_list_for_page(*, user, today: datetime.date | None = None) -> QuerySet[Milestone]:
    qs = access.milestones_visible_to(user).select_related(
        "project", "owner", "owner__institute", "project__programme"
    )
    return with_milestone_rag(qs, today=today or today_for(user))


def project_detail_queryset(user) -> QuerySet[Project]:
    """The projects a person may open, with RAG and what the page shows."""
    return with_project_rag(
        access.projects_visible_to(user).select_related(
            "programme", "lead_institute", "rag_override_by"
        ),
        today=today_for(user),
    )


def project_members(*, project: Project) -> QuerySet[ProjectMembership]:
    return project.memberships.select_related("user", "institute").order_by(
        "role", "user__full_name", "user__email"
    )


def project_milestones(*, project: Project, today: datetime.date) -> list[Milestone]:
    """The project's milestones with RAG and their dependencies (two queries)."""
    qs = with_milestone_rag(
        project.milestones.select_related("owner").prefetch_related("dependencies"), today=today
    ).order_by("due_date", "pk")
    return list(qs)


def milestone_dependency_warnings(*, milestone: Milestone) -> list[str]:
    """A warning for each dependency due after this milestone (uses prefetched deps)."""
    return [
        f"Due before its dependency “{dep.title}” (due {dep.due_date:%-d %B %Y})."
        for dep in milestone.dependencies.all()
        if dep.due_date > milestone.due_date
    ]


def milestone_schedule_warnings(*, milestone: Milestone) -> list[str]:
    """After a write: dependencies due after this milestone, and milestones that depend on
    it but are due before it. Two queries."""
    warnings = [
        f"“{milestone.title}” is due before its dependency “{dep.title}” "
        f"(due {dep.due_date:%-d %B %Y})."
        for dep in milestone.dependencies.filter(due_date__gt=milestone.due_date)
    ]
    warnings += [
        f"“{dependent.title}” depends on this milestone but is due earlier "
        f"({dependent.due_date:%-d %B %Y})."
        for dependent in milestone.dependents.filter(due_date__lt=milestone.due_date)
    ]
    return warnings


def project_recent_activity(*, project: Project, limit: int = 15) -> list[dict]:
    """Recent changes to the project, its milestones and members, newest first.

    Four queries, whatever the size of the history.
    """
    items = []
    # Projects created before partners joined the creation record also have an m2m copy of it.
    project_history = project.history.exclude(
        history_type="~", history_change_reason="Project created"
    )
    for record in project_history.select_related("history_user").order_by(
        "-history_date", "-history_id"
    )[:limit]:
        items.append(
            {
                "when": record.history_date,
                "who": record.history_user,
                "what": record.history_change_reason
                or {"+": "Project created", "~": "Project updated", "-": "Project deleted"}[
                    record.history_type
                ],
                "subject": record.code,
            }
        )
    milestone_history = Milestone.history.model.objects.filter(project_id=project.pk)
    for record in milestone_history.select_related("history_user").order_by(
        "-history_date", "-history_id"
    )[:limit]:
        items.append(
            {
                "when": record.history_date,
                "who": record.history_user,
                "what": record.history_change_reason
                or {"+": "Milestone added", "~": "Milestone updated", "-": "Milestone deleted"}[
                    record.history_type
                ],
                "subject": record.title,
            }
        )
    member_history = ProjectMembership.history.model.objects.filter(project_id=project.pk)
    for record in member_history.select_related("history_user", "user").order_by(
        "-history_date", "-history_id"
    )[:limit]:
        verb = {"+": "Member added", "~": "Member updated", "-": "Member removed"}[
            record.history_type
        ]
        items.append(
            {
                "when": record.history_date,
                "who": record.history_user,
                "what": f"{verb} ({record.get_role_display()})",
                "subject": str(record.user) if record.user_id else "",
            }
        )
    items.sort(key=lambda item: item["when"], reverse=True)
    return items[:limit]


def milestone_detail_queryset(user) -> QuerySet[Milestone]:
    """The milestones a person may open, with RAG, dependencies and due-date changes."""
    return milestone_list_for_page(user=user).prefetch_related(
        "dependencies", "dependents", "due_date_changes__changed_by", "deliverables__owner"
    )


def milestone_history(*, milestone: Milestone, limit: int = 20):
    return milestone.history.select_related("history_user").order_by(
        "-history_date", "-history_id"
    )[:limit]


PROJECT_CHOICES_LIMIT = 40


def milestone_filter_choices(
    *, user, programme: Programme | None = None, project_code: str = "", owner_id: int | None = None
) -> dict:
    """Choices for the milestone filters, limited to what the person can see and bounded
    whatever the size of the data (three small queries):

    - projects: the visible projects (of the programme, if given) while there are at most
      ``PROJECT_CHOICES_LIMIT`` of them; ``None`` past that (the filter is a text box);
    - owners: the person, the owners of the chosen project's milestones, and the chosen
      owner, if they own a milestone the person sees;
    - institutes: every institute (there are few).
    """
    projects = access.projects_visible_to(user)
    milestones = access.milestones_visible_to(user)
    if programme is not None:
        projects = projects.filter(programme=programme)
        milestones = milestones.filter(project__programme=programme)
    project_choices = [
        (code, f"{code}: {title}")
        for code, title in projects.order_by("code").values_list("code", "title")[
            : PROJECT_CHOICES_LIMIT + 1
        ]
    ]
    people = Q(pk=user.pk)
    if project_code:
        people |= Q(pk__in=milestones.filter(project__code__iexact=project_code).values("owner_id"))
    if owner_id:
        people |= Q(pk__in=milestones.filter(owner_id=owner_id).values("owner_id")[:1])
    owners = User.objects.filter(people).order_by("full_name", "email")
    return {
        "projects": None if len(project_choices) > PROJECT_CHOICES_LIMIT else project_choices,
        "owners": [(u.pk, f"{u} (you)" if u.pk == user.pk else str(u)) for u in owners],
        "institutes": list(Institute.objects.order_by("name").values_list("code", "name")),
        "project_chosen": bool(project_code),
    }


# --- calendar and my work -------------------------------------------------------------


MY_WORK_LIMIT = 20


def my_work_sections(user) -> list[dict]:
    """Open milestones the person owns, soonest first, overdue ones flagged. One query."""
    if not user.is_authenticated:
        return []
    today = today_for(user)
    milestones = list(
        access.milestones_visible_to(user)
        .filter(owner=user, status__in=OPEN_MILESTONE_STATUSES)
        .select_related("project")
        .order_by("due_date", "pk")[: MY_WORK_LIMIT + 1]
    )
    items = []
    for milestone in milestones[:MY_WORK_LIMIT]:
        days = (milestone.due_date - today).days
        if days < 0:
            when = f"Overdue: was due {milestone.due_date:%-d %B %Y} ({-days} days ago)"
        elif days == 0:
            when = "Due today"
        else:
            when = f"Due {milestone.due_date:%-d %B %Y}"
        items.append(
            {
                "title": f"{milestone.project.code}: {milestone.title}",
                "url": milestone.get_absolute_url(),
                "detail": f"{when} · {milestone.get_status_display()}",
                "overdue": days < 0,
            }
        )
    if len(milestones) > MY_WORK_LIMIT:
        items.append(
            {
                "title": "All your milestones",
                "url": reverse("programmes:milestone_list") + f"?owner={user.pk}",
                "detail": "More milestones than fit here.",
                "overdue": False,
            }
        )
    return [
        {
            "title": "Milestones you own",
            "items": items,
            "empty": "You own no open milestones.",
        }
    ]


# The timeline's reads live in ``timeline_selectors``; callers find them here too.
from .timeline_selectors import (  # noqa: E402, F401
    TIMELINE_PAGE_SIZE,
    timeline_dependencies,
    timeline_milestones,
)
