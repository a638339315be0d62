from django.apps import AppConfig


class JobsConfig(AppConfig):
    name = "firmdesk.jobs"
    label = "jobs"
