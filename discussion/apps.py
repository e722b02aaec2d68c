from django.apps import AppConfig


class DiscussionConfig(AppConfig):
    name = "discussion"
    verbose_name = "Discussion"

    def ready(self) -> None:
        # The apps whose records people discuss (exchange, programmes, handover) register
        # them in ``registry`` from their own ready(); this checks none is missing.
        from django.core import checks

        from . import registry

        checks.register(registry.check_every_kind_registered)
