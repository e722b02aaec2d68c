"""What every app's admin shares: institute scoping, and actions that run services."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError

from accounts import access as accounts_access
from accounts.admin_widgets import TolerantAutocompleteAdmin


class InstituteScopedAdmin(TolerantAutocompleteAdmin):
    """Mixin for a ModelAdmin: institute admins see their own institute's records only.

    ``institute_lookups`` are the paths from the model to the institutes it belongs to
    (``host_institute``, ``secondment__home_institute``...). Lists, change pages,
    history, actions and autocomplete all start from this queryset.
    """

    institute_lookups: tuple[str, ...] = ()

    def get_queryset(self, request):
        return accounts_access.in_admin_scope(
            super().get_queryset(request), user=request.user, lookups=self.institute_lookups
        )


def run_each(modeladmin, request, objects, run, *, done: str, level=messages.ERROR) -> int:
    """An admin action: ``run(obj)`` (a service, with the admin as the actor) for each
    object. A refusal is shown beside the object's name; the others still run."""
    ok = 0
    for obj in objects:
        try:
            run(obj)
        except (ValidationError, PermissionDenied) as exc:
            text = " ".join(getattr(exc, "messages", None) or [str(exc)])
            modeladmin.message_user(request, f"{obj}: {text}", level)
        else:
            ok += 1
    if ok:
        modeladmin.message_user(request, done.format(count=ok), messages.SUCCESS)
    return ok
