"""A person's own account pages: their profile and requests to change the attributes
that decide access. They live in the shared web layer because they run forms the way
every page does (``portal.actions``), and ``accounts`` imports nothing to its right."""

from django.contrib.auth.decorators import login_required
from django.shortcuts import render

from accounts import services
from accounts.forms import AttributeChangeRequestForm, ProfileForm
from accounts.models import AttributeChangeRequest
from accounts.selectors import user_attribute_change_requests, user_role_labels

from .actions import posted, run_form


@login_required
def profile(request):
    form = ProfileForm(posted(request), instance=request.user)
    done = run_form(
        request,
        form,
        lambda kwargs: services.profile_update(actor=request.user, **kwargs),
        success="Your details have been saved.",
        then="profile",
    )
    if done:
        return done
    if form.errors:
        request.user.refresh_from_db()
    return render(
        request,
        "accounts/profile.html",
        {
            "form": form,
            "roles": user_role_labels(request.user),
            "change_requests": user_attribute_change_requests(request.user),
        },
    )


@login_required
def profile_change_request(request):
    form = AttributeChangeRequestForm(
        posted(request), initial={"field": request.GET.get("field", "")}
    )
    done = run_form(
        request,
        form,
        lambda kwargs: services.attribute_change_request(actor=request.user, **kwargs),
        success=lambda change: (
            f"Your request to change your {change.get_field_display().lower()} has been "
            "sent to your institute's admins. It takes effect when one of them confirms it."
        ),
        then="profile",
    )
    return done or render(
        request,
        "accounts/profile_change_request.html",
        {"form": form, "fields": AttributeChangeRequest.Field},
    )
