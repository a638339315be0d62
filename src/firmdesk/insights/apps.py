from django.apps import AppConfig


class InsightsConfig(AppConfig):
    name = "firmdesk.insights"
    label = "insights"

    def ready(self):
        from . import signals

        signals.connect()
