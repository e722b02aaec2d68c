from allauth.mfa.utils import is_mfa_enabled
from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.contrib.auth.forms import AdminUserCreationForm, UserChangeForm
from django.core.exceptions import PermissionDenied

from . import access, services
from .admin_widgets import TolerantAutocompleteAdmin
from .models import Institute, InstituteDomain, Role, User


class InstituteDomainInline(admin.TabularInline):
    model = InstituteDomain
    extra = 1


@admin.register(Institute)
class InstituteAdmin(admin.ModelAdmin):
    """Superusers manage institutes. Institute admins see (and pick, in the pickers of
    their records) their own institute only."""

    list_display = ["name", "code", "country", "time_zone", "classification_scheme"]
    list_filter = ["classification_scheme", "country"]
    search_fields = ["name", "code", "domains__domain"]
    inlines = [InstituteDomainInline]

    def get_queryset(self, request):
        return access.in_admin_scope(
            super().get_queryset(request), user=request.user, lookups=("pk",)
        )

    def has_view_permission(self, request, obj=None):
        # Institute admins read their own institute (the role's groups may predate it).
        return super().has_view_permission(request, obj) or (
            access.user_is_institute_admin(request.user)
            and (obj is None or obj.pk == request.user.institute_id)
        )


class PortalUserChangeForm(UserChangeForm):
    class Meta(UserChangeForm.Meta):
        model = User
        fields = "__all__"


class PortalUserCreationForm(AdminUserCreationForm):
    class Meta(AdminUserCreationForm.Meta):
        model = User
        fields = ("email", "full_name", "institute")


@admin.register(User)
class UserAdmin(TolerantAutocompleteAdmin, DjangoUserAdmin):
    form = PortalUserChangeForm
    add_form = PortalUserCreationForm
    ordering = ["email"]
    list_display = ["email", "full_name", "institute", "job_title", "is_staff", "mfa_enabled"]
    list_filter = ["institute", "is_staff", "is_superuser", "is_active", "groups"]
    search_fields = ["email", "full_name", "job_title"]
    autocomplete_fields = ["institute"]
    list_select_related = ["institute"]
    readonly_fields = ["last_login", "date_joined"]
    fieldsets = (
        (None, {"fields": ("email", "password")}),
        ("Person", {"fields": ("full_name", "job_title", "institute", "time_zone", "nationality")}),
        (
            "Access",
            {"fields": ("is_active", "is_staff", "is_superuser", "groups", "user_permissions")},
        ),
        ("Dates", {"fields": ("last_login", "date_joined")}),
    )
    add_fieldsets = (
        (
            None,
            {
                "classes": ("wide",),
                "fields": ("email", "full_name", "institute", "password1", "password2"),
            },
        ),
    )

    @admin.display(boolean=True, description="MFA")
    def mfa_enabled(self, obj: User) -> bool:
        return is_mfa_enabled(obj)

    def get_queryset(self, request):
        # Institute admins manage their own institute's people; superusers everyone.
        return access.people_managed_in_admin(request.user, super().get_queryset(request))

    def has_change_permission(self, request, obj=None):
        return super().has_change_permission(request, obj) and (
            obj is None or access.can_manage_person(user=request.user, person=obj)
        )

    def has_delete_permission(self, request, obj=None):
        return super().has_delete_permission(request, obj) and (
            obj is None
            or (
                obj.pk != request.user.pk
                and access.can_manage_person(user=request.user, person=obj)
            )
        )

    def get_fieldsets(self, request, obj=None):
        hidden = set() if request.user.is_superuser else {"user_permissions"}
        if obj is None and not request.user.is_superuser:
            hidden.add("institute")  # a new person joins the admin's own institute
        fieldsets = []
        for name, options in super().get_fieldsets(request, obj):
            fields = [field for field in options["fields"] if field not in hidden]
            if fields:
                fieldsets.append((name, {**options, "fields": fields}))
        return fieldsets

    def get_readonly_fields(self, request, obj=None):
        locked = access.person_fields_locked_for(user=request.user, person=obj)
        shown = {
            field for _, options in self.get_fieldsets(request, obj) for field in options["fields"]
        }
        return [*super().get_readonly_fields(request, obj), *sorted(locked & shown)]

    def get_form(self, request, obj=None, **kwargs):
        form = super().get_form(request, obj, **kwargs)
        if obj is None and not request.user.is_superuser and "institute" in form.base_fields:
            del form.base_fields["institute"]
        return form

    def formfield_for_manytomany(self, db_field, request, **kwargs):
        if db_field.name == "groups":
            kwargs["queryset"] = access.groups_grantable_by(request.user)
        return super().formfield_for_manytomany(db_field, request, **kwargs)

    def save_model(self, request, obj, form, change):
        if not change and not request.user.is_superuser:
            obj.institute_id = request.user.institute_id
        if not access.can_manage_person(user=request.user, person=obj):
            raise PermissionDenied
        super().save_model(request, obj, form, change)

    def save_related(self, request, form, formsets, change):
        # An institute admin gives and takes away roles through the services (so that an
        # institute admin gets admin access too), and never touches other groups.
        wanted = form.cleaned_data.pop("groups", None)
        super().save_related(request, form, formsets, change)
        if wanted is None:
            return
        person = form.instance
        grantable = access.groups_grantable_by(request.user)
        held = set(person.groups.filter(pk__in=grantable).values_list("name", flat=True))
        wanted_names = {group.name for group in wanted}
        for name in sorted(wanted_names - held):
            if name in access.role_group_names():
                services.user_grant_role(user=person, role=Role(name))
            else:
                person.groups.add(*grantable.filter(name=name))
        for name in sorted(held - wanted_names):
            if name in access.role_group_names():
                services.user_revoke_role(user=person, role=Role(name))
            else:
                person.groups.remove(*grantable.filter(name=name))


# Single sign-on's admin lives with the rest of single sign-on; requests to change
# attributes that decide access in their own module.
from . import change_requests_admin  # noqa: E402, F401
from .sso import admin as sso_admin  # noqa: E402, F401
