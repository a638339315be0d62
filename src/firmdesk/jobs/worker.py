"""The job worker behind ``firmdesk worker``.

It runs the jobs django-tasks-db stores, and adds what its own ``db_worker`` lacks:

* the schedule (``jobs.schedule``), run every ``SCHEDULE_EVERY_SECONDS``;
* retries: a job that raises is put back with a growing delay, up to
  ``MAX_ATTEMPTS`` attempts, then left FAILED;
* recovery: every worker keeps a heartbeat row fresh from a thread of its own, and
  any worker puts a RUNNING job back to READY once the heartbeat of the worker
  running it is older than ``STALE_AFTER_SECONDS`` (or gone). That attempt counts.

So a job runs at least once and may run again after a crash: see ``jobs.services``
for keeping its effects exactly once.
"""

import datetime
import logging
import os
import random
import secrets
import socket
import threading
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, fields
from traceback import format_exception
from typing import Any

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured, SuspiciousOperation
from django.db import (
    DatabaseError,
    InterfaceError,
    OperationalError,
    close_old_connections,
    connections,
    transaction,
)
from django.db.models.functions import Now
from django.utils import timezone
from django_tasks import (
    DEFAULT_TASK_BACKEND_ALIAS,
    DEFAULT_TASK_QUEUE_NAME,
    TaskContext,
    TaskResultStatus,
    task_backends,
)
from django_tasks.signals import task_finished, task_started
from django_tasks.utils import normalize_json
from django_tasks_db.backend import DatabaseBackend
from django_tasks_db.models import DBTaskResult

from .models import JobAttempt, WorkerHeartbeat
from .schedule import Schedule, default_schedule
from .services import job_context

logger = logging.getLogger(__name__)

# Tries at recording a finished job's outcome before the worker gives up and exits.
_RECORD_TRIES = 4


class WorkerLost(RuntimeError):
    """Recorded as a job's error when its worker stopped heartbeating mid-run."""


@dataclass(frozen=True)
class WorkerSettings:
    """``settings.FIRMDESK_WORKER``, in seconds; missing keys take these defaults."""

    poll_seconds: float = 1.0
    heartbeat_seconds: float = 5.0
    stale_after_seconds: float = 60.0
    schedule_every_seconds: float = 60.0
    max_attempts: int = 5
    backoff_base_seconds: float = 30.0
    backoff_max_seconds: float = 3600.0

    def __post_init__(self) -> None:
        if min(self.poll_seconds, self.heartbeat_seconds) <= 0:
            raise ImproperlyConfigured(
                "FIRMDESK_WORKER: POLL_SECONDS and HEARTBEAT_SECONDS must be positive."
            )
        # A live worker's heartbeat may be up to one interval old, plus the time
        # a busy database takes to write it: below twice the interval, healthy
        # workers would take each other's jobs.
        if self.stale_after_seconds <= 2 * self.heartbeat_seconds:
            raise ImproperlyConfigured(
                "FIRMDESK_WORKER: STALE_AFTER_SECONDS must be more than twice "
                "HEARTBEAT_SECONDS."
            )
        if self.max_attempts < 1:
            raise ImproperlyConfigured(
                "FIRMDESK_WORKER: MAX_ATTEMPTS must be 1 or more."
            )

    @classmethod
    def from_settings(cls) -> "WorkerSettings":
        configured = getattr(settings, "FIRMDESK_WORKER", {})
        return cls(
            **{
                f.name: configured[f.name.upper()]
                for f in fields(cls)
                if f.name.upper() in configured
            }
        )


def retry_delay(attempt: int, *, base: float, cap: float) -> float:
    """Seconds to wait before retrying a job whose attempt number ``attempt`` failed.

    The delay doubles with each attempt up to ``cap``. Half of it is random, so jobs
    that failed together (a mail server outage) do not all retry in the same second.
    """
    ceiling = min(cap, base * 2 ** (attempt - 1))
    return ceiling / 2 + random.uniform(0, ceiling / 2)


