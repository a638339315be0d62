from django.apps import AppConfig


class MattersConfig(AppConfig):
    name = "firmdesk.matters"
    label = "matters"
