from django.apps import AppConfig


class ApiConfig(AppConfig):
    name = "firmdesk.api"
    label = "api"
    verbose_name = "JSON API"
