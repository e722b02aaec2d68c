"""Milestone pages: lists with filters, sorting and exports; one milestone; adding,
editing, moving its due date and changing its status."""

from django.contrib import messages
from django.http import Http404
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.views.decorators.http import require_GET

from accounts.clock import today_for
from accounts.decorators import manager_required, mfa_enforced
from portal.actions import posted, run_form
from portal.downloads import export_response
from portal.pagination import paginate, query_without

from .. import access, deliverable_links, exports, gates, selectors, services
from ..forms import DueDateChangeForm, MilestoneFilter, MilestoneForm, MilestoneStatusForm
from ..models import Milestone
from .projects import manageable_project

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


def sort_headers(request) -> list[dict]:
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


# --- milestones -----------------------------------------------------------------------


def _owner_param(request) -> int | None:
    value = request.GET.get("owner", "")
    return int(value) if value.isdigit() and 0 < int(value) < 2**31 else None


def milestone_filter(request, *, programme=None, today=None, for_export=False) -> MilestoneFilter:
    """The filtered milestones the person sees (of one programme, if given). An export
    computes no dropdown choices: it never shows them."""
    base = selectors.milestone_list_for_page(user=request.user, today=today)
    if programme is not None:
        base = base.filter(project__programme=programme)
    choices = None
    if not for_export:
        choices = selectors.milestone_filter_choices(
            user=request.user,
            programme=programme,
            project_code=request.GET.get("project", "")[:20].strip(),
            owner_id=_owner_param(request),
        )
    return MilestoneFilter(request.GET, queryset=base, choices=choices)


@mfa_enforced
def milestone_list(request):
    milestones = milestone_filter(request)
    return render(
        request,
        "programmes/milestone_list.html",
        {
            "filter": milestones,
            "page_obj": paginate(request, milestones.qs, late_rows=True),
            "query": query_without(request),
            "sort_headers": sort_headers(request),
        },
    )


@mfa_enforced
@require_GET
def milestone_export(request, fmt: str):
    today = today_for(request.user)
    rows = exports.milestone_values(
        milestone_filter(request, for_export=True, today=today).qs, today=today
    )
    stamp = today.isoformat()
    if fmt == "csv":
        return export_response(
            exports.csv_stream(rows), filename=f"milestones-{stamp}.csv", content_type="text/csv"
        )
    return export_response(
        exports.xlsx_stream(rows),
        filename=f"milestones-{stamp}.xlsx",
        content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    )


@manager_required
def milestone_create(request, code: str):
    project = manageable_project(request, code)
    form = MilestoneForm(posted(request), project=project)
    another = "add_another" in request.POST
    done = run_form(
        request,
        form,
        lambda data: services.milestone_create(actor=request.user, project=project, **data),
        success=lambda milestone: f"Milestone “{milestone.title}” added.",
        then=lambda milestone: _warn_about_schedule(
            request,
            milestone,
            then=reverse("programmes:milestone_create", args=[project.code])
            if another
            else project,
        ),
    )
    return done or render(
        request,
        "programmes/milestone_form.html",
        {
            "form": form,
            "project": project,
            "milestone": None,
            "back_url": project.get_absolute_url(),
        },
    )


def _warn_about_schedule(request, milestone: Milestone, *, then):
    """After a save: a warning for each dependency out of order, then on to ``then``."""
    for warning in selectors.milestone_schedule_warnings(milestone=milestone):
        messages.warning(request, warning)
    return then


def _manageable_milestone(request, pk: int) -> Milestone:
    return get_object_or_404(
        access.milestones_managed_by(request.user).select_related("project__programme"),
        pk=pk,
    )


@manager_required
def milestone_edit(request, pk: int):
    milestone = _manageable_milestone(request, pk)
    form = MilestoneForm(
        posted(request),
        project=milestone.project,
        milestone=milestone,
        initial=MilestoneForm.initial_for(milestone),
    )
    done = run_form(
        request,
        form,
        lambda data: services.milestone_update(actor=request.user, milestone=milestone, **data),
        success="Milestone details saved.",
        then=lambda saved: _warn_about_schedule(request, saved, then=saved),
    )
    if done:
        return done
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
    deliverables = list(milestone.deliverables.all())
    links = deliverable_links.links_for(
        user=request.user, deliverable_ids=[d.pk for d in deliverables]
    )
    for deliverable in deliverables:
        deliverable.links = links.get(deliverable.pk, [])
    return render(
        request,
        "programmes/milestone_detail.html",
        {
            "milestone": milestone,
            "project": milestone.project,
            "manages": manages,
            "deliverables": deliverables,
            "today": today_for(request.user),
            "may_manage_deliverables": manages
            or access.is_milestone_owner(user=request.user, milestone=milestone),
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
    form = MilestoneStatusForm(posted(request), allowed=allowed)
    done = run_form(
        request,
        form,
        lambda data: services.milestone_set_status(actor=request.user, milestone=milestone, **data),
        success="Milestone status saved.",
        then=milestone,
    )
    if done:
        return done
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
    form = DueDateChangeForm(posted(request), initial={"due_date": milestone.due_date})
    done = run_form(
        request,
        form,
        lambda data: services.milestone_change_due_date(
            actor=request.user, milestone=milestone, **data
        ),
        success="Due date changed. The baseline is kept.",
        then=lambda change: _warn_about_schedule(request, change.milestone, then=change.milestone),
    )
    if done:
        return done
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
