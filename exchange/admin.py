"""Admin screens. Statuses are read-only here: changes of state go through the services,
as actions that run them with the signed-in admin as the actor."""

from django import forms
from django.contrib import admin
from django.core.exceptions import PermissionDenied, ValidationError
from simple_history.admin import SimpleHistoryAdmin

from accounts.admin_widgets import TolerantAutocompleteAdmin
from portal.admin import InstituteScopedAdmin, run_each
from programmes.models import Programme

from . import access, selectors, services
from .models import (
    Application,
    ApplicationEvent,
    ChecklistEvidence,
    ChecklistItem,
    ChecklistTemplate,
    ChecklistTemplateItem,
    ClearanceRecognition,
    ExchangeQuota,
    MidpointReview,
    Opportunity,
    ReturnReport,
    SavedSearch,
    Secondment,
    SecondmentDateChange,
)
from .services.opportunities import opportunity_validate


def _with_reference(parent, request, queryset, search_term, pattern):
    """Search by reference (``APP-00009``, ``app 9``) as well as by the search fields."""
    pk = selectors.pk_from_reference(search_term, pattern)
    if pk is not None:
        return queryset.filter(pk=pk), False
    return parent.get_search_results(request, queryset, search_term)


class OpportunityAdminForm(forms.ModelForm):
    """The admin keeps the rules the site's services keep (host in the programme,
    durations, the host's clearance scheme)."""

    def _post_clean(self):
        super()._post_clean()
        instance = self.instance
        if self.errors or not (instance.programme_id and instance.host_institute_id):
            return
        try:
            opportunity_validate(instance)
        except ValidationError as exc:
            self._update_errors(exc)


@admin.register(Opportunity)
class OpportunityAdmin(InstituteScopedAdmin, SimpleHistoryAdmin):
    form = OpportunityAdminForm
    institute_lookups = ("host_institute",)
    list_select_related = ["host_institute"]
    list_display = ["title", "host_institute", "team", "status", "closing_date", "places"]
    list_filter = ["status", "host_institute", "programme", "required_clearance"]
    search_fields = ["title", "team", "location", "description"]
    autocomplete_fields = ["host_institute", "created_by"]
    readonly_fields = ["status", "published_at", "closed_at", "created_at", "updated_at"]
    date_hierarchy = "closing_date"
    # Publishing and closing are decisions of the programme's managers, in the admin as
    # on the site: an institute admin who is not one sees the refusal beside each record.
    actions = ["publish", "close"]

    def save_model(self, request, obj, form, change):
        if not change and obj.created_by_id is None:
            obj.created_by = request.user
        super().save_model(request, obj, form, change)

    @admin.action(description="Publish the selected opportunities")
    def publish(self, request, queryset):
        run_each(
            self,
            request,
            queryset,
            lambda obj: services.opportunity_publish(opportunity=obj, actor=request.user),
            done="{count} published.",
        )

    @admin.action(description="Close the selected opportunities")
    def close(self, request, queryset):
        run_each(
            self,
            request,
            queryset,
            lambda obj: services.opportunity_close(opportunity=obj, actor=request.user),
            done="{count} closed.",
        )


class ApplicationEventInline(admin.TabularInline):
    model = ApplicationEvent
    extra = 0
    can_delete = False
    fields = ["at", "actor", "from_status", "to_status", "reason"]
    readonly_fields = fields

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(Application)
class ApplicationAdmin(InstituteScopedAdmin, SimpleHistoryAdmin):
    institute_lookups = ("home_institute", "host_institute")
    list_select_related = ["applicant", "opportunity", "host_institute"]
    list_display = [
        "__str__",
        "status",
        "direction",
        "host_institute",
        "submitted_at",
        "status_changed_at",
    ]
    list_filter = ["status", "direction", "host_institute", "home_institute", "programme"]
    search_fields = [
        "applicant__email",
        "applicant__full_name",
        "line_manager__email",
        "opportunity__title",
    ]
    autocomplete_fields = [
        "applicant",
        "opportunity",
        "home_institute",
        "host_institute",
        "line_manager",
    ]
    readonly_fields = [
        "status",
        "submitted_at",
        "status_changed_at",
        "created_at",
        "updated_at",
        "cv",
        "cv_name",
        "cv_content_type",
        "cv_size",
    ]
    inlines = [ApplicationEventInline]
    date_hierarchy = "status_changed_at"

    def scoped_queryset(self, request):
        # The portal's rule: a draft is its applicant's alone.
        return access.applications_in_admin(request.user, super().scoped_queryset(request))

    def get_search_results(self, request, queryset, search_term):
        return _with_reference(
            super(), request, queryset, search_term, selectors.APPLICATION_REFERENCE
        )

    def has_add_permission(self, request):
        # Applications are made by the applicant on the site, with their CV and declaration.
        return False


