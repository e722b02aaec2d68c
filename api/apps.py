from django.apps import AppConfig


class ApiConfig(AppConfig):
    """The REST API (/api/v1/) and personal access tokens.

    Rightmost in the import order: it may import every app, and no app imports it. Every
    endpoint reads through the apps' selectors and access rules and writes through their
    forms and services, so the API shows and does nothing the pages do not.
    """

    default_auto_field = "django.db.models.BigAutoField"
    name = "api"
    verbose_name = "API"

    def ready(self):
        # drf-spectacular reads the bearer-token scheme from this extension.
        from . import schema  # noqa: F401
