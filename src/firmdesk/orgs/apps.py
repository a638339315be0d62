from django.apps import AppConfig


class OrgsConfig(AppConfig):
    name = "firmdesk.orgs"
    label = "orgs"
