"""Admin for programmes. Institute admins see only records their institute takes part in."""

from django.contrib import admin
from django.core.exceptions import ValidationError
from django.db.models import Q
from simple_history.admin import SimpleHistoryAdmin

from accounts import access as accounts_access
from accounts.admin_widgets import TolerantAutocompleteAdmin
from accounts.models import User
from portal.admin import InstituteScopedAdmin

from .models import (
    CalendarFeed,
    Deliverable,
    Milestone,
    MilestoneDueDateChange,
    Programme,
    Project,
    ProjectMembership,
)
from .services import programme_managers_set


class ProjectInline(admin.TabularInline):
    model = Project
    fields = ("code", "title", "lead_institute", "status", "start_date", "end_date")
    show_change_link = True
    extra = 0


@admin.register(Programme)
class ProgrammeAdmin(InstituteScopedAdmin, SimpleHistoryAdmin):
    institute_lookups = ("institutes",)
    list_display = ("name", "agreement_reference", "start_date", "end_date")
    search_fields = ("name", "agreement_reference", "description")
    list_filter = ("institutes",)
    filter_horizontal = ("institutes", "managers")
    inlines = [ProjectInline]

    def get_form(self, request, obj=None, **kwargs):
        form_class = super().get_form(request, obj, **kwargs)
        user = request.user

        class ProgrammeForm(form_class):
            def clean_managers(self):
                # Naming a manager gives the programme manager role: not to oneself.
                managers = self.cleaned_data["managers"]
                before = (
                    bool(self.instance.pk) and self.instance.managers.filter(pk=user.pk).exists()
                )
                if managers.filter(
                    pk=user.pk
                ).exists() != before and not accounts_access.can_change_roles_of(
                    user=user, person=user
                ):
                    raise ValidationError(
                        "You cannot add or remove yourself as a manager: ask another admin."
                    )
                return managers

        return ProgrammeForm

    def formfield_for_manytomany(self, db_field, request, **kwargs):
        if db_field.name == "managers" and not request.user.is_superuser:
            # An institute admin names their own institute's people; the partner's
            # managers of the programmes they see stay as they are.
            kwargs["queryset"] = User.objects.filter(
                Q(institute_id=request.user.institute_id)
                | Q(managed_programmes__in=self.get_queryset(request))
            ).distinct()
        return super().formfield_for_manytomany(db_field, request, **kwargs)

    def save_related(self, request, form, formsets, change):
        # Through the service, so that the programme manager role follows the managers.
        managers = list(form.cleaned_data["managers"])
        programme_managers_set(programme=form.instance, managers=managers)
        super().save_related(request, form, formsets, change)


class MembershipInline(TolerantAutocompleteAdmin, admin.TabularInline):
    model = ProjectMembership
    fields = ("user", "institute", "role")
    autocomplete_fields = ("user",)
    extra = 0


class MilestoneInline(TolerantAutocompleteAdmin, admin.TabularInline):
    model = Milestone
    fields = ("title", "owner", "due_date", "baseline_due_date", "status", "completed_on")
    autocomplete_fields = ("owner",)
    show_change_link = True
    extra = 0


@admin.register(Project)
class ProjectAdmin(InstituteScopedAdmin, SimpleHistoryAdmin):
    institute_lookups = ("lead_institute", "partner_institutes")
    list_display = ("code", "title", "programme", "lead_institute", "status", "rag_override")
    list_filter = ("status", "programme", "lead_institute", "rag_override")
    search_fields = ("code", "title", "summary")
    filter_horizontal = ("partner_institutes",)
    readonly_fields = ("created_at", "updated_at", "rag_override_at")
    raw_id_fields = ("rag_override_by",)
    inlines = [MembershipInline, MilestoneInline]


class DueDateChangeInline(admin.TabularInline):
    model = MilestoneDueDateChange
    fields = ("old_due_date", "new_due_date", "changed_by", "changed_at", "reason")
    readonly_fields = fields
    extra = 0
    can_delete = False

    def has_add_permission(self, request, obj=None):
        # Due-date changes are made through the portal so that the reason is kept.
        return False


class DeliverableInline(TolerantAutocompleteAdmin, admin.TabularInline):
    model = Deliverable
    fields = ("title", "owner", "due_date", "status")
    autocomplete_fields = ("owner",)
    show_change_link = True
    extra = 0


@admin.register(Milestone)
class MilestoneAdmin(InstituteScopedAdmin, SimpleHistoryAdmin):
    institute_lookups = ("project__lead_institute", "project__partner_institutes")
    list_display = ("title", "project", "owner", "due_date", "baseline_due_date", "status")
    list_filter = (
        "status",
        "requires_partner_handover",
        "project__programme",
        "project__lead_institute",
        ("due_date", admin.DateFieldListFilter),
    )
    search_fields = ("title", "description", "project__code", "owner__email", "owner__full_name")
    autocomplete_fields = ("owner",)
    filter_horizontal = ("dependencies",)
    date_hierarchy = "due_date"
    readonly_fields = ("created_at", "updated_at", "legacy_deliverables")
    list_select_related = ("project", "owner")
    inlines = [DeliverableInline, DueDateChangeInline]


@admin.register(Deliverable)
class DeliverableAdmin(InstituteScopedAdmin, SimpleHistoryAdmin):
    institute_lookups = (
        "milestone__project__lead_institute",
        "milestone__project__partner_institutes",
    )
    list_display = ("title", "milestone", "owner", "due_date", "status")
    list_filter = (
        "status",
        "milestone__project__programme",
        ("due_date", admin.DateFieldListFilter),
    )
    search_fields = ("title", "description", "milestone__title", "milestone__project__code")
    autocomplete_fields = ("owner",)
    raw_id_fields = ("milestone",)
    readonly_fields = ("created_at", "updated_at")
    list_select_related = ("milestone", "owner")


@admin.register(ProjectMembership)
class ProjectMembershipAdmin(InstituteScopedAdmin, SimpleHistoryAdmin):
    institute_lookups = ("project__lead_institute", "project__partner_institutes")
    list_display = ("user", "project", "institute", "role")
    list_filter = ("role", "institute", "project__programme")
    search_fields = ("user__email", "user__full_name", "project__code")
    autocomplete_fields = ("user",)
    list_select_related = ("user", "project", "institute")


@admin.register(MilestoneDueDateChange)
class MilestoneDueDateChangeAdmin(InstituteScopedAdmin, admin.ModelAdmin):
    institute_lookups = (
        "milestone__project__lead_institute",
        "milestone__project__partner_institutes",
    )
    list_display = ("milestone", "old_due_date", "new_due_date", "changed_by", "changed_at")
    list_filter = (("changed_at", admin.DateFieldListFilter),)
    search_fields = ("milestone__title", "milestone__project__code", "reason")
    readonly_fields = ("milestone", "old_due_date", "new_due_date", "changed_by", "changed_at")
    list_select_related = ("milestone", "changed_by")

    def has_add_permission(self, request):
        return False


@admin.register(CalendarFeed)
class CalendarFeedAdmin(InstituteScopedAdmin, admin.ModelAdmin):
    """Admins can see who has a feed and revoke one (delete); the token is never shown."""

    institute_lookups = ("user__institute",)
    list_display = ("user", "created_at")
    search_fields = ("user__email", "user__full_name")
    fields = ("user", "created_at")
    readonly_fields = ("user", "created_at")

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("user")

    def has_add_permission(self, request):
        return False
