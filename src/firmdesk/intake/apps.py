from django.apps import AppConfig


class IntakeConfig(AppConfig):
    name = "firmdesk.intake"
    label = "intake"
    verbose_name = "Intake, bookings and reception"