@dataclass(frozen=True)
class Claimed:
    job: DBTaskResult
    attempt: JobAttempt


class Worker:
    def __init__(
        self,
        *,
        queues: Sequence[str] = (DEFAULT_TASK_QUEUE_NAME,),
        backend_alias: str = DEFAULT_TASK_BACKEND_ALIAS,
        config: WorkerSettings | None = None,
        schedule: Schedule = default_schedule,
        worker_id: str | None = None,
    ) -> None:
        # Typed as object for mypy: django-tasks-db declares its classes against
        # Django 6's django.tasks (see _call), so to mypy a django_tasks backend
        # can never be a DatabaseBackend and the rest of __init__ is unreachable.
        backend: object = task_backends[backend_alias]
        if not isinstance(backend, DatabaseBackend):
            raise ImproperlyConfigured(
                f"firmdesk worker runs jobs stored in the database, but the task "
                f"backend {backend_alias!r} is {type(backend).__name__}."
            )
        self.backend_alias = backend_alias
        # None means every queue.
        self.queues = None if "*" in queues else list(queues)
        self.config = config or WorkerSettings.from_settings()
        self.schedule = schedule
        self.hostname = socket.gethostname()
        self.pid = os.getpid()
        self.worker_id = worker_id or new_worker_id()
        self.started_at = timezone.now()
        self._stopping = threading.Event()
        self._registered = False

    @property
    def stopping(self) -> bool:
        return self._stopping.is_set()

    def stop(self) -> None:
        """Stop after the job in hand, if any (safe to call from a signal handler)."""
        self._stopping.set()

    def run(self, *, once: bool = False, max_jobs: int | None = None) -> int:
        """Work until stopped, or with ``once`` until no job is ready.

        Returns the number of jobs run.
        """
        # The row must exist before the first claim, or another worker could
        # take this worker's first job for an orphan.
        self.beat()
        heartbeat = _Heartbeat(self)
        heartbeat.start()
        logger.info(
            "Worker %s started on queues %s",
            self.worker_id,
            ", ".join(self.queues) if self.queues else "(all)",
        )
        # Recovery scans every RUNNING job, so it runs well below the heartbeat
        # rate; a dead worker's job still comes back within 1.5 x STALE_AFTER.
        recovery_every = max(
            self.config.heartbeat_seconds, self.config.stale_after_seconds / 2
        )
        next_recovery = next_schedule = 0.0
        ran = 0
        try:
            while not self.stopping:
                close_old_connections()
                try:
                    if time.monotonic() >= next_recovery:
                        self.requeue_stale()
                        next_recovery = time.monotonic() + recovery_every
                    if time.monotonic() >= next_schedule:
                        self.schedule.enqueue_due()
                        next_schedule = (
                            time.monotonic() + self.config.schedule_every_seconds
                        )
                    claimed = self.claim()
                except (OperationalError, InterfaceError):
                    if once:
                        raise
                    logger.exception(
                        "Database unavailable; trying again in %s s",
                        self.config.poll_seconds,
                    )
                    self._stopping.wait(self.config.poll_seconds)
                    continue
                if claimed is None:
                    if once:
                        break
                    self._stopping.wait(self.config.poll_seconds)
                    continue
                self.execute(claimed)
                ran += 1
                if max_jobs is not None and ran >= max_jobs:
                    break
        finally:
            # Also reached on a forced stop in mid-job: with the row gone, any
            # worker recovers that job at once instead of after STALE_AFTER.
            heartbeat.stop()
            self._unregister()
        logger.info("Worker %s stopped after %d job(s)", self.worker_id, ran)
        return ran

    def beat(self) -> None:
        """Refresh this worker's heartbeat row, creating it if it is missing."""
        created = beat(
            self.worker_id,
            hostname=self.hostname,
            pid=self.pid,
            started_at=self.started_at,
        )
        if created and self._registered:
            logger.warning(
                "Worker %s was presumed dead; a job it is running will be "
                "discarded when it ends, having been run again elsewhere.",
                self.worker_id,
            )
        self._registered = True

    def claim(self) -> Claimed | None:
        """Take the next ready job, marking it RUNNING under a new attempt."""
        ready = DBTaskResult.objects.ready().filter(backend_name=self.backend_alias)
        if self.queues is not None:
            ready = ready.filter(queue_name__in=self.queues)
        # On PostgreSQL get_locked() skips rows other workers are claiming; on
        # SQLite the IMMEDIATE transaction mode lets one writer in at a time.
        with transaction.atomic():
            job = ready.get_locked()
            if job is None:
                return None
            job.claim(self.worker_id)
            attempt = JobAttempt.objects.create(
                job=job,
                number=_next_attempt_number(job),
                worker_id=self.worker_id,
                started_at=job.started_at,
            )
        return Claimed(job=job, attempt=attempt)

    def execute(self, claimed: Claimed) -> None:
        """Run a claimed job and record how it ended.

        Only ``Exception`` counts as the job failing. A forced stop (SystemExit from
        a second signal) passes through and leaves the job RUNNING for recovery.
        """
        job, attempt = claimed.job, claimed.attempt
        logger.info(
            "Running %s (job %s, attempt %d of %d)",
            job.task_path,
            job.id,
            attempt.number,
            self.config.max_attempts,
        )
        started = time.monotonic()
        try:
            with job_context(job.id):
                value = _call(job)
        except Exception as exc:
            self._record(self._record_failure, claimed, exc)
        else:
            self._record(self._record_success, claimed, value, started)

    def requeue_stale(self) -> int:
        """Put back RUNNING jobs whose worker stopped heartbeating; returns how many."""
        # Running jobs are read before live workers: a worker writes its heartbeat
        # before it claims, so the owner of every job listed here is already known.
        running = list(
            DBTaskResult.objects.running()
            .filter(backend_name=self.backend_alias)
            .values_list("pk", "worker_ids")
        )
        # The database's clock on both sides of the comparison: see WorkerHeartbeat.
        stale_before = Now() - datetime.timedelta(
            seconds=self.config.stale_after_seconds
        )
        live = set(
            WorkerHeartbeat.objects.filter(beat_at__gte=stale_before).values_list(
                "worker_id", flat=True
            )
        )
        recovered = sum(
            self._recover(pk, worker_ids)
            for pk, worker_ids in running
            if not worker_ids or worker_ids[-1] not in live
        )
        # Their jobs are back in the queue; a worker that was only slow writes a
        # new row at its next beat.
        WorkerHeartbeat.objects.filter(beat_at__lt=stale_before).delete()
        return recovered

    def _recover(self, pk: Any, worker_ids: list[str]) -> bool:
        with transaction.atomic():
            job = (
                DBTaskResult.objects.select_for_update()
                .filter(pk=pk, status=TaskResultStatus.RUNNING)
                .first()
            )
            # Finished, or recovered and claimed again, since the list was read.
            if job is None or job.worker_ids != worker_ids:
                return False
            owner = worker_ids[-1] if worker_ids else "(unknown)"
            attempt = JobAttempt.objects.filter(
                job=job, outcome=JobAttempt.Outcome.RUNNING
            ).first()
            if attempt is None:
                # Claimed by something other than this worker (django-tasks-db's
                # db_worker, say): the attempt counts all the same.
                attempt = JobAttempt.objects.create(
                    job=job,
                    number=_next_attempt_number(job),
                    worker_id=owner[:64],
                    started_at=job.started_at or timezone.now(),
                )
            retry_in = self._close_attempt(
                job,
                attempt,
                JobAttempt.Outcome.ABANDONED,
                WorkerLost(
                    f"Worker {owner} stopped heartbeating during attempt "
                    f"{attempt.number}."
                ),
            )
        if retry_in is None:
            logger.error(
                "Job %s (%s) failed for good: worker %s stopped heartbeating "
                "during its last attempt (%d)",
                job.id,
                job.task_path,
                owner,
                attempt.number,
            )
            _announce_finished(job)
        else:
            logger.warning(
                "Job %s (%s) put back in the queue: worker %s stopped heartbeating "
                "during attempt %d",
                job.id,
                job.task_path,
                owner,
                attempt.number,
            )
        return True

    def _record_success(self, claimed: Claimed, value: Any, started: float) -> None:
        with transaction.atomic():
            job = self._lock_own_job(claimed)
            if job is None:
                return
            now = timezone.now()
            JobAttempt.objects.filter(pk=claimed.attempt.pk).update(
                outcome=JobAttempt.Outcome.SUCCEEDED, finished_at=now
            )
            job.status = TaskResultStatus.SUCCESSFUL
            job.finished_at = now
            job.return_value = value
            job.exception_class_path = ""
            job.traceback = ""
            job.save(
                update_fields=[
                    "status",
                    "finished_at",
                    "return_value",
                    "exception_class_path",
                    "traceback",
                ]
            )
        logger.info(
            "Finished %s (job %s) in %.1f s",
            job.task_path,
            job.id,
            time.monotonic() - started,
        )
        _announce_finished(job)

    def _record_failure(self, claimed: Claimed, exc: Exception) -> None:
        with transaction.atomic():
            job = self._lock_own_job(claimed)
            if job is None:
                return
            retry_in = self._close_attempt(
                job, claimed.attempt, JobAttempt.Outcome.FAILED, exc
            )
        if retry_in is None:
            logger.error(
                "Job %s (%s) failed for good after %d attempts",
                job.id,
                job.task_path,
                claimed.attempt.number,
                exc_info=exc,
            )
            _announce_finished(job)
        else:
            logger.warning(
                "Job %s (%s) failed on attempt %d of %d; retrying in %.0f s",
                job.id,
                job.task_path,
                claimed.attempt.number,
                self.config.max_attempts,
                retry_in,
                exc_info=exc,
            )

    def _lock_own_job(self, claimed: Claimed) -> DBTaskResult | None:
        """Lock the job for recording its outcome, if this attempt still holds it.

        Recovery locks the same row first, so the two cannot both end the attempt.
        """
        job = DBTaskResult.objects.select_for_update().filter(pk=claimed.job.pk).first()
        holds = JobAttempt.objects.filter(
            pk=claimed.attempt.pk, outcome=JobAttempt.Outcome.RUNNING
        ).exists()
        if job is None or not holds:
            logger.warning(
                "Attempt %d of job %s was handed to another worker while this one "
                "was presumed dead; its outcome is not recorded",
                claimed.attempt.number,
                claimed.job.id,
            )
            return None
        return job

    def _close_attempt(
        self,
        job: DBTaskResult,
        attempt: JobAttempt,
        outcome: JobAttempt.Outcome,
        exc: BaseException,
    ) -> float | None:
        """End a failed or abandoned attempt; requeue the job or fail it for good.

        Returns the delay before the retry, or None when no attempt is left.
        """
        now = timezone.now()
        traceback = "".join(format_exception(exc))
        JobAttempt.objects.filter(pk=attempt.pk).update(
            outcome=outcome, finished_at=now, error=traceback
        )
        # Kept on the job while it waits for its retry too, for whoever looks at it.
        job.exception_class_path = f"{type(exc).__module__}.{type(exc).__qualname__}"
        job.traceback = traceback
        if attempt.number >= self.config.max_attempts:
            job.status = TaskResultStatus.FAILED
            job.finished_at = now
            retry_in = None
        else:
            # A job abandoned by a dead worker did nothing wrong: it goes straight
            # back, having already waited STALE_AFTER_SECONDS to be noticed.
            retry_in = (
                retry_delay(
                    attempt.number,
                    base=self.config.backoff_base_seconds,
                    cap=self.config.backoff_max_seconds,
                )
                if outcome == JobAttempt.Outcome.FAILED
                else 0.0
            )
            job.status = TaskResultStatus.READY
            job.run_after = now + datetime.timedelta(seconds=retry_in)
        job.return_value = None
        job.save(
            update_fields=[
                "status",
                "finished_at",
                "run_after",
                "return_value",
                "exception_class_path",
                "traceback",
            ]
        )
        return retry_in

    def _record(self, record: Callable[..., None], *args: Any) -> None:
        """Record a job's outcome, riding out a short database outage.

        If the database stays away, the error ends the worker: its heartbeat then
        goes stale and another worker runs the job again, where carrying on would
        leave the job RUNNING under a live heartbeat for good.
        """
        for tries_left in reversed(range(_RECORD_TRIES)):
            try:
                record(*args)
                return
            except (OperationalError, InterfaceError):
                if not tries_left:
                    raise
                logger.warning("Could not record a job's outcome", exc_info=True)
                time.sleep(2 ** (_RECORD_TRIES - tries_left))
                close_old_connections()

    def _unregister(self) -> None:
        try:
            WorkerHeartbeat.objects.filter(pk=self.worker_id).delete()
        except DatabaseError:
            logger.warning(
                "Could not remove the heartbeat row of worker %s; another worker "
                "will once it is stale",
                self.worker_id,
                exc_info=True,
            )


