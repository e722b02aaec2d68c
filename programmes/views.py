"""Pages for programmes, projects and milestones. Thin: selectors read, services write."""

import datetime

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse, HttpResponseNotAllowed
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from accounts import access as accounts_access
from accounts.clock import today_for
from accounts.decorators import manager_required, mfa_enforced
from portal.downloads import export_response
from portal.forms import apply_service_errors

from . import access, exports, gates, selectors, services
from .forms import (
    DueDateChangeForm,
    MemberAddForm,
    MilestoneFilter,
    MilestoneForm,
    MilestoneStatusForm,
    ProgrammeForm,
    ProjectForm,
    RagOverrideForm,
)
from .models import Milestone, Programme, ProjectMembership

PAGE_SIZE = 25


def _page(request, queryset):
    paginator = Paginator(queryset, PAGE_SIZE)
    return paginator.get_page(request.GET.get("page"))


def _query_without_page(request) -> str:
    query = request.GET.copy()
    query.pop("page", None)
    return query.urlencode()


# Table columns that sort, with the sort each applies when chosen.
SORTABLE_COLUMNS = [
    ("Milestone", "title"),
    ("Project", "project"),
    ("Owner", "owner"),
    ("Due", "due"),
    ("Slippage", "slippage"),
    ("Status", "status"),
    ("RAG", "rag"),
]


def _sort_headers(request) -> list[dict]:
    """Column headers as links that sort the current filtered list (no JavaScript)."""
    query = request.GET.copy()
    query.pop("page", None)
    current = query.pop("sort", ["due"])[-1] or "due"
    base = query.urlencode()
    headers = []
    for label, key in SORTABLE_COLUMNS:
        headers.append(
            {
                "label": label,
                "url": f"?{base + '&' if base else ''}sort={key}",
                "current": current == key,
            }
        )
    return headers


# --- programmes -----------------------------------------------------------------------


@mfa_enforced
def programme_list(request):
    programmes = _page(request, selectors.programme_list_for_page(user=request.user))
    return render(
        request,
        "programmes/programme_list.html",
        {
            "page_obj": programmes,
            "can_create": accounts_access.user_is_programme_manager(request.user),
        },
    )


def _milestone_filter(request, *, programme=None, today=None):
    base = selectors.milestone_list_for_page(user=request.user, today=today)
    if programme is not None:
        base = base.filter(project__programme=programme)
    choices = selectors.milestone_filter_choices(user=request.user, programme=programme)
    return MilestoneFilter(request.GET, queryset=base, choices=choices)


@mfa_enforced
def programme_detail(request, pk: int):
    programme = get_object_or_404(access.programmes_visible_to(request.user), pk=pk)
    projects = list(selectors.programme_dashboard_projects(user=request.user, programme=programme))
    milestone_filter = _milestone_filter(request, programme=programme)
    return render(
        request,
        "programmes/programme_detail.html",
        {
            "programme": programme,
            "projects": projects,
            "totals": selectors.programme_dashboard_totals(projects=projects),
            "filter": milestone_filter,
            "page_obj": _page(request, milestone_filter.qs),
            "query": _query_without_page(request),
            "sort_headers": _sort_headers(request),
            "manages": access.user_manages_programme(user=request.user, programme=programme),
            "window_days": selectors.DASHBOARD_WINDOW_DAYS,
        },
    )


@manager_required
def programme_create(request):
    # The person creating it is usually one of its managers: start the list with them.
    form = ProgrammeForm(request.POST or None, initial={"manager_emails": request.user.email})
    if request.method == "POST" and form.is_valid():
        try:
            programme = services.programme_create(actor=request.user, **form.service_kwargs())
        except ValidationError as error:
            apply_service_errors(form, error)
        else:
            _warn_missing_institute_managers(request, programme)
            messages.success(request, f"Programme “{programme.name}” created.")
            return redirect(programme)
    return render(
        request,
        "programmes/programme_form.html",
        {"form": form, "programme": None, "back_url": reverse("programmes:programme_list")},
    )


def _warn_missing_institute_managers(request, programme: Programme) -> None:
    manager_institutes = set(programme.managers.values_list("institute_id", flat=True))
    missing = programme.institutes.exclude(pk__in=manager_institutes)
    for institute in missing:
        messages.warning(request, f"{institute.name} has no programme manager yet.")


