"""Personal access tokens in the admin: seen and revoked within the admin's institute,
never created or edited there (only the person creates their own)."""

from django.contrib import admin

from portal.admin import InstituteScopedAdmin, run_each

from . import services
from .models import PersonalAccessToken


@admin.register(PersonalAccessToken)
class PersonalAccessTokenAdmin(InstituteScopedAdmin, admin.ModelAdmin):
    institute_lookups = ("user__institute",)
    list_select_related = ["user"]
    list_display = [
        "name",
        "user",
        "prefix",
        "scope",
        "created_at",
        "expires_at",
        "last_used_at",
        "revoked_at",
    ]
    list_filter = ["scope", "revoked_at", "user__institute"]
    search_fields = ["name", "prefix", "user__email", "user__full_name"]
    readonly_fields = [
        "user",
        "name",
        "prefix",
        "scope",
        "created_at",
        "expires_at",
        "last_used_at",
        "revoked_at",
        "created_with_mfa",
    ]
    exclude = ["secret_hash"]
    actions = ["revoke"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        # The change page shows the token read-only; nothing on it may be edited.
        return request.method in ("GET", "HEAD") and super().has_change_permission(request, obj)

    @admin.action(description="Revoke the selected tokens")
    def revoke(self, request, queryset):
        run_each(
            self,
            request,
            queryset,
            lambda obj: services.token_revoke(actor=request.user, token=obj),
            done="{count} revoked.",
        )
