"""Saved searches of opportunities: save the list's filters, list and delete them."""

from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from accounts.decorators import mfa_enforced
from portal.actions import posted, run_action, run_form
from portal.pagination import paginate

from .. import selectors, services
from ..forms import SEARCH_PREFIX, SavedSearchForm
from ..models import SAVED_SEARCHES_PER_PERSON


@mfa_enforced
def saved_search_list(request):
    return render(
        request,
        "exchange/saved_search_list.html",
        {
            "page_obj": paginate(request, selectors.saved_search_list_for(request.user)),
            "limit": SAVED_SEARCHES_PER_PERSON,
        },
    )


@mfa_enforced
def saved_search_create(request):
    """The list's "Save this search" posts here; the page itself shows every filter so a
    refusal can be put right without JavaScript."""
    initial = {
        key: request.GET.get(key, "")[:200]
        for key in ("team", "location", "duration", "clearance", "closing_after")
    }
    form = SavedSearchForm(posted(request), initial=initial, prefix=SEARCH_PREFIX)
    done = run_form(
        request,
        form,
        lambda data: services.saved_search_create(owner=request.user, **data),
        success=lambda search: (
            f"Your search “{search.name}” was saved. We will tell you "
            "when a new opportunity matches it."
        ),
        then=reverse("exchange:saved_search_list"),
    )
    return done or render(request, "exchange/saved_search_form.html", {"form": form})


@require_POST
@mfa_enforced
def saved_search_delete(request, pk: int):
    search = get_object_or_404(selectors.saved_search_list_for(request.user), pk=pk)
    name = search.name
    return run_action(
        request,
        lambda: services.saved_search_delete(saved_search=search, actor=request.user),
        success=f"Your saved search “{name}” was deleted.",
        then=reverse("exchange:saved_search_list"),
    )
