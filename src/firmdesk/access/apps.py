from django.apps import AppConfig


class AccessConfig(AppConfig):
    name = "firmdesk.access"
    label = "access"
