from django.apps import AppConfig
from django.db.models.signals import post_migrate


class CommonConfig(AppConfig):
    name = "firmdesk.common"
    label = "common"

    def ready(self):
        from . import (
            checks,  # noqa: F401  (registers the system checks)
            lookups,  # noqa: F401  (registers __among)
        )
        from .sqlite_stats import _migrated

        # Once a migrate (sent for this app only), after every app's migrations.
        post_migrate.connect(_migrated, sender=self, dispatch_uid="sqlite-stats")
