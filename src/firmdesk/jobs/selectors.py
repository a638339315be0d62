import datetime

from django.db.models import DurationField, ExpressionWrapper, F
from django.db.models.functions import Now

from .models import WorkerHeartbeat


def newest_heartbeat_age() -> datetime.timedelta | None:
    """How long ago the liveliest worker last beat, by the database's clock
    (as the workers judge each other); None when no worker is registered."""
    age = ExpressionWrapper(Now() - F("beat_at"), output_field=DurationField())
    return (
        WorkerHeartbeat.objects.order_by("-beat_at")
        .annotate(age=age)
        .values_list("age", flat=True)
        .first()
    )
