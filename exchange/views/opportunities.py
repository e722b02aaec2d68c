"""Opportunity pages: browse and read them; managers advertise, publish and close them."""

from django.http import Http404
from django.shortcuts import get_object_or_404, render
from django.views.decorators.http import require_POST

from accounts.decorators import manager_required, mfa_enforced
from portal.actions import posted, run_action, run_form
from portal.pagination import paginate
from programmes import access as programmes_access

from .. import access, selectors, services
from ..filters import OpportunityFilter
from ..forms import SEARCH_PREFIX, OpportunityForm, SavedSearchForm


@mfa_enforced
def opportunity_list(request):
    filterset = OpportunityFilter(
        request.GET or None, queryset=access.opportunities_open_to(request.user)
    )
    valid = filterset.is_bound and filterset.is_valid()
    queryset = filterset.qs if valid else filterset.queryset
    save_form = None
    if access.may_save_searches(request.user) and (valid or not filterset.is_bound):
        filters = filterset.form.cleaned_data if valid else {}
        save_form = SavedSearchForm(
            initial={key: value for key, value in filters.items() if value not in (None, "")},
            hidden_filters=True,
            prefix=SEARCH_PREFIX,
        )
    return render(
        request,
        "exchange/opportunity_list.html",
        {"filter": filterset, "page_obj": paginate(request, queryset), "save_form": save_form},
    )


@manager_required
def opportunity_manage(request):
    page_obj = paginate(request, selectors.opportunity_list_for_manager(request.user))
    return render(request, "exchange/opportunity_manage.html", {"page_obj": page_obj})


@mfa_enforced
def opportunity_detail(request, pk: int):
    opportunity = get_object_or_404(access.opportunities_visible_to(request.user), pk=pk)
    applied = selectors.application_for_opportunity(user=request.user, opportunity=opportunity)
    may_apply = (
        applied is None and access.opportunities_open_to(request.user).filter(pk=pk).exists()
    )
    manages = programmes_access.user_manages_programme(
        user=request.user, programme=opportunity.programme
    )
    return render(
        request,
        "exchange/opportunity_detail.html",
        {
            "opportunity": opportunity,
            "may_apply": may_apply,
            "applied": applied,
            "manages": manages,
        },
    )


@manager_required
def opportunity_create(request):
    form = OpportunityForm(posted(request), manager=request.user)
    done = run_form(
        request,
        form,
        lambda data: services.opportunity_create(actor=request.user, **data),
        success="The opportunity was saved as a draft.",
    )
    return done or render(request, "exchange/opportunity_form.html", {"form": form})


@manager_required
def opportunity_edit(request, pk: int):
    opportunity = get_object_or_404(access.opportunities_managed_by(request.user), pk=pk)
    form = OpportunityForm(posted(request), instance=opportunity, manager=request.user)
    done = run_form(
        request,
        form,
        lambda data: services.opportunity_update(
            opportunity=opportunity, actor=request.user, **data
        ),
        success="The opportunity was updated.",
    )
    return done or render(
        request, "exchange/opportunity_form.html", {"form": form, "opportunity": opportunity}
    )


# action -> (service, what it says when done)
STATUS_ACTIONS = {
    "publish": (services.opportunity_publish, "The opportunity is open for applications."),
    "close": (services.opportunity_close, "The opportunity is closed."),
}


@require_POST
@manager_required
def opportunity_status(request, pk: int, action: str):
    opportunity = get_object_or_404(access.opportunities_managed_by(request.user), pk=pk)
    if action not in STATUS_ACTIONS:
        raise Http404
    service, success = STATUS_ACTIONS[action]
    return run_action(
        request,
        lambda: service(opportunity=opportunity, actor=request.user),
        success=success,
        then=opportunity,
    )
