"""What every app's admin shares: institute scoping, and actions that run services."""

from django.contrib import messages
from django.contrib.admin.utils import unquote
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import models
from django.http import Http404

from accounts import access as accounts_access
from accounts.admin_widgets import TolerantAutocompleteAdmin
from audit import services as audit_services
from audit.models import AuditEvent

OUT_OF_SCOPE = (
    "This record must stay linked to your institute ({institute}): you can only manage "
    "your own institute's records."
)


class InstituteScopedAdmin(TolerantAutocompleteAdmin):
    """Mixin for a ModelAdmin: institute admins see their own institute's records only.

    ``institute_lookups`` are the paths from the model to the institutes it belongs to
    (``host_institute``, ``secondment__home_institute``...). Lists, change pages, delete,
    actions, autocomplete, history, past versions and reverting all start from this
    queryset, and a save (or a revert) that would take a record out of the admin's
    institute is refused. Set ``revert_allowed = False`` on records under custody.
    """

    institute_lookups: tuple[str, ...] = ()
    revert_allowed = True

    def get_queryset(self, request):
        return accounts_access.in_admin_scope(
            self.scoped_queryset(request), user=request.user, lookups=self.institute_lookups
        )

    def scoped_queryset(self, request):
        """The records before the institute scope: an app narrows it with its own access
        rule (exchange's applications hide drafts, as the portal does)."""
        return super().get_queryset(request)

    # --- one institute in, one institute out --------------------------------------------

    def institute_fields(self) -> set[str]:
        """The model's own fields the institute scope goes through."""
        return {lookup.split("__")[0] for lookup in self.institute_lookups}

    def get_changeform_initial_data(self, request):
        initial = super().get_changeform_initial_data(request)
        # A new record of an institute admin belongs to their institute.
        if (
            len(self.institute_lookups) == 1
            and "__" not in self.institute_lookups[0]
            and request.user.institute_id
        ):
            field = self.model._meta.get_field(self.institute_lookups[0])
            if field.many_to_one:
                initial.setdefault(field.name, request.user.institute_id)
        return initial

    def get_form(self, request, obj=None, change=False, **kwargs):
        form_class = super().get_form(request, obj, change, **kwargs)
        model_admin = self

        class InstituteScopedForm(form_class):
            def _post_clean(self):
                model_admin.keep_current(request, self)
                super()._post_clean()
                model_admin.check_scope(request, self)

        InstituteScopedForm.__name__ = form_class.__name__
        return InstituteScopedForm

    def check_scope(self, request, form) -> None:
        """A form error when the record would leave the admin's institute."""
        user = request.user
        if user.is_superuser or not self.institute_lookups:
            return
        reached: set = set()
        for lookup in self.institute_lookups:
            reached |= _institute_ids_along(form.instance, lookup.split("__"), form.cleaned_data)
        if user.institute_id not in reached:
            form.add_error(None, OUT_OF_SCOPE.format(institute=user.institute))

    # --- history: the same scope, and no revert that moves a record -------------------

    def _in_scope_or_404(self, request, object_id):
        try:
            return self.get_queryset(request).get(pk=unquote(object_id))
        except (self.model.DoesNotExist, ValidationError, ValueError) as exc:
            # Deleted records' history is for superusers, who see everything anyway.
            raise Http404 from exc

    def history_view(self, request, object_id, extra_context=None):
        if not request.user.is_superuser:
            self._in_scope_or_404(request, object_id)
        return super().history_view(request, object_id, extra_context)

    def history_form_view(self, request, object_id, version_id, extra_context=None):
        current = self._in_scope_or_404(request, object_id)
        if request.method == "POST" and self.revert_disabled(request, current):
            raise PermissionDenied
        request._portal_reverting = current
        return super().history_form_view(request, object_id, version_id, extra_context)

    def revert_disabled(self, request, obj=None):
        return not self.revert_allowed or super().revert_disabled(request, obj)

    def get_readonly_fields(self, request, obj=None):
        readonly = list(super().get_readonly_fields(request, obj))
        if getattr(request, "_portal_reverting", None) is not None:
            # A revert restores a past version's content, never its institute.
            readonly += sorted(self.institute_fields() - set(readonly))
        return readonly

    def keep_current(self, request, form) -> None:
        """On a revert, what the form does not change (statuses, institutes, dates set by
        the services) keeps its current value, not the past version's."""
        current = getattr(request, "_portal_reverting", None)
        if current is None:
            return
        for field in self.model._meta.concrete_fields:
            if field.primary_key or field.name in form.fields:
                continue
            setattr(form.instance, field.attname, getattr(current, field.attname))


def _institute_ids_along(instance, parts: list[str], cleaned: dict) -> set:
    """The institutes reached from an unsaved ``instance`` along a lookup path, taking the
    form's cleaned values for the instance's own many-to-many fields."""
    values = [instance]
    for depth, part in enumerate(parts):
        reached = []
        for value in values:
            field = value._meta.get_field(part)
            if depth == 0 and field.many_to_many and part in cleaned:
                got = cleaned[part]
            elif field.many_to_many or field.one_to_many:
                got = getattr(value, part).all() if value.pk else []
            else:
                got = getattr(value, part, None)
            if isinstance(got, models.Model):
                reached.append(got)
            elif got is not None:
                reached.extend(got)
        values = reached
    return {value.pk for value in values}


def run_each(modeladmin, request, objects, run, *, done: str, level=messages.ERROR) -> int:
    """An admin action: ``run(obj)`` (a service, with the admin as the actor) for each
    object. A refusal is shown beside the object's name; the others still run. Each
    object the action ran on is recorded in the audit log."""
    ok = 0
    for obj in objects:
        try:
            run(obj)
        except (ValidationError, PermissionDenied) as exc:
            text = " ".join(getattr(exc, "messages", None) or [str(exc)])
            modeladmin.message_user(request, f"{obj}: {text}", level)
        else:
            ok += 1
            # The admin's own log has no entry for an action: the audit log has one.
            audit_services.record(
                event=AuditEvent.ADMIN_ACTION,
                actor=request.user,
                obj=obj,
                request=request,
                summary=f"Admin action on {obj._meta.verbose_name}: {done.format(count=1)}",
            )
    if ok:
        modeladmin.message_user(request, done.format(count=ok), messages.SUCCESS)
    return ok