@manager_required
def programme_edit(request, pk: int):
    programme = get_object_or_404(access.programmes_managed_by(request.user), pk=pk)
    form = ProgrammeForm(request.POST or None, initial=ProgrammeForm.initial_for(programme))
    if request.method == "POST" and form.is_valid():
        try:
            services.programme_update(
                actor=request.user, programme=programme, **form.service_kwargs()
            )
        except ValidationError as error:
            apply_service_errors(form, error)
        else:
            _warn_missing_institute_managers(request, programme)
            messages.success(request, "Programme details saved.")
            return redirect(programme)
    return render(request, "programmes/programme_form.html", {"form": form, "programme": programme})


# --- projects -------------------------------------------------------------------------


@manager_required
def project_create(request):
    programmes = access.programmes_managed_by(request.user).order_by("name")
    initial = {}
    if request.GET.get("programme", "").isdigit():
        initial["programme"] = int(request.GET["programme"])
    form = ProjectForm(request.POST or None, programmes=programmes, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            project = services.project_create(actor=request.user, **form.service_kwargs())
        except ValidationError as error:
            apply_service_errors(form, error)
        else:
            messages.success(
                request, f"Project {project.code} created. Add its members, then its milestones."
            )
            return redirect("programmes:project_members", code=project.code)
    return render(
        request,
        "programmes/project_form.html",
        {"form": form, "project": None, "back_url": reverse("programmes:programme_list")},
    )


def _manageable_project(request, code: str):
    return get_object_or_404(
        access.projects_managed_by(request.user).select_related("programme"),
        code=code,
    )


@manager_required
def project_edit(request, code: str):
    project = _manageable_project(request, code)
    initial = {
        "title": project.title,
        "summary": project.summary,
        "lead_institute": project.lead_institute_id,
        "partner_institutes": list(project.partner_institutes.all()),
        "status": project.status,
        "start_date": project.start_date,
        "end_date": project.end_date,
    }
    form = ProjectForm(request.POST or None, editing=True, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            services.project_update(actor=request.user, project=project, **form.service_kwargs())
        except ValidationError as error:
            apply_service_errors(form, error)
        else:
            messages.success(request, "Project details saved.")
            return redirect(project)
    return render(
        request,
        "programmes/project_form.html",
        {"form": form, "project": project, "back_url": project.get_absolute_url()},
    )


@mfa_enforced
def project_detail(request, code: str):
    project = get_object_or_404(selectors.project_detail_queryset(request.user), code=code)
    today = today_for(request.user)
    milestones = selectors.project_milestones(project=project, today=today)
    for milestone in milestones:
        milestone.warnings = selectors.milestone_dependency_warnings(milestone=milestone)
    return render(
        request,
        "programmes/project_detail.html",
        {
            "project": project,
            "members": selectors.project_members(project=project),
            "milestones": milestones,
            "timeline": _timeline(milestones, today=today),
            "activity": selectors.project_recent_activity(project=project),
            "manages": access.user_manages_programme(
                user=request.user, programme=project.programme
            ),
            "today": today,
        },
    )


def _timeline(milestones, *, today: datetime.date) -> list[dict]:
    """Milestones grouped by month, with a marker for today, for a no-JS timeline."""
    months: list[dict] = []
    today_placed = False
    for milestone in milestones:
        if not today_placed and milestone.due_date >= today:
            _month(months, today)["entries"].append({"today": True, "date": today})
            today_placed = True
        _month(months, milestone.due_date)["entries"].append(
            {"today": False, "milestone": milestone}
        )
    if not today_placed and milestones:
        _month(months, today)["entries"].append({"today": True, "date": today})
    return months


def _month(months: list[dict], date: datetime.date) -> dict:
    key = (date.year, date.month)
    if not months or months[-1]["key"] != key:
        months.append({"key": key, "label": date.strftime("%B %Y"), "entries": []})
    return months[-1]


@manager_required
def project_members(request, code: str):
    project = _manageable_project(request, code)
    form = MemberAddForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            membership = services.project_member_add(
                actor=request.user, project=project, user=form.user, role=form.cleaned_data["role"]
            )
        except ValidationError as error:
            apply_service_errors(form, error)
        else:
            messages.success(
                request, f"{membership.user} added as {membership.get_role_display()}."
            )
            return redirect("programmes:project_members", code=project.code)
    return render(
        request,
        "programmes/project_members.html",
        {"project": project, "form": form, "members": selectors.project_members(project=project)},
    )


@manager_required
def project_member_remove(request, code: str, membership_id: int):
    project = _manageable_project(request, code)
    if request.method != "POST":
        return HttpResponseNotAllowed(["POST"])
    membership = get_object_or_404(
        ProjectMembership.objects.select_related("user", "project__programme"),
        pk=membership_id,
        project=project,
    )
    try:
        services.project_member_remove(actor=request.user, membership=membership)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, f"{membership.user} removed from the project.")
    return redirect("programmes:project_members", code=project.code)


@manager_required
def project_rag(request, code: str):
    project = _manageable_project(request, code)
    form = RagOverrideForm(
        request.POST or None,
        initial={"rag": project.rag_override, "reason": project.rag_override_reason},
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.project_rag_override(
                actor=request.user,
                project=project,
                rag=form.cleaned_data["rag"],
                reason=form.cleaned_data["reason"],
            )
        except ValidationError as error:
            apply_service_errors(form, error)
        else:
            messages.success(request, "RAG status saved.")
            return redirect(project)
    return render(
        request,
        "programmes/project_rag.html",
        {"project": project, "form": form, "back_url": project.get_absolute_url()},
    )


# --- milestones -----------------------------------------------------------------------


@mfa_enforced
def milestone_list(request):
    milestone_filter = _milestone_filter(request)
    return render(
        request,
        "programmes/milestone_list.html",
        {
            "filter": milestone_filter,
            "page_obj": _page(request, milestone_filter.qs),
            "query": _query_without_page(request),
            "sort_headers": _sort_headers(request),
        },
    )


@mfa_enforced
@require_GET
def milestone_export(request, fmt: str):
    milestone_filter = _milestone_filter(request)
    rows = exports.milestone_rows(milestone_filter.qs)
    stamp = today_for(request.user).isoformat()
    if fmt == "csv":
        return export_response(
            exports.csv_stream(rows), filename=f"milestones-{stamp}.csv", content_type="text/csv"
        )
    return export_response(
        exports.xlsx_bytes(rows),
        filename=f"milestones-{stamp}.xlsx",
        content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    )


@manager_required
def milestone_create(request, code: str):
    project = _manageable_project(request, code)
    form = MilestoneForm(request.POST or None, project=project)
    if request.method == "POST" and form.is_valid():
        try:
            milestone = services.milestone_create(
                actor=request.user, project=project, **form.service_kwargs()
            )
        except ValidationError as error:
            apply_service_errors(form, error)
        else:
            messages.success(request, f"Milestone “{milestone.title}” added.")
            _schedule_warnings(request, milestone)
            if "add_another" in request.POST:
                return redirect("programmes:milestone_create", code=project.code)
            return redirect(project)
    return render(
        request,
        "programmes/milestone_form.html",
        {
            "form": form,
            "project": project,
            "milestone": None,
            "back_url": project.get_absolute_url(),
        },
    )


def _schedule_warnings(request, milestone: Milestone) -> None:
    for warning in selectors.milestone_schedule_warnings(milestone=milestone):
        messages.warning(request, warning)


def _manageable_milestone(request, pk: int) -> Milestone:
    return get_object_or_404(
        access.milestones_managed_by(request.user).select_related("project__programme"),
        pk=pk,
    )


@manager_required
def milestone_edit(request, pk: int):
    milestone = _manageable_milestone(request, pk)
    initial = {
        "title": milestone.title,
        "description": milestone.description,
        "owner": milestone.owner_id,
        "deliverables": milestone.deliverables,
        "dependencies": list(milestone.dependencies.all()),
        "requires_partner_handover": milestone.requires_partner_handover,
    }
    form = MilestoneForm(
        request.POST or None, project=milestone.project, milestone=milestone, initial=initial
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.milestone_update(
                actor=request.user, milestone=milestone, **form.service_kwargs()
            )
        except ValidationError as error:
            apply_service_errors(form, error)
        else:
            messages.success(request, "Milestone details saved.")
            _schedule_warnings(request, milestone)
            return redirect(milestone)
    return render(
        request,
        "programmes/milestone_form.html",
        {
            "form": form,
            "project": milestone.project,
            "milestone": milestone,
            "back_url": milestone.get_absolute_url(),
        },
    )


@mfa_enforced
def milestone_detail(request, pk: int):
    milestone = get_object_or_404(selectors.milestone_detail_queryset(request.user), pk=pk)
    manages = access.user_manages_programme(
        user=request.user, programme=milestone.project.programme
    )
    allowed = services.milestone_allowed_statuses(
        user=request.user, milestone=milestone, manages=manages
    )
    return render(
        request,
        "programmes/milestone_detail.html",
        {
            "milestone": milestone,
            "project": milestone.project,
            "manages": manages,
            "can_change_status": bool(allowed),
            "warnings": selectors.milestone_dependency_warnings(milestone=milestone),
            "history": selectors.milestone_history(milestone=milestone),
            "gate_satisfied": milestone.requires_partner_handover
            and gates.gate_satisfied(milestone=milestone),
            "gate_message": services.GATE_MESSAGE,
        },
    )


@mfa_enforced
def milestone_status(request, pk: int):
    milestone = get_object_or_404(selectors.milestone_detail_queryset(request.user), pk=pk)
    manages = access.user_manages_programme(
        user=request.user, programme=milestone.project.programme
    )
    allowed = services.milestone_allowed_statuses(
        user=request.user, milestone=milestone, manages=manages
    )
    if not allowed:
        raise Http404
    form = MilestoneStatusForm(request.POST or None, allowed=allowed)
    if request.method == "POST" and form.is_valid():
        try:
            services.milestone_set_status(
                actor=request.user,
                milestone=milestone,
                status=form.cleaned_data["status"],
                completed_on=form.cleaned_data["completed_on"],
            )
        except ValidationError as error:
            apply_service_errors(form, error)
        except PermissionDenied as error:
            form.add_error("status", str(error))
        else:
            messages.success(request, "Milestone status saved.")
            return redirect(milestone)
    return render(
        request,
        "programmes/milestone_status.html",
        {
            "form": form,
            "milestone": milestone,
            "project": milestone.project,
            "back_url": milestone.get_absolute_url(),
        },
    )


@manager_required
def milestone_due_date(request, pk: int):
    milestone = _manageable_milestone(request, pk)
    form = DueDateChangeForm(request.POST or None, initial={"due_date": milestone.due_date})
    if request.method == "POST" and form.is_valid():
        try:
            services.milestone_change_due_date(
                actor=request.user,
                milestone=milestone,
                due_date=form.cleaned_data["due_date"],
                reason=form.cleaned_data["reason"],
            )
        except ValidationError as error:
            apply_service_errors(form, error)
        else:
            messages.success(request, "Due date changed. The baseline is kept.")
            milestone.refresh_from_db()
            _schedule_warnings(request, milestone)
            return redirect(milestone)
    return render(
        request,
        "programmes/milestone_due_date.html",
        {
            "form": form,
            "milestone": milestone,
            "project": milestone.project,
            "back_url": milestone.get_absolute_url(),
        },
    )


# --- calendar -------------------------------------------------------------------------


@mfa_enforced
def calendar_settings(request):
    if request.method == "POST":
        services.calendar_feed_reset(user=request.user)
        messages.success(
            request, "Your calendar has a new address. The old address no longer works."
        )
        return redirect("programmes:calendar_settings")
    feed = selectors.calendar_feed_for(user=request.user)
    feed_url = (
        request.build_absolute_uri(reverse("calendar_feed", args=[feed.token])) if feed else None
    )
    return render(
        request, "programmes/calendar_settings.html", {"feed": feed, "feed_url": feed_url}
    )


@require_GET
@never_cache
def calendar_feed(request, token: str):
    """The personal iCal feed. The token is the only credential, so any miss is a 404."""
    user = selectors.calendar_feed_owner(token=token)
    if user is None:
        raise Http404
    body = exports.calendar_ics(selectors.calendar_milestones(user=user), user=user)
    response = HttpResponse(body, content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = 'inline; filename="milestones.ics"'
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, no-store"
    response["Referrer-Policy"] = "no-referrer"
    return response
