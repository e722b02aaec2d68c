from django.apps import AppConfig


class ProgrammesConfig(AppConfig):
    name = "programmes"
    verbose_name = "Programmes"

    def ready(self) -> None:
        # What programmes contribute to the portal's shared places.
        from django.core import checks

        from discussion import registry as discussion_registry
        from notifications import rules
        from portal import demo, my_work, navigation, search

        from . import demo as programmes_demo
        from . import discussion, gates, personal_data, reminders, selectors
        from . import search as programmes_search

        navigation.register(navigation.Item("Programmes", "programmes:programme_list"), order=30)
        my_work.register(self.name, selectors.my_work_sections, order=30)
        rules.register_all(reminders.RULES, reminders.VISIBILITY)
        demo.register(self.name, programmes_demo.seed, order=10)
        checks.register(gates.check_gates_registered)
        personal_data.register_sections()
        for source, order in programmes_search.SOURCES:
            search.register(source, order=order)
        discussion_registry.register_all(discussion.COMMENTABLE)
