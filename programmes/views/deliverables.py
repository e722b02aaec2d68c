"""A milestone's deliverables: adding, changing and removing them, for its programme's
managers and the milestone's owner. Everyone else who sees the milestone sees them on
its page; for them these pages are not found."""

from django.http import Http404, HttpResponseNotAllowed
from django.shortcuts import get_object_or_404, render
from django.urls import reverse

from accounts.decorators import mfa_enforced
from portal.actions import posted, run_action, run_form

from .. import access, services
from ..forms import DeliverableForm
from ..models import Deliverable, Milestone


def _manageable_milestone(request, pk: int) -> Milestone:
    milestone = get_object_or_404(
        access.milestones_visible_to(request.user).select_related("project__programme"), pk=pk
    )
    if not access.may_manage_deliverables(user=request.user, milestone=milestone):
        raise Http404
    return milestone


def _manageable_deliverable(request, pk: int) -> Deliverable:
    deliverable = get_object_or_404(
        access.deliverables_visible_to(request.user).select_related(
            "milestone__project__programme"
        ),
        pk=pk,
    )
    if not access.may_manage_deliverables(user=request.user, milestone=deliverable.milestone):
        raise Http404
    return deliverable


def _back(deliverable_or_milestone) -> str:
    milestone = getattr(deliverable_or_milestone, "milestone", deliverable_or_milestone)
    return reverse("programmes:milestone_detail", args=[milestone.pk]) + "#deliverables"


@mfa_enforced
def deliverable_create(request, pk: int):
    milestone = _manageable_milestone(request, pk)
    form = DeliverableForm(
        posted(request),
        milestone=milestone,
        initial={"owner": milestone.owner_id, "due_date": milestone.due_date},
    )
    done = run_form(
        request,
        form,
        lambda data: services.deliverable_add(actor=request.user, milestone=milestone, **data),
        success=lambda d: f"Deliverable “{d.title}” added.",
        then=_back,
    )
    return done or render(
        request,
        "programmes/deliverable_form.html",
        {
            "form": form,
            "milestone": milestone,
            "project": milestone.project,
            "deliverable": None,
            "back_url": _back(milestone),
        },
    )


@mfa_enforced
def deliverable_edit(request, pk: int):
    deliverable = _manageable_deliverable(request, pk)
    milestone = deliverable.milestone
    form = DeliverableForm(
        posted(request), milestone=milestone, initial=DeliverableForm.initial_for(deliverable)
    )
    done = run_form(
        request,
        form,
        lambda data: services.deliverable_update(
            actor=request.user, deliverable=deliverable, **data
        ),
        success="Deliverable saved.",
        then=_back,
    )
    return done or render(
        request,
        "programmes/deliverable_form.html",
        {
            "form": form,
            "milestone": milestone,
            "project": milestone.project,
            "deliverable": deliverable,
            "back_url": _back(milestone),
        },
    )


@mfa_enforced
def deliverable_remove(request, pk: int):
    deliverable = _manageable_deliverable(request, pk)
    if request.method != "POST":
        return HttpResponseNotAllowed(["POST"])
    return run_action(
        request,
        lambda: services.deliverable_remove(actor=request.user, deliverable=deliverable),
        success=f"Deliverable “{deliverable.title}” removed.",
        then=_back(deliverable),
    )
