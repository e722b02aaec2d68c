from django.apps import AppConfig


class ExchangeConfig(AppConfig):
    name = "exchange"
    verbose_name = "Staff exchange"

    def ready(self) -> None:
        # What the exchange contributes to the portal's shared places.
        from discussion import registry as discussion_registry
        from notifications import rules
        from portal import demo, my_work, navigation, search
        from programmes import calendar_sources

        from . import access, calendar, discussion, personal_data, reminders, selectors
        from . import demo as exchange_demo
        from . import search as exchange_search
        from .services import retention

        navigation.register(navigation.Item("Exchanges", "exchange:opportunity_list"), order=20)
        navigation.register(
            navigation.Item(
                "Reports", "exchange:reports", shown_to=access.may_see_exchange_reports
            ),
            order=25,
        )
        my_work.register(self.name, selectors.my_work_sections, order=20)
        rules.register_all(reminders.RULES, reminders.VISIBILITY)
        demo.register(self.name, exchange_demo.seed, order=20)
        for source in calendar.SOURCES:
            calendar_sources.register(source)
        for source, order in exchange_search.SOURCES:
            search.register(source, order=order)
        discussion_registry.register_all(discussion.COMMENTABLE)
        retention.register_all()
        personal_data.register_sections()
