from django.apps import AppConfig


class DemoConfig(AppConfig):
    name = "firmdesk.demo"
    label = "demo"
