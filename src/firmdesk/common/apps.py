from django.apps import AppConfig


class CommonConfig(AppConfig):
    name = "firmdesk.common"
    label = "common"
