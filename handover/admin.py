from django import forms
from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from portal.admin import InstituteScopedAdmin

from . import markings
from .markings import Marking, MarkingError
from .models import (
    AccessEvent,
    CustodyEvent,
    DeliverableDocument,
    Document,
    DocumentVersion,
    Handover,
    HandoverItem,
)

VERSION_FACTS = [
    "document",
    "number",
    "original_name",
    "size",
    "media_type",
    "sha256",
    "file",
    "uploaded_by",
    "note",
    "created_at",
]


class ReadOnlyAdmin(admin.ModelAdmin):
    """Records of what happened: never added, changed or removed by hand."""

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


class VersionInline(admin.TabularInline):
    model = DocumentVersion
    fields = [
        "number",
        "original_name",
        "size",
        "media_type",
        "sha256",
        "uploaded_by",
        "created_at",
    ]
    readonly_fields = fields
    extra = 0
    can_delete = False
    show_change_link = True

    def has_add_permission(self, request, obj=None):
        return False


class DocumentAdminForm(forms.ModelForm):
    """The admin keeps to the same marking rules as uploads: nothing above the ceiling."""

    class Meta:
        model = Document
        fields = [
            "title",
            "owner_institute",
            "scheme",
            "classification",
            "descriptors",
            "handling_instructions",
            "information_management_markers",
            "releasability",
        ]

    def clean(self):
        cleaned = super().clean()
        try:
            markings.validate(
                Marking(
                    scheme=cleaned.get("scheme") or "",
                    classification=cleaned.get("classification") or "",
                    descriptors=tuple(cleaned.get("descriptors") or ()),
                    handling_instructions=tuple(cleaned.get("handling_instructions") or ()),
                    information_management_markers=tuple(
                        cleaned.get("information_management_markers") or ()
                    ),
                    releasability=cleaned.get("releasability") or "",
                )
            )
        except MarkingError as exc:
            field = exc.field if exc.field in self.fields else None
            self.add_error(field, exc.message)
        return cleaned


class ReleasabilityFilter(admin.SimpleListFilter):
    """By caveat, with a name for "none" (a link needs words)."""

    title = "releasability"
    parameter_name = "releasability"

    def lookups(self, request, model_admin):
        return [
            ("none", "No caveat"),
            *((value, value) for value in markings.ALL_RELEASABILITY if value),
        ]

    def queryset(self, request, queryset):
        value = self.value()
        if value == "none":
            return queryset.filter(releasability="")
        if value:
            return queryset.filter(releasability=value)
        return queryset


@admin.register(Document)
class DocumentAdmin(InstituteScopedAdmin, SimpleHistoryAdmin):
    form = DocumentAdminForm
    institute_lookups = ("owner_institute",)
    # Under custody: a past version is there to read, never to restore.
    revert_allowed = False
    list_display = [
        "title",
        "owner_institute",
        "scheme",
        "classification",
        "releasability",
        "updated_at",
    ]
    list_filter = ["owner_institute", "scheme", "classification", ReleasabilityFilter]
    search_fields = ["title"]
    list_select_related = ["owner_institute"]
    readonly_fields = ["created_by", "created_at", "updated_at"]
    raw_id_fields = ["created_by"]
    inlines = [VersionInline]


class DeliverableDocumentInline(admin.TabularInline):
    """The deliverables a version is linked to: linked and unlinked on the milestone's
    page (with its access checks and history), read here."""

    model = DeliverableDocument
    verbose_name = "linked deliverable"
    fields = ["deliverable", "linked_by", "linked_at"]
    readonly_fields = fields
    extra = 0
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("deliverable", "linked_by")


@admin.register(DocumentVersion)
class DocumentVersionAdmin(InstituteScopedAdmin, ReadOnlyAdmin):
    institute_lookups = ("document__owner_institute",)
    list_display = ["document", "number", "original_name", "size", "media_type", "created_at"]
    search_fields = ["document__title", "original_name", "sha256"]
    list_select_related = ["document"]
    readonly_fields = VERSION_FACTS
    fields = VERSION_FACTS
    inlines = [DeliverableDocumentInline]


class HandoverItemInline(admin.TabularInline):
    model = HandoverItem
    extra = 0
    raw_id_fields = ["version"]
    fields = ["version", "file_name", "size", "sha256"]
    readonly_fields = ["file_name", "size", "sha256"]

    @admin.display(description="file")
    def file_name(self, obj):
        return obj.version.original_name if obj.pk else ""

    @admin.display(description="bytes")
    def size(self, obj):
        return obj.version.size if obj.pk else ""

    @admin.display(description="SHA-256")
    def sha256(self, obj):
        return obj.version.sha256 if obj.pk else ""

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("version")

    def has_change_permission(self, request, obj=None):
        return (
            obj is not None
            and obj.status == "draft"
            and super().has_change_permission(request, obj)
        )

    def has_add_permission(self, request, obj=None):
        return (
            obj is not None and obj.status == "draft" and super().has_add_permission(request, obj)
        )

    def has_delete_permission(self, request, obj=None):
        return (
            obj is not None
            and obj.status == "draft"
            and super().has_delete_permission(request, obj)
        )


@admin.register(Handover)
class HandoverAdmin(InstituteScopedAdmin, SimpleHistoryAdmin):
    institute_lookups = ("sending_institute", "receiving_institute")
    revert_allowed = False  # under custody
    list_display = [
        "reference",
        "sending_institute",
        "receiving_institute",
        "sender",
        "status",
        "acknowledge_by",
    ]
    list_filter = ["status", "sending_institute", "receiving_institute"]
    search_fields = ["reference", "sender__email", "message"]
    list_select_related = ["sending_institute", "receiving_institute", "sender"]
    raw_id_fields = ["sender", "recipients", "acknowledged_by", "queried_by"]
    # Workflow fields change only through the portal's services, so custody stays complete.
    readonly_fields = [
        "reference",
        "sending_institute",
        "receiving_institute",
        "sender",
        "status",
        "sent_at",
        "acknowledged_at",
        "acknowledged_by",
        "queried_at",
        "queried_by",
        "query_reason",
        "withdrawn_at",
        "withdraw_reason",
        "custody_head",
        "created_at",
    ]
    inlines = [HandoverItemInline]

    def has_add_permission(self, request):
        return False


@admin.register(AccessEvent)
class AccessEventAdmin(InstituteScopedAdmin, ReadOnlyAdmin):
    institute_lookups = ("version__document__owner_institute",)
    list_display = ["at", "user", "action", "version", "handover"]
    list_filter = ["action"]
    search_fields = ["user__email", "version__document__title", "handover__reference"]
    list_select_related = ["user", "version__document", "handover"]
    date_hierarchy = "at"


@admin.register(CustodyEvent)
class CustodyEventAdmin(InstituteScopedAdmin, ReadOnlyAdmin):
    institute_lookups = ("handover__sending_institute", "handover__receiving_institute")
    list_display = ["handover", "sequence", "kind", "actor", "at", "hash"]
    list_filter = ["kind"]
    search_fields = ["handover__reference", "hash"]
    list_select_related = ["handover", "actor"]
