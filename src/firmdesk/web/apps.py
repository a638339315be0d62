from django.apps import AppConfig


class WebConfig(AppConfig):
    name = "firmdesk.web"
    label = "web"
