from django.apps import AppConfig


class BillingConfig(AppConfig):
    name = "firmdesk.billing"
    label = "billing"
