from django.apps import AppConfig


class AccessConfig(AppConfig):
    name = "firmdesk.access"
    label = "access"

    def ready(self):
        from firmdesk.notify.selectors import register_delivery_check

        from .delivery import hidden_notifications

        register_delivery_check(hidden_notifications)

        from .guard import guard_matter_links, guard_task_links

        guard_matter_links()
        guard_task_links()

        from .mark import connect_receivers

        connect_receivers(self)