class ChecklistItemInline(TolerantAutocompleteAdmin, admin.TabularInline):
    model = ChecklistItem
    extra = 0
    fields = ["title", "owner_party", "owner", "mandatory", "due_date", "status", "notes"]
    readonly_fields = ["status"]
    autocomplete_fields = ["owner"]
    show_change_link = True


class DateChangeInline(admin.TabularInline):
    model = SecondmentDateChange
    extra = 0
    can_delete = False
    fields = ["changed_at", "changed_by", "kind", "old_start", "old_end", "new_start", "new_end"]
    readonly_fields = [*fields, "reason"]

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(Secondment)
class SecondmentAdmin(InstituteScopedAdmin, SimpleHistoryAdmin):
    institute_lookups = ("home_institute", "host_institute")
    list_select_related = ["secondee", "host_supervisor"]
    list_display = [
        "secondee",
        "title",
        "direction",
        "status",
        "start_date",
        "end_date",
        "host_supervisor",
    ]
    list_filter = ["status", "direction", "arrangement", "programme", "host_institute"]
    search_fields = ["secondee__email", "secondee__full_name", "title", "location"]
    autocomplete_fields = [
        "application",
        "secondee",
        "home_institute",
        "host_institute",
        "home_manager",
        "host_supervisor",
    ]
    readonly_fields = [
        "status",
        "status_reason",
        "status_changed_at",
        "start_date",
        "end_date",
        "created_at",
    ]
    inlines = [ChecklistItemInline, DateChangeInline]
    date_hierarchy = "start_date"

    def get_search_results(self, request, queryset, search_term):
        return _with_reference(
            super(), request, queryset, search_term, selectors.SECONDMENT_REFERENCE
        )

    actions = ["mark_ready", "start"]

    def has_add_permission(self, request):
        # A secondment comes from an accepted application (services.application_accept).
        return False

    @admin.action(description="Mark the selected secondments ready")
    def mark_ready(self, request, queryset):
        run_each(
            self,
            request,
            queryset,
            lambda obj: services.secondment_mark_ready(secondment=obj, actor=request.user),
            done="{count} marked ready.",
        )

    @admin.action(description="Start the selected secondments")
    def start(self, request, queryset):
        run_each(
            self,
            request,
            queryset,
            lambda obj: services.secondment_start(secondment=obj, actor=request.user),
            done="{count} started.",
        )


class EvidenceInline(admin.TabularInline):
    model = ChecklistEvidence
    extra = 0
    can_delete = False
    fields = ["original_name", "content_type", "size", "uploaded_by", "uploaded_at"]
    readonly_fields = fields

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(ChecklistItem)
class ChecklistItemAdmin(InstituteScopedAdmin, SimpleHistoryAdmin):
    institute_lookups = ("secondment__home_institute", "secondment__host_institute")
    list_select_related = ["secondment__secondee", "owner"]
    list_display = ["title", "secondment", "owner", "status", "mandatory", "due_date"]
    list_filter = ["status", "kind", "owner_party", "mandatory", "secondment__direction"]
    search_fields = ["title", "secondment__secondee__email", "owner__email"]
    autocomplete_fields = ["secondment", "owner"]
    readonly_fields = ["status", "completed_at", "completed_by", "template_item"]
    inlines = [EvidenceInline]
    date_hierarchy = "due_date"


class ChecklistTemplateItemInline(admin.TabularInline):
    model = ChecklistTemplateItem
    extra = 1
    fields = [
        "order",
        "key",
        "title",
        "kind",
        "owner_party",
        "mandatory",
        "due_anchor",
        "due_offset_days",
        "guidance",
    ]


@admin.register(ChecklistTemplate)
class ChecklistTemplateAdmin(SimpleHistoryAdmin):
    list_display = ["name", "direction", "updated_at"]
    search_fields = ["name"]
    inlines = [ChecklistTemplateItemInline]


