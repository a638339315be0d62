from django.apps import AppConfig


class ComplianceConfig(AppConfig):
    name = "firmdesk.compliance"
    label = "compliance"
    verbose_name = "Compliance: engagement end and incidents"
