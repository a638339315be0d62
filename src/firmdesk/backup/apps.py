from django.apps import AppConfig


class BackupConfig(AppConfig):
    name = "firmdesk.backup"
    verbose_name = "Backups"
