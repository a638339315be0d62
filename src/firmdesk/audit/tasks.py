"""Sealing reads into each organisation's audit chain (models.py, services.py).

Every minute the worker seals the reads of the last hour that no seal has
taken yet, one seal per organisation with any; once a day it seals whatever is
left whatever its age (a read whose transaction stayed open longer than the
hour). ``firmdesk audit verify`` seals what is pending before it checks.
"""

import datetime

from django.utils import timezone
from django_tasks import task

from firmdesk.jobs.schedule import scheduled
from firmdesk.orgs.models import Organization

from .services import seal_reads, unsealed_reads

# How far back the minute's sealing looks: far longer than any request's
# transaction stays open, and short enough to stay cheap on a large trail.
RECENT = datetime.timedelta(hours=1)


def _seal_all(since: datetime.datetime | None) -> int:
    """Seal each organisation's waiting reads; the chain head is locked only
    where some wait (one look-up per organisation on its (org, at) index)."""
    sealed = 0
    for org in Organization.objects.order_by("pk"):
        if not unsealed_reads(org=org, since=since).exists():
            continue
        for seal in seal_reads(org=org, since=since):
            sealed += seal.detail["reads"]
    return sealed


@scheduled(every=datetime.timedelta(minutes=1))
@task()
def seal_recent_reads() -> int:
    """The reads of the last hour not sealed yet, sealed; how many."""
    return _seal_all(timezone.now() - RECENT)


@scheduled(every=datetime.timedelta(days=1))
@task()
def seal_every_read() -> int:
    """Every read not sealed yet, however old; how many."""
    return _seal_all(None)
