from django.apps import AppConfig


class DocumentsConfig(AppConfig):
    name = "firmdesk.documents"
    label = "documents"
