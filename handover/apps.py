from django.apps import AppConfig


class HandoverConfig(AppConfig):
    name = "handover"
    verbose_name = "Document handover"

    def ready(self) -> None:
        # What document handover contributes to the portal's shared places.
        from discussion import registry as discussion_registry
        from notifications import rules
        from portal import demo, my_work, navigation, search
        from programmes import calendar_sources, deliverable_links, gates

        from . import calendar, discussion, personal_data, reminders, selectors
        from . import demo as handover_demo
        from . import search as handover_search
        from .services import retention

        navigation.register(navigation.Item("Documents", "handover:document_list"), order=40)
        my_work.register(self.name, selectors.my_work_sections, order=40)
        rules.register_all(reminders.RULES, reminders.VISIBILITY)
        gates.register_gate(gates.PARTNER_HANDOVER, selectors.milestone_gate_satisfied)
        demo.register(self.name, handover_demo.seed, order=30)
        deliverable_links.register(selectors.deliverable_document_links)
        deliverable_links.register_page(selectors.deliverable_link_page)
        for source in calendar.SOURCES:
            calendar_sources.register(source)
        for source, order in handover_search.SOURCES:
            search.register(source, order=order)
        discussion_registry.register_all(discussion.COMMENTABLE)
        retention.register_all()
        personal_data.register_sections()
