"""The retention schedule in the admin: the rules, the run history, and a dry run."""

from django.contrib import admin
from django.core.exceptions import PermissionDenied
from django.template.response import TemplateResponse
from django.urls import path
from simple_history.admin import SimpleHistoryAdmin

from . import access, services
from .models import RetentionRule, RetentionRun


@admin.register(RetentionRule)
class RetentionRuleAdmin(SimpleHistoryAdmin):
    list_display = ["label", "period_months", "action", "enabled"]
    list_filter = ["action", "enabled"]
    fields = ["record_type", "label", "action", "period_months", "enabled", "notes"]
    readonly_fields = ["record_type", "label", "action"]
    actions = None
    change_list_template = "admin/records/retentionrule/change_list.html"

    def has_module_permission(self, request):
        return access.can_see_schedule(request.user)

    def has_view_permission(self, request, obj=None):
        return access.can_see_schedule(request.user)

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return access.can_change_schedule(request.user)

    def history_form_view(self, request, object_id, version_id, extra_context=None):
        # simple_history saves a posted past version for anyone who may view it: only
        # those who may change the schedule may revert it.
        if request.method == "POST" and not access.can_change_schedule(request.user):
            raise PermissionDenied
        return super().history_form_view(request, object_id, version_id, extra_context)

    def revert_disabled(self, request, obj=None):
        return not access.can_change_schedule(request.user) or super().revert_disabled(request, obj)

    def save_model(self, request, obj, form, change):
        old = {}
        if change and obj.pk:
            before = RetentionRule.objects.get(pk=obj.pk)
            old = {k: getattr(before, k) for k in ("period_months", "enabled", "notes")}
        super().save_model(request, obj, form, change)
        services.rule_changed(rule=obj, actor=request.user, old=old, request=request)

    def get_urls(self):
        dry_run = self.admin_site.admin_view(self.dry_run_view)
        return [
            path("dry-run/", dry_run, name="records_retentionrule_dry_run"),
            *super().get_urls(),
        ]

    def dry_run_view(self, request):
        """A button; pressing it reports what the schedule would do now (changing
        nothing but the run history)."""
        if not access.can_see_schedule(request.user):
            raise PermissionDenied
        report = None
        if request.method == "POST":
            report = services.apply_retention(dry_run=True, user=request.user)
        context = {
            **self.admin_site.each_context(request),
            "title": "Dry run of the retention schedule",
            "report": report,
            "scoped": not request.user.is_superuser,
            "opts": self.model._meta,
        }
        return TemplateResponse(request, "admin/records/retentionrule/dry_run.html", context)


@admin.register(RetentionRun)
class RetentionRunAdmin(admin.ModelAdmin):
    list_display = ["__str__", "dry_run", "total_acted", "institute", "started_by", "failed"]
    list_filter = ["dry_run"]
    fields = ["started_at", "finished_at", "dry_run", "started_by", "institute", "counts", "errors"]
    readonly_fields = fields
    list_select_related = ["institute", "started_by"]
    actions = None

    def get_queryset(self, request):
        return access.runs_visible_to(request.user, super().get_queryset(request))

    def has_module_permission(self, request):
        return access.can_see_schedule(request.user)

    def has_view_permission(self, request, obj=None):
        return access.can_see_schedule(request.user)

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    @admin.display(description="records")
    def total_acted(self, obj):
        return obj.total

    @admin.display(description="failed", boolean=True)
    def failed(self, obj):
        return bool(obj.errors)
