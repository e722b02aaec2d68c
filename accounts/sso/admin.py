"""Single sign-on in the admin: superusers link a provider to an institute's domains.

Only superusers see this page: choosing who signs an institute's people in, or switching
their passwords off, is a decision for the whole deployment. allauth's own "social
applications" admin is removed, because providers and their secrets come from the
environment and the portal never reads them from the database.
"""

from allauth.socialaccount.models import SocialApp, SocialToken
from django import forms
from django.contrib import admin
from django.urls import reverse
from django.utils.html import format_html_join

from ..models import InstituteDomain, SingleSignOn
from .selectors import provider_configured, provider_list_configured

for model in (SocialApp, SocialToken):
    if admin.site.is_registered(model):
        admin.site.unregister(model)


class SingleSignOnForm(forms.ModelForm):
    provider_id = forms.ChoiceField(
        label="Identity provider",
        help_text="Providers are set up by the operator in the environment (SSO_PROVIDERS); "
        "see docs/sso.md.",
    )

    class Meta:
        model = SingleSignOn
        fields = ["institute", "provider_id", "domains", "is_enabled", "password_sign_in"]
        widgets = {"domains": forms.CheckboxSelectMultiple}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        choices = [(p["id"], f"{p['name']} ({p['issuer']})") for p in provider_list_configured()]
        current = self.instance.provider_id
        if current and current not in {c[0] for c in choices}:
            choices.append((current, f"{current} (not in the environment: switched off)"))
        self.fields["provider_id"].choices = [("", "Choose a provider")] + choices
        domains = InstituteDomain.objects.select_related("institute").order_by("domain")
        if self.instance.institute_id:
            domains = domains.filter(institute_id=self.instance.institute_id)
        self.fields["domains"].queryset = domains
        self.fields["domains"].label_from_instance = lambda d: f"{d.domain} ({d.institute.name})"

    def clean(self):
        cleaned = super().clean()
        institute = cleaned.get("institute")
        domains = cleaned.get("domains") or []
        if institute:
            others = sorted(d.domain for d in domains if d.institute_id != institute.pk)
            if others:
                self.add_error(
                    "domains",
                    f"Choose only {institute.name}'s own domains; {', '.join(others)} "
                    "belong to another institute.",
                )
        if not domains:
            self.add_error("domains", "Choose at least one email domain this provider serves.")
        return cleaned


@admin.register(SingleSignOn)
class SingleSignOnAdmin(admin.ModelAdmin):
    form = SingleSignOnForm
    list_display = [
        "institute",
        "provider_id",
        "issuer",
        "domain_list",
        "is_enabled",
        "password_sign_in",
    ]
    list_filter = ["is_enabled", "password_sign_in"]
    list_select_related = ["institute"]
    readonly_fields = ["issuer", "redirect_path"]

    def get_queryset(self, request):
        return super().get_queryset(request).prefetch_related("domains")

    @admin.display(description="issuer")
    def issuer(self, obj: SingleSignOn) -> str:
        provider = provider_configured(obj.provider_id) if obj.provider_id else None
        return provider["issuer"] if provider else "not set up in the environment"

    @admin.display(description="redirect URI path to register at the provider")
    def redirect_path(self, obj: SingleSignOn) -> str:
        if not obj.provider_id:
            return "-"
        return reverse("openid_connect_callback", kwargs={"provider_id": obj.provider_id})

    @admin.display(description="domains")
    def domain_list(self, obj: SingleSignOn) -> str:
        return format_html_join(", ", "{}", ((d.domain,) for d in obj.domains.all()))

    def has_module_permission(self, request):
        return request.user.is_active and request.user.is_superuser

    def has_view_permission(self, request, obj=None):
        return request.user.is_active and request.user.is_superuser

    has_add_permission = has_module_permission

    def has_change_permission(self, request, obj=None):
        return request.user.is_active and request.user.is_superuser

    has_delete_permission = has_change_permission
