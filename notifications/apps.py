from django.apps import AppConfig


class NotificationsConfig(AppConfig):
    name = "notifications"
    verbose_name = "Notifications"

    def ready(self) -> None:
        # Other apps register their reminder rules from their own ready().
        from portal import demo, my_work, navigation

        from . import demo as notifications_demo
        from . import personal_data, reminders, rules, selectors, tasks
        from .services import queue, retention

        navigation.register(
            navigation.Item(
                "Notifications", "notifications:list", count=selectors.notification_unread_count
            ),
            order=50,
        )
        my_work.register(self.name, selectors.my_work_sections, order=50)
        rules.register_all(reminders.RULES)
        demo.register(self.name, notifications_demo.seed, order=40)
        queue.use_delivery_task(tasks.deliver_reminders)
        retention.register_all()
        personal_data.register_sections()
