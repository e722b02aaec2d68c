from django.apps import AppConfig


class AuditConfig(AppConfig):
    name = "audit"
    verbose_name = "Audit log"

    def ready(self) -> None:
        from django.contrib.admin import ModelAdmin

        from accounts import events

        from . import receivers, services

        events.use_recorder(services.record)
        receivers.connect()
        if not getattr(ModelAdmin.log_deletions, "audit_recorded", False):
            log_deletions = receivers.log_deletions_recorded(ModelAdmin.log_deletions)
            log_deletions.audit_recorded = True
            ModelAdmin.log_deletions = log_deletions
