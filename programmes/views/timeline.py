"""The timeline pages: a programme's and a project's milestones as a Gantt-style chart
(server-rendered SVG, no JavaScript) with the same milestones as a table beside it."""

from django.shortcuts import get_object_or_404, render

from accounts.clock import today_for
from accounts.decorators import mfa_enforced
from portal.pagination import BoundedPaginator, query_without

from .. import access, selectors, timeline
from ..forms import TimelineFilter


def _timeline_page(request, *, programme, project=None):
    today = today_for(request.user)
    base = selectors.timeline_milestones(
        user=request.user, today=today, programme=programme, project=project
    )
    choices = selectors.milestone_filter_choices(user=request.user, programme=programme)
    milestones = TimelineFilter(
        request.GET, queryset=base, choices=choices, with_project=project is None
    )
    page = BoundedPaginator(milestones.qs, selectors.TIMELINE_PAGE_SIZE, late_rows=True).get_page(
        request.GET.get("page")
    )
    rows = list(page.object_list)
    dependencies = selectors.timeline_dependencies(
        user=request.user, milestone_ids=[m.pk for m in rows]
    )
    return render(
        request,
        "programmes/timeline.html",
        {
            "programme": programme,
            "project": project,
            "filter": milestones,
            "page_obj": page,
            "chart": timeline.layout(
                rows, today=today, dependencies=dependencies, show_project=project is None
            ),
            "query": query_without(request),
        },
    )


@mfa_enforced
def programme_timeline(request, pk: int):
    programme = get_object_or_404(access.programmes_visible_to(request.user), pk=pk)
    return _timeline_page(request, programme=programme)


@mfa_enforced
def project_timeline(request, code: str):
    project = get_object_or_404(
        access.projects_visible_to(request.user).select_related("programme"), code=code
    )
    return _timeline_page(request, programme=project.programme, project=project)