class _Heartbeat(threading.Thread):
    """Beats for a worker from a thread and database connection of its own, so a
    long job does not make its worker look dead."""

    def __init__(self, worker: Worker) -> None:
        # A daemon, so a beat stuck on an unreachable database cannot keep the
        # process alive after the worker has finished.
        super().__init__(name=f"heartbeat {worker.worker_id}", daemon=True)
        self._worker = worker
        self._halt = threading.Event()

    def run(self) -> None:
        try:
            while not self._halt.wait(self._worker.config.heartbeat_seconds):
                try:
                    self._worker.beat()
                except DatabaseError:
                    logger.warning(
                        "Heartbeat of worker %s failed; trying again",
                        self._worker.worker_id,
                        exc_info=True,
                    )
                    close_old_connections()
        finally:
            connections.close_all()

    def stop(self) -> None:
        self._halt.set()
        self.join(timeout=30)


def beat(
    worker_id: str, *, hostname: str, pid: int, started_at: datetime.datetime
) -> bool:
    """Refresh a worker's heartbeat row; True if it had to be created."""
    if WorkerHeartbeat.objects.filter(pk=worker_id).update(beat_at=Now()):
        return False
    WorkerHeartbeat.objects.create(
        worker_id=worker_id,
        hostname=hostname[:255],
        pid=pid,
        started_at=started_at,
        beat_at=Now(),
    )
    return True


