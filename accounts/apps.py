from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "accounts"
    verbose_name = "People and institutes"

    def ready(self):
        from . import lookups

        lookups.register()
