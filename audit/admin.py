"""The audit log in the admin: read-only, scoped to the admin's institute (superusers see
everything), filterable, and exported as CSV for a date range."""

from django.contrib import admin
from django.core.exceptions import PermissionDenied
from django.template.response import TemplateResponse
from django.urls import path

from . import access, exports, history, services
from .forms import AuditExportForm
from .models import AuditEntry, AuditEvent


@admin.register(AuditEntry)
class AuditEntryAdmin(admin.ModelAdmin):
    change_list_template = "admin/audit/auditentry/change_list.html"
    list_display = ["at", "event", "actor_label", "institute", "object_label", "ip", "summary"]
    list_filter = [
        "event",
        ("institute", admin.RelatedOnlyFieldListFilter),
        ("object_institute", admin.RelatedOnlyFieldListFilter),
        "object_type",
    ]
    date_hierarchy = "at"
    search_fields = ["actor_label", "object_label", "object_id", "summary"]
    list_select_related = ["institute", "object_institute"]
    fields = [
        "at",
        "event",
        "actor",
        "actor_label",
        "institute",
        "object_type",
        "object_id",
        "object_label",
        "object_institute",
        "old_values",
        "new_values",
        "ip",
        "summary",
    ]
    readonly_fields = fields
    actions = None

    def get_queryset(self, request):
        return access.entries_visible_to(request.user, super().get_queryset(request))

    def has_module_permission(self, request):
        return access.can_read_audit_log(request.user)

    def has_view_permission(self, request, obj=None):
        return access.can_read_audit_log(request.user)

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    def get_urls(self):
        export = self.admin_site.admin_view(self.export_view)
        return [path("export/", export, name="audit_auditentry_export"), *super().get_urls()]

    def export_view(self, request):
        """A form for the dates; the CSV of the entries the admin may see in that range."""
        if not access.can_read_audit_log(request.user):
            raise PermissionDenied
        form = AuditExportForm(
            request.POST if request.method == "POST" else None, user=request.user
        )
        if request.method == "POST" and form.is_valid():
            start, end = form.cleaned_data["start"], form.cleaned_data["end"]
            begin, finish = exports.day_bounds(
                start, end, time_zone=request.user.effective_time_zone
            )
            what = form.cleaned_data["what"]
            services.record(
                event=AuditEvent.EXPORTED,
                actor=request.user,
                request=request,
                summary=f"{dict(form.fields['what'].choices)[what].split(':')[0]} exported "
                f"from {start} to {end}.",
            )
            if what == AuditExportForm.HISTORY:
                return exports.csv_response(
                    history.csv_stream(request, begin=begin, finish=finish),
                    filename=f"change-history-{start}-to-{end}.csv",
                )
            entries = (
                self.get_queryset(request)
                .filter(at__gte=begin, at__lt=finish)
                .select_related("institute", "object_institute")
                .order_by("at", "pk")
            )
            return exports.csv_response(
                exports.csv_stream(entries.iterator(chunk_size=2000)),
                filename=f"audit-log-{start}-to-{end}.csv",
            )
        context = {
            **self.admin_site.each_context(request),
            "title": "Export the audit log",
            "form": form,
            "opts": self.model._meta,
        }
        return TemplateResponse(request, "admin/audit/auditentry/export.html", context)
