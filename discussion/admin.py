"""Comments in the admin: read-only, scoped to the author's institute, with one action
(remove, which keeps the text in the history)."""

from django.contrib import admin, messages
from simple_history.admin import SimpleHistoryAdmin

from portal.admin import InstituteScopedAdmin, run_each

from . import services
from .models import Comment


@admin.register(Comment)
class CommentAdmin(InstituteScopedAdmin, SimpleHistoryAdmin):
    institute_lookups = ("author__institute",)
    list_display = ["created_at", "author", "kind", "short_body", "edited_at", "removed_at"]
    list_filter = [
        ("removed_at", admin.EmptyFieldListFilter),
        ("edited_at", admin.EmptyFieldListFilter),
    ]
    search_fields = ["author__email", "author__full_name", "body"]
    list_select_related = ["author"]
    date_hierarchy = "created_at"
    fields = [
        "author",
        "application",
        "secondment",
        "project",
        "milestone",
        "handover",
        "body",
        "created_at",
        "edited_at",
        "removed_at",
        "removed_by",
    ]
    readonly_fields = fields
    actions = ["remove"]
    # A comment is what its author said: never rewritten from a past version.
    revert_allowed = False

    @admin.display(description="Comment")
    def short_body(self, obj) -> str:
        if obj.is_removed:
            return "Comment removed"
        return obj.body if len(obj.body) <= 80 else obj.body[:79] + "…"

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    @admin.action(description="Remove the selected comments (their text stays in history)")
    def remove(self, request, queryset):
        run_each(
            self,
            request,
            queryset,
            lambda comment: services.comment_remove_as_admin(actor=request.user, comment=comment),
            done="{count} comment(s) removed.",
            level=messages.WARNING,
        )
