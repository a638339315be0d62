from django.apps import AppConfig


class InsightsConfig(AppConfig):
    name = "firmdesk.insights"
    label = "insights"