def new_worker_id() -> str:
    return f"{socket.gethostname()[:40]}-{os.getpid()}-{secrets.token_hex(4)}"


def _call(job: DBTaskResult) -> Any:
    task = job.task
    task_result = job.task_result
    task_started.send(sender=type(task.get_backend()), task_result=task_result)
    if task.takes_context:
        value = task.call(
            # django-tasks-db is typed against Django 6's django.tasks (the first
            # branch of django_tasks_db.compat); on Django 5.2 its TaskResult is
            # the django_tasks backport's at run time, which TaskContext takes.
            TaskContext(task_result=task_result),  # type: ignore[arg-type]
            *task_result.args,
            **task_result.kwargs,
        )
    else:
        value = task.call(*task_result.args, **task_result.kwargs)
    # Inside the job's error handling: a value that cannot be stored fails the job
    # rather than the worker.
    return normalize_json(value)


def _next_attempt_number(job: DBTaskResult) -> int:
    return JobAttempt.objects.filter(job=job).count() + 1


def _announce_finished(job: DBTaskResult) -> None:
    """Send django-tasks' ``task_finished`` for receivers other apps connect."""
    try:
        task_result = job.task_result
    except (ImportError, SuspiciousOperation):
        # The job's code is gone; its failure was logged, and a receiver could
        # not be told which task it was.
        return
    task_finished.send(
        sender=type(task_result.task.get_backend()), task_result=task_result
    )
