from django.contrib import admin, messages

from portal.admin import InstituteScopedAdmin, run_each

from . import services
from .models import Digest, Notification, Preference, Reminder


@admin.register(Reminder)
class ReminderAdmin(InstituteScopedAdmin, admin.ModelAdmin):
    institute_lookups = ("recipient__institute",)
    list_display = [
        "kind",
        "recipient",
        "window",
        "status",
        "delivery",
        "due_at",
        "attempts",
        "sent_at",
    ]
    list_filter = ["status", "kind", "delivery", ("recipient", admin.RelatedOnlyFieldListFilter)]
    search_fields = ["recipient__email", "recipient__full_name", "kind", "window"]
    list_select_related = ["recipient"]
    date_hierarchy = "created"
    readonly_fields = [
        "kind", "content_type", "object_id", "recipient", "window", "due_at", "status",
        "delivery", "available_at", "claim_token", "attempts", "last_error", "notification",
        "digest", "created", "sent_at",
    ]  # fmt: skip
    actions = ["resend"]

    def has_add_permission(self, request):
        return False

    @admin.action(description="Send the selected failed or skipped reminders again")
    def resend(self, request, queryset):
        run_each(
            self,
            request,
            queryset,
            lambda reminder: services.reminder_resend(reminder=reminder, actor=request.user),
            done="{count} reminder(s) queued to be sent again.",
            level=messages.WARNING,
        )


@admin.register(Preference)
class PreferenceAdmin(InstituteScopedAdmin, admin.ModelAdmin):
    institute_lookups = ("user__institute",)
    list_display = ["user", "kind", "delivery", "updated_at"]
    list_filter = ["kind", "delivery"]
    search_fields = ["user__email", "user__full_name"]
    list_select_related = ["user"]
    autocomplete_fields = ["user"]


@admin.register(Notification)
class NotificationAdmin(InstituteScopedAdmin, admin.ModelAdmin):
    institute_lookups = ("recipient__institute",)
    list_display = ["subject", "recipient", "kind", "created_at", "read_at"]
    list_filter = ["kind", ("read_at", admin.EmptyFieldListFilter)]
    search_fields = ["subject", "recipient__email", "recipient__full_name"]
    list_select_related = ["recipient"]
    readonly_fields = ["created_at"]
    autocomplete_fields = ["recipient"]


@admin.register(Digest)
class DigestAdmin(InstituteScopedAdmin, admin.ModelAdmin):
    institute_lookups = ("recipient__institute",)
    list_display = ["recipient", "local_date", "time_zone", "item_count", "sent_at"]
    list_filter = ["local_date"]
    search_fields = ["recipient__email", "recipient__full_name"]
    list_select_related = ["recipient"]
    readonly_fields = ["recipient", "local_date", "time_zone", "item_count", "sent_at"]

    def has_add_permission(self, request):
        return False
