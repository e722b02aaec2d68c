from django.apps import AppConfig


class NotificationsConfig(AppConfig):
    name = "notifications"
    verbose_name = "Notifications"

    def ready(self) -> None:
        # Each app declares its reminder rules in reminders.py.
        from django.utils.module_loading import autodiscover_modules

        autodiscover_modules("reminders")
