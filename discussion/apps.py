from django.apps import AppConfig


class DiscussionConfig(AppConfig):
    name = "discussion"
    verbose_name = "Discussion"

    def ready(self) -> None:
        # The apps whose records people discuss (exchange, programmes, handover) register
        # them in ``registry`` from their own ready(); this checks none is missing.
        from django.core import checks

        from portal import search

        from . import personal_data, registry
        from . import search as discussion_search

        checks.register(registry.check_every_kind_registered)
        for source, order in discussion_search.SOURCES:
            search.register(source, order=order)
        personal_data.register_sections()
