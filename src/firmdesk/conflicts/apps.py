from django.apps import AppConfig


class ConflictsConfig(AppConfig):
    name = "firmdesk.conflicts"
    label = "conflicts"
