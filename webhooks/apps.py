from django.apps import AppConfig


class WebhooksConfig(AppConfig):
    name = "webhooks"
    verbose_name = "Webhooks"

    def ready(self) -> None:
        # Hears the portal's events once they commit; the apps that emit them never
        # import this one.
        from notifications import rules
        from portal import events

        from . import access, tasks
        from .models import Endpoint
        from .services import dispatch

        events.listen(self.name, dispatch.event_received)
        dispatch.use_delivery_task(tasks.deliver)
        rules.register_visibility(Endpoint, access.endpoints_managed_by)
