"""Webhook endpoints and their delivery log, in the admin, scoped to the admin's institute.

Endpoints are registered and changed through the services; the delivery log is read-only.
"""

from django import forms
from django.contrib import admin
from django.core.exceptions import ValidationError

from accounts.models import Institute
from portal.admin import InstituteScopedAdmin, run_each
from portal.events import EventType

from . import access
from .models import URL_MAX_LENGTH, Delivery, Endpoint
from .services import endpoints as endpoint_services


class EndpointAdminForm(forms.ModelForm):
    url = forms.URLField(
        label="URL",
        max_length=URL_MAX_LENGTH,
        assume_scheme="https",
        help_text="Where the portal posts events: https:// (plain http only in development).",
    )
    event_types = forms.MultipleChoiceField(
        choices=EventType.choices,
        widget=forms.CheckboxSelectMultiple,
        help_text="The events this endpoint hears. It hears only of records its institute may see.",
    )

    class Meta:
        model = Endpoint
        fields = ["institute", "name", "url", "event_types", "is_active"]

    def clean_url(self):
        try:
            return endpoint_services.validate_url(self.cleaned_data.get("url", ""))
        except ValidationError as exc:
            raise ValidationError(exc.message_dict["url"]) from None


@admin.register(Endpoint)
class EndpointAdmin(InstituteScopedAdmin, admin.ModelAdmin):
    institute_lookups = ("institute",)
    form = EndpointAdminForm
    list_display = ["name", "institute", "url", "is_active", "consecutive_failures", "disabled_at"]
    list_filter = ["is_active", "institute"]
    search_fields = ["name", "url"]
    readonly_fields = [
        "secret",
        "previous_secret_until",
        "consecutive_failures",
        "disabled_at",
        "disabled_reason",
        "created_by",
        "created_at",
        "updated_at",
    ]
    actions = ["rotate_secret"]

    def get_fieldsets(self, request, obj=None):
        main = ["institute", "name", "url", "event_types", "is_active"]
        if obj is None:
            return [(None, {"fields": main})]
        return [
            (None, {"fields": main}),
            (
                "Signing secret",
                {
                    "fields": ["secret", "previous_secret_until"],
                    "description": "Your receiving system checks each delivery's "
                    "X-Portal-Signature header with this secret. Keep it secret; rotate it "
                    "(an action on the list) if it may have leaked. After a rotation the "
                    "previous secret also signs deliveries for a day, while the receiving "
                    "system moves to the new one.",
                },
            ),
            (
                "Health",
                {
                    "fields": [
                        "consecutive_failures",
                        "disabled_at",
                        "disabled_reason",
                        "created_by",
                        "created_at",
                        "updated_at",
                    ]
                },
            ),
        ]

    def get_readonly_fields(self, request, obj=None):
        # An endpoint stays with the institute it was registered for.
        return [*self.readonly_fields, "institute"] if obj is not None else self.readonly_fields

    def get_form(self, request, obj=None, change=False, **kwargs):
        form = super().get_form(request, obj, change=change, **kwargs)
        field = form.base_fields.get("institute")
        if field is not None:
            field.queryset = (
                Institute.objects.all()
                if request.user.is_superuser
                else Institute.objects.filter(pk=request.user.institute_id)
            )
        return form

    def save_model(self, request, obj, form, change):
        data = {key: form.cleaned_data[key] for key in endpoint_services.FIELDS}
        if change:
            saved = endpoint_services.endpoint_update(actor=request.user, endpoint=obj, **data)
        else:
            saved = endpoint_services.endpoint_create(
                actor=request.user, institute=form.cleaned_data["institute"], **data
            )
        obj.pk = saved.pk
        obj.refresh_from_db()

    def has_change_permission(self, request, obj=None):
        allowed = super().has_change_permission(request, obj)
        return allowed and (
            obj is None or access.can_manage_endpoint(user=request.user, endpoint=obj)
        )

    @admin.action(description="Rotate the signing secret of the selected endpoints")
    def rotate_secret(self, request, queryset):
        run_each(
            self,
            request,
            queryset,
            lambda endpoint: endpoint_services.endpoint_rotate_secret(
                actor=request.user, endpoint=endpoint
            ),
            done="New signing secrets made for {count} endpoint(s): give each to its receiver.",
        )


@admin.register(Delivery)
class DeliveryAdmin(InstituteScopedAdmin, admin.ModelAdmin):
    """The delivery log: what was sent where, how each attempt went. Read-only."""

    institute_lookups = ("endpoint__institute",)
    list_display = [
        "created_at",
        "event_type",
        "endpoint",
        "status",
        "attempts",
        "response_code",
        "duration_ms",
        "error",
    ]
    list_filter = ["status", "event_type"]
    search_fields = ["event_id", "endpoint__name"]
    list_select_related = ["endpoint__institute"]
    fields = [
        "endpoint",
        "event_id",
        "event_type",
        "status",
        "attempts",
        "response_code",
        "duration_ms",
        "error",
        "created_at",
        "last_attempt_at",
        "next_attempt_at",
        "delivered_at",
        "payload",
    ]
    readonly_fields = fields

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
