"""Requests to change attributes that decide access: an admin of the person's institute
confirms or rejects them here (never their own). Read-only apart from those actions."""

from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied, ValidationError

from . import access, services
from .models import AttributeChangeRequest


def _decide(modeladmin, request, queryset, service, done: str) -> None:
    ok = 0
    for change in queryset:
        try:
            service(actor=request.user, change=change)
        except (ValidationError, PermissionDenied) as exc:
            text = " ".join(getattr(exc, "messages", None) or [str(exc)])
            modeladmin.message_user(request, f"{change}: {text}", messages.ERROR)
        else:
            ok += 1
    if ok:
        modeladmin.message_user(request, done.format(count=ok), messages.SUCCESS)


@admin.register(AttributeChangeRequest)
class AttributeChangeRequestAdmin(admin.ModelAdmin):
    list_display = [
        "user",
        "field",
        "current_value",
        "requested_value",
        "status",
        "created_at",
        "decided_by",
    ]
    list_filter = ["status", "field"]
    search_fields = ["user__email", "user__full_name", "requested_value"]
    list_select_related = ["user", "decided_by"]
    fields = [
        "user",
        "field",
        "current_value",
        "requested_value",
        "reason",
        "status",
        "created_at",
        "decided_by",
        "decided_at",
        "decision_note",
    ]
    readonly_fields = fields
    actions = ["confirm", "reject"]

    def get_queryset(self, request):
        return access.attribute_change_requests_decidable_by(
            request.user, super().get_queryset(request)
        )

    def _is_admin(self, request) -> bool:
        user = request.user
        return (
            access.is_active_person(user) and user.is_staff and access.user_is_institute_admin(user)
        )

    def has_module_permission(self, request):
        return self._is_admin(request)

    def has_view_permission(self, request, obj=None):
        return self._is_admin(request)

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    @admin.action(description="Confirm the selected changes")
    def confirm(self, request, queryset):
        _decide(
            self, request, queryset, services.attribute_change_confirm, "{count} change(s) made."
        )

    @admin.action(description="Reject the selected changes")
    def reject(self, request, queryset):
        _decide(
            self,
            request,
            queryset,
            services.attribute_change_reject,
            "{count} request(s) rejected.",
        )
