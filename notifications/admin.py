from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied, ValidationError

from . import services
from .models import Digest, Notification, Preference, Reminder


class InstituteScopedAdmin(admin.ModelAdmin):
    """Institute admins see their own institute's people's records; superusers see all."""

    person_field = "recipient"

    def get_queryset(self, request):
        qs = super().get_queryset(request)
        if request.user.is_superuser:
            return qs
        if not request.user.institute_id:
            return qs.none()
        return qs.filter(**{f"{self.person_field}__institute_id": request.user.institute_id})


@admin.register(Reminder)
class ReminderAdmin(InstituteScopedAdmin):
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
        done = 0
        for reminder in queryset:
            try:
                services.reminder_resend(reminder=reminder, actor=request.user)
            except (ValidationError, PermissionDenied) as exc:
                self.message_user(
                    request,
                    f"{reminder}: {' '.join(exc.messages) if hasattr(exc, 'messages') else exc}",
                    messages.WARNING,
                )
            else:
                done += 1
        if done:
            self.message_user(
                request, f"{done} reminder(s) queued to be sent again.", messages.SUCCESS
            )


@admin.register(Preference)
class PreferenceAdmin(InstituteScopedAdmin):
    person_field = "user"
    list_display = ["user", "kind", "delivery", "updated_at"]
    list_filter = ["kind", "delivery"]
    search_fields = ["user__email", "user__full_name"]
    list_select_related = ["user"]
    autocomplete_fields = ["user"]


@admin.register(Notification)
class NotificationAdmin(InstituteScopedAdmin):
    list_display = ["subject", "recipient", "kind", "created_at", "read_at"]
    list_filter = ["kind", ("read_at", admin.EmptyFieldListFilter)]
    search_fields = ["subject", "recipient__email", "recipient__full_name"]
    list_select_related = ["recipient"]
    readonly_fields = ["created_at"]
    autocomplete_fields = ["recipient"]


@admin.register(Digest)
class DigestAdmin(InstituteScopedAdmin):
    list_display = ["recipient", "local_date", "time_zone", "item_count", "sent_at"]
    list_filter = ["local_date"]
    search_fields = ["recipient__email", "recipient__full_name"]
    list_select_related = ["recipient"]
    readonly_fields = ["recipient", "local_date", "time_zone", "item_count", "sent_at"]

    def has_add_permission(self, request):
        return False
