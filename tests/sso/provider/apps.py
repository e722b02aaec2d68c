from django.apps import AppConfig


class TestProviderConfig(AppConfig):
    name = "tests.sso.provider"
    label = "test_idp"
    default_auto_field = "django.db.models.BigAutoField"
