from django.apps import AppConfig


class SchedulingConfig(AppConfig):
    name = "firmdesk.scheduling"
    label = "scheduling"
    verbose_name = "Scheduling and court deadlines"
