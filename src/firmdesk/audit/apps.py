from django.apps import AppConfig


class AuditConfig(AppConfig):
    name = "firmdesk.audit"
    label = "audit"