class ClearanceRecognitionForm(forms.ModelForm):
    def clean_meets(self):
        meets = self.cleaned_data.get("meets")
        if meets and not access.can_change_clearance_recognition(user=self.user, meets=meets):
            raise ValidationError(
                "You can only record what your own institute recognises: choose a level in "
                "its scheme."
            )
        return meets


@admin.register(ClearanceRecognition)
class ClearanceRecognitionAdmin(SimpleHistoryAdmin):
    """Which home levels meet which host levels. Every admin reads the table; each host
    institute's admins keep the rows of its own scheme (``access``)."""

    form = ClearanceRecognitionForm
    list_display = ["held", "meets", "notes", "updated_at"]
    list_filter = ["held", "meets"]
    search_fields = ["notes"]

    def get_form(self, request, obj=None, change=False, **kwargs):
        form_class = super().get_form(request, obj, change, **kwargs)
        form_class.user = request.user
        return form_class

    def has_change_permission(self, request, obj=None):
        allowed = super().has_change_permission(request, obj)
        if obj is None or not allowed:
            return allowed
        return access.can_change_clearance_recognition(user=request.user, meets=obj.meets)

    def history_form_view(self, request, object_id, version_id, extra_context=None):
        # A past version may be read by every admin; reverting is a change of the row.
        if request.method == "POST":
            current = self.get_object(request, object_id)
            if current is None or not self.has_change_permission(request, current):
                raise PermissionDenied
        return super().history_form_view(request, object_id, version_id, extra_context)

    def get_actions(self, request):
        # Deleting in bulk would skip the per-row rule: one row at a time.
        actions = super().get_actions(request)
        actions.pop("delete_selected", None)
        return actions

    def has_delete_permission(self, request, obj=None):
        allowed = super().has_delete_permission(request, obj)
        if obj is None or not allowed:
            return allowed
        return access.can_change_clearance_recognition(user=request.user, meets=obj.meets)


@admin.register(MidpointReview)
class MidpointReviewAdmin(InstituteScopedAdmin, SimpleHistoryAdmin):
    institute_lookups = ("secondment__home_institute", "secondment__host_institute")
    list_display = ["secondment", "progress", "submitted_by", "submitted_at"]
    list_filter = ["progress"]
    search_fields = ["secondment__secondee__email", "secondment__title"]
    autocomplete_fields = ["secondment", "submitted_by"]


@admin.register(ReturnReport)
class ReturnReportAdmin(InstituteScopedAdmin, SimpleHistoryAdmin):
    institute_lookups = ("secondment__home_institute", "secondment__host_institute")
    list_display = ["secondment", "would_recommend", "submitted_by", "submitted_at"]
    list_filter = ["would_recommend"]
    search_fields = ["secondment__secondee__email", "secondment__title"]
    autocomplete_fields = ["secondment", "submitted_by"]


@admin.register(ExchangeQuota)
class ExchangeQuotaAdmin(InstituteScopedAdmin, SimpleHistoryAdmin):
    """The quotas the partners agreed, per programme, year and direction. Institute admins
    see and keep those of the programmes their institute takes part in; programme
    managers read them on the reciprocity page."""

    institute_lookups = ("programme__institutes",)
    list_select_related = ["programme"]
    list_display = ["programme", "year", "direction", "unit", "agreed", "updated_at"]
    list_filter = ["year", "direction", "unit", "programme"]
    search_fields = ["programme__name", "note"]
    fields = ["programme", "year", "direction", "unit", "agreed", "note"]

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name == "programme" and not request.user.is_superuser:
            # Only the programmes of the admin's own institute.
            kwargs["queryset"] = Programme.objects.filter(
                institutes=request.user.institute_id
            ).distinct()
        return super().formfield_for_foreignkey(db_field, request, **kwargs)


@admin.register(SavedSearch)
class SavedSearchAdmin(InstituteScopedAdmin, admin.ModelAdmin):
    """People's saved searches of opportunities, for support: read, or delete one a
    person asks to be rid of. Only the person saves and changes their own (on the site)."""

    institute_lookups = ("owner__institute",)
    list_select_related = ["owner"]
    list_display = ["name", "owner", "created_at"]
    search_fields = ["name", "owner__email", "owner__full_name"]
    readonly_fields = [
        "owner",
        "name",
        "team",
        "location",
        "duration",
        "clearance",
        "closing_after",
        "created_at",
    ]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False
