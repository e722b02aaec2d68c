"""Acting delegates: name someone to take your decisions for a range of days, see your
current and upcoming delegations (and those naming you), and end one early."""

from django import forms
from django.shortcuts import get_object_or_404, render

from accounts.decorators import mfa_enforced
from portal.actions import posted, run_form
from portal.pagination import paginate

from .. import access, selectors, services
from ..forms import DelegationForm


@mfa_enforced
def delegation_list(request):
    return render(
        request,
        "exchange/delegation_list.html",
        {
            "given": paginate(request, selectors.delegations_given(request.user), param="given"),
            "held": paginate(request, selectors.delegations_held(request.user), param="held"),
            "may_delegate": bool(access.delegation_kinds_for(request.user)),
        },
    )


@mfa_enforced
def delegation_create(request):
    kinds = access.delegation_kinds_for(request.user)
    form = DelegationForm(posted(request), delegator=request.user)
    done = bool(kinds) and run_form(
        request,
        form,
        lambda data: services.delegation_create(delegator=request.user, **data),
        success=lambda d: (
            f"{d.delegate} will act for you from {d.start:%-d %B %Y} to {d.end:%-d %B %Y}."
        ),
        then="exchange:delegation_list",
    )
    return done or render(
        request, "exchange/delegation_form.html", {"form": form, "may_delegate": bool(kinds)}
    )


@mfa_enforced
def delegation_end(request, pk: int):
    """Confirm, then end a delegation now (one not started yet is cancelled)."""
    delegation = get_object_or_404(selectors.delegations_given(request.user), pk=pk)
    form = forms.Form(posted(request))  # nothing to fill in: the button confirms
    done = run_form(
        request,
        form,
        lambda data: services.delegation_end(delegation=delegation, actor=request.user),
        success=lambda d: f"{d.delegate} no longer acts for you.",
        then="exchange:delegation_list",
    )
    return done or render(
        request, "exchange/delegation_end.html", {"delegation": delegation, "form": form}
    )
