from django.apps import AppConfig


class WorkConfig(AppConfig):
    name = "firmdesk.work"
    label = "work"
