"""The API's scheduled work: stored idempotent answers expire."""

import datetime

from django_tasks import task

from firmdesk.jobs.schedule import scheduled


@scheduled(every=datetime.timedelta(hours=1))
@task()
def forget_expired_idempotency_keys() -> int:
    from .idempotency import forget_expired

    return forget_expired()
