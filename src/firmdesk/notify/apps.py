from django.apps import AppConfig


class NotifyConfig(AppConfig):
    name = "firmdesk.notify"
    label = "notify"
    verbose_name = "Notifications"
