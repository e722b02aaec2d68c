from django.apps import AppConfig


class RecordsConfig(AppConfig):
    name = "records"
    verbose_name = "Records and retention"

    def ready(self) -> None:
        # The people and audit-log record types live below this app in the import order,
        # so it registers them itself; the apps above register their own.
        from . import people

        people.register_all()
        people.register_sections()
