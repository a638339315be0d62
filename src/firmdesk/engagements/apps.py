from django.apps import AppConfig


class EngagementsConfig(AppConfig):
    name = "firmdesk.engagements"
    label = "engagements"
