from django.apps import AppConfig


class IntakeConfig(AppConfig):
    name = "firmdesk.intake"
    label = "intake"
    verbose_name = "Intake, bookings and reception"

    def ready(self):
        from django.core import checks

        from .checks import check_warning_lead

        checks.register(check_warning_lead)
