"""Programme pages: the list, one programme's dashboard, creating and editing one."""

from django.contrib import messages
from django.shortcuts import get_object_or_404, render
from django.urls import reverse

from accounts import access as accounts_access
from accounts.decorators import manager_required, mfa_enforced
from portal.actions import posted, run_form
from portal.pagination import paginate, query_without

from .. import access, selectors, services
from ..forms import ProgrammeForm
from ..models import Programme
from .milestones import milestone_filter, sort_headers


@mfa_enforced
def programme_list(request):
    return render(
        request,
        "programmes/programme_list.html",
        {
            "page_obj": paginate(request, selectors.programme_list_for_page(user=request.user)),
            "can_create": accounts_access.user_is_programme_manager(request.user),
        },
    )


@mfa_enforced
def programme_detail(request, pk: int):
    programme = get_object_or_404(access.programmes_visible_to(request.user), pk=pk)
    projects = list(selectors.programme_dashboard_projects(user=request.user, programme=programme))
    milestones = milestone_filter(request, programme=programme)
    return render(
        request,
        "programmes/programme_detail.html",
        {
            "programme": programme,
            "projects": projects,
            "totals": selectors.programme_dashboard_totals(projects=projects),
            "filter": milestones,
            "page_obj": paginate(request, milestones.qs, late_rows=True),
            "query": query_without(request),
            "sort_headers": sort_headers(request),
            "manages": access.user_manages_programme(user=request.user, programme=programme),
            "window_days": selectors.DASHBOARD_WINDOW_DAYS,
        },
    )


def _saved(request, programme: Programme, text: str) -> str:
    """The success message, after a warning for each institute with no manager yet."""
    manager_institutes = set(programme.managers.values_list("institute_id", flat=True))
    for institute in programme.institutes.exclude(pk__in=manager_institutes):
        messages.warning(request, f"{institute.name} has no programme manager yet.")
    return text


@manager_required
def programme_create(request):
    # The person creating it is usually one of its managers: start the list with them.
    form = ProgrammeForm(posted(request), initial={"manager_emails": request.user.email})
    done = run_form(
        request,
        form,
        lambda data: services.programme_create(actor=request.user, **data),
        success=lambda programme: _saved(
            request, programme, f"Programme “{programme.name}” created."
        ),
    )
    return done or render(
        request,
        "programmes/programme_form.html",
        {"form": form, "programme": None, "back_url": reverse("programmes:programme_list")},
    )


@manager_required
def programme_edit(request, pk: int):
    programme = get_object_or_404(access.programmes_managed_by(request.user), pk=pk)
    form = ProgrammeForm(posted(request), initial=ProgrammeForm.initial_for(programme))
    done = run_form(
        request,
        form,
        lambda data: services.programme_update(actor=request.user, programme=programme, **data),
        success=lambda saved: _saved(request, saved, "Programme details saved."),
    )
    return done or render(
        request, "programmes/programme_form.html", {"form": form, "programme": programme}
    )
