from allauth.mfa.utils import is_mfa_enabled
from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.contrib.auth.forms import AdminUserCreationForm, UserChangeForm

from . import access
from .admin_widgets import TolerantAutocompleteAdmin
from .models import Institute, InstituteDomain, User


class InstituteDomainInline(admin.TabularInline):
    model = InstituteDomain
    extra = 1


@admin.register(Institute)
class InstituteAdmin(admin.ModelAdmin):
    list_display = ["name", "code", "country", "time_zone", "classification_scheme"]
    list_filter = ["classification_scheme", "country"]
    search_fields = ["name", "code", "domains__domain"]
    inlines = [InstituteDomainInline]


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
        return access.in_admin_scope(
            super().get_queryset(request), user=request.user, lookups=("institute",)
        )


# Single sign-on's admin lives with the rest of single sign-on.
from .sso import admin as sso_admin  # noqa: E402, F401
