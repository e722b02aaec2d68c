"""Project pages: one project with its timeline; creating, editing, members and RAG."""

import datetime

from django.http import HttpResponseNotAllowed
from django.shortcuts import get_object_or_404, render
from django.urls import reverse

from accounts.clock import today_for
from accounts.decorators import manager_required, mfa_enforced
from portal.actions import posted, run_action, run_form

from .. import access, selectors, services
from ..forms import MemberAddForm, ProjectForm, RagOverrideForm
from ..models import Project, ProjectMembership


def manageable_project(request, code: str) -> Project:
    return get_object_or_404(
        access.projects_managed_by(request.user).select_related("programme"), code=code
    )


@manager_required
def project_create(request):
    programmes = access.programmes_managed_by(request.user).order_by("name")
    initial = {}
    if request.GET.get("programme", "").isdigit():
        initial["programme"] = int(request.GET["programme"])
    form = ProjectForm(posted(request), programmes=programmes, initial=initial)
    done = run_form(
        request,
        form,
        lambda data: services.project_create(actor=request.user, **data),
        success=lambda project: (
            f"Project {project.code} created. Add its members, then its milestones."
        ),
        then=lambda project: reverse("programmes:project_members", args=[project.code]),
    )
    return done or render(
        request,
        "programmes/project_form.html",
        {"form": form, "project": None, "back_url": reverse("programmes:programme_list")},
    )


@manager_required
def project_edit(request, code: str):
    project = manageable_project(request, code)
    form = ProjectForm(posted(request), editing=True, initial=ProjectForm.initial_for(project))
    done = run_form(
        request,
        form,
        lambda data: services.project_update(actor=request.user, project=project, **data),
        success="Project details saved.",
    )
    return done or render(
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
    project = manageable_project(request, code)
    form = MemberAddForm(posted(request))
    done = run_form(
        request,
        form,
        lambda data: services.project_member_add(actor=request.user, project=project, **data),
        success=lambda membership: f"{membership.user} added as {membership.get_role_display()}.",
        then=reverse("programmes:project_members", args=[project.code]),
    )
    return done or render(
        request,
        "programmes/project_members.html",
        {"project": project, "form": form, "members": selectors.project_members(project=project)},
    )


@manager_required
def project_member_remove(request, code: str, membership_id: int):
    project = manageable_project(request, code)
    if request.method != "POST":
        return HttpResponseNotAllowed(["POST"])
    membership = get_object_or_404(
        ProjectMembership.objects.select_related("user", "project__programme"),
        pk=membership_id,
        project=project,
    )
    return run_action(
        request,
        lambda: services.project_member_remove(actor=request.user, membership=membership),
        success=f"{membership.user} removed from the project.",
        then=reverse("programmes:project_members", args=[project.code]),
    )


@manager_required
def project_rag(request, code: str):
    project = manageable_project(request, code)
    form = RagOverrideForm(
        posted(request),
        initial={"rag": project.rag_override, "reason": project.rag_override_reason},
    )
    done = run_form(
        request,
        form,
        lambda data: services.project_rag_override(actor=request.user, project=project, **data),
        success="RAG status saved.",
    )
    return done or render(
        request,
        "programmes/project_rag.html",
        {"project": project, "form": form, "back_url": project.get_absolute_url()},
    )
