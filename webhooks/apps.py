from django.apps import AppConfig
from django.db.models.signals import post_migrate


def _grant_admins(sender, using="default", **kwargs) -> None:
    """Institute admins manage endpoints in the admin: the role's permissions are made
    again once this app's own permissions exist (an upgrade adds them to the group)."""
    from accounts.services import role_groups_ensure

    if using == "default":
        role_groups_ensure()


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
        post_migrate.connect(_grant_admins, sender=self, dispatch_uid="webhooks-grant-admins")
        dispatch.use_delivery_task(tasks.deliver)
        rules.register_visibility(Endpoint, access.endpoints_managed_by)
