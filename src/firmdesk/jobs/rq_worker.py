"""``firmdesk worker`` when jobs are kept in Redis (``TASKS_BACKEND=rq``).

rq's own worker runs the jobs (with its scheduler, for jobs that wait until a
time), and beside it a thread of this process does what rq has no part in:

* FirmDesk's schedule (``jobs.schedule``), every ``SCHEDULE_EVERY_SECONDS``,
  each item still enqueued once under its key in the database;
* a heartbeat row, as the database worker keeps, so ``/health`` sees it.

What the database backend adds and rq does not: a failed job is not retried
(rq keeps it in its failed-job registry), and a job whose worker was killed is
marked failed by rq rather than run again (docs/jobs.md).
"""

import logging
import os
import socket
import threading
import time
from collections.abc import Sequence

from django.db import DatabaseError, close_old_connections, connections
from django.utils import timezone

from .schedule import Schedule
from .worker import WorkerSettings, beat, new_worker_id

logger = logging.getLogger(__name__)


def uses_rq(backend: object) -> bool:
    from django_tasks_rq import RQBackend

    return isinstance(backend, RQBackend)


def run_rq_worker(
    *,
    queues: Sequence[str],
    schedule: Schedule,
    config: WorkerSettings | None = None,
    burst: bool = False,
    max_jobs: int | None = None,
) -> None:
    """Work the rq queues until stopped (SIGTERM, Ctrl-C) or, with ``burst``,
    until they are empty, running the schedule beside them."""
    import django_rq
    from django_rq.utils import reset_db_connections
    from django_tasks_rq import Job

    config = config or WorkerSettings.from_settings()
    side = _Beside(schedule=schedule, config=config)
    # The heartbeat and a first run of the schedule come before any job, as
    # with the database worker.
    side.tick(run_schedule=True)
    worker = django_rq.get_worker(*queues, job_class=Job)
    # rq forks a process per job: it must not inherit this one's connections.
    reset_db_connections()
    if not burst:
        side.start()
    try:
        worker.work(with_scheduler=True, burst=burst, max_jobs=max_jobs)
    finally:
        side.stop()


class _Beside(threading.Thread):
    def __init__(self, *, schedule: Schedule, config: WorkerSettings) -> None:
        # A daemon, so a beat stuck on an unreachable database cannot keep the
        # process alive after rq's worker has stopped.
        super().__init__(name="schedule and heartbeat", daemon=True)
        self.schedule = schedule
        self.config = config
        self.worker_id = new_worker_id()
        self.started_at = timezone.now()
        self._halt = threading.Event()
        self._next_schedule = 0.0

    def tick(self, *, run_schedule: bool = False) -> None:
        beat(
            self.worker_id,
            hostname=socket.gethostname(),
            pid=os.getpid(),
            started_at=self.started_at,
        )
        if run_schedule or time.monotonic() >= self._next_schedule:
            self.schedule.enqueue_due()
            self._next_schedule = time.monotonic() + self.config.schedule_every_seconds

    def run(self) -> None:
        try:
            while not self._halt.wait(self.config.heartbeat_seconds):
                try:
                    self.tick()
                except DatabaseError:
                    logger.warning(
                        "Schedule or heartbeat failed; trying again", exc_info=True
                    )
                    close_old_connections()
        finally:
            connections.close_all()

    def stop(self) -> None:
        self._halt.set()
        if self.is_alive():
            self.join(timeout=30)
        from .models import WorkerHeartbeat

        try:
            WorkerHeartbeat.objects.filter(pk=self.worker_id).delete()
        except DatabaseError:
            logger.warning("Could not remove the heartbeat row", exc_info=True)
