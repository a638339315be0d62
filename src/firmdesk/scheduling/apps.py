from django.apps import AppConfig
from django.db.models.signals import post_migrate


def _reload_reference_data(sender, using="default", apps=None, **kwargs):
    """Courts, rules and declared holidays come with migration 0002. ``flush``
    (run by the test suite between transactional tests, and by hand) empties
    every table and then sends post_migrate: put the reference data back, so a
    flushed database computes deadlines like a migrated one."""
    from django.apps import apps as global_apps

    from .migrations import _reference

    model_apps = apps or global_apps
    try:
        court = model_apps.get_model("scheduling", "Court")
    except LookupError:
        return
    if not court.objects.using(using).exists():
        _reference.load(model_apps, using=using)


class SchedulingConfig(AppConfig):
    name = "firmdesk.scheduling"
    label = "scheduling"
    verbose_name = "Scheduling and court deadlines"

    def ready(self):
        post_migrate.connect(_reload_reference_data, sender=self)
        from firmdesk.orgs import revocation

        revocation.register("calendar feeds", _revoke_feeds)


def _revoke_feeds(firm, user_ids) -> int:
    """A person who loses access to a firm loses their feed addresses there."""
    from django.utils import timezone

    from .models import CalendarFeed

    return (
        CalendarFeed.objects.for_firm(firm)
        .filter(user_id__in=user_ids, revoked_at__isnull=True)
        .update(revoked_at=timezone.now())
    )
