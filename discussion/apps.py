from django.apps import AppConfig


class DiscussionConfig(AppConfig):
    name = "discussion"
    verbose_name = "Discussion"

    # Nothing to register: the apps whose records people discuss (exchange, programmes,
    # handover) register them here from their own ready() (see ``registry``).
