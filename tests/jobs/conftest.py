import datetime

import pytest
from django.utils import timezone

from firmdesk.jobs.models import WorkerHeartbeat
from firmdesk.jobs.schedule import Schedule
from firmdesk.jobs.worker import Worker, WorkerSettings


@pytest.fixture
def worker_config():
    return WorkerSettings(
        poll_seconds=0.1,
        heartbeat_seconds=1,
        stale_after_seconds=30,
        max_attempts=3,
        backoff_base_seconds=10,
        backoff_max_seconds=60,
    )


@pytest.fixture
def make_worker(db, worker_config):
    """A worker driven step by step by the test, with no heartbeat thread.

    ``heartbeat_age`` is how old its heartbeat row is; None leaves it without one.
    """

    def make(worker_id, *, heartbeat_age=datetime.timedelta(0), config=None):
        worker = Worker(
            worker_id=worker_id, config=config or worker_config, schedule=Schedule()
        )
        if heartbeat_age is not None:
            WorkerHeartbeat.objects.create(
                worker_id=worker_id,
                hostname="test",
                pid=1,
                started_at=timezone.now() - heartbeat_age,
                beat_at=timezone.now() - heartbeat_age,
            )
        return worker

    return make
