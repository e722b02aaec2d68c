from django.apps import AppConfig


class PortalConfig(AppConfig):
    name = "portal"
    verbose_name = "Portal"

    def ready(self) -> None:
        from . import navigation

        navigation.register(navigation.Item("My work", "home"), order=10)
        navigation.register(
            navigation.Item("Admin", "admin:index", shown_to=lambda user: user.is_staff),
            order=90,
        )
