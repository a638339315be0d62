"""The schedule: work that falls due by the clock, enqueued exactly once.

Apps register in their ``tasks`` module (the worker imports every installed app's)
either a job to run every period::

    @scheduled(every=timedelta(hours=1))
    @task()
    def flag_overdue_reviews(): ...

or a function that, given the time now, returns the items due by then::

    @due_work
    def event_reminders(now):
        for reminder in Reminder.objects.filter(due_at__lte=now, due_at__gt=now - DAY):
            yield Due("scheduling.reminder", str(reminder.pk), reminder.due_at,
                      send_reminder, (reminder.pk,))

Every worker runs the schedule every ``SCHEDULE_EVERY_SECONDS``. Each item is
enqueued under its key (kind, object key, due time) in ``ScheduledRun``, whose
unique constraint makes a second enqueue of the same key fail, so work is enqueued
once however many workers run the schedule at the same moment.
"""

import datetime
import logging
from collections.abc import Callable, Iterable, Sequence
from typing import Any, NamedTuple

from django.db import IntegrityError, transaction
from django.utils import timezone
from django_tasks.base import Task
from django_tasks_db.backend import DatabaseBackend

from .models import ScheduledRun

logger = logging.getLogger(__name__)

_EPOCH = datetime.datetime(1970, 1, 1, tzinfo=datetime.UTC)
# Keeps the look-up of keys already enqueued under SQLite's limit on query variables.
_LOOKUP_CHUNK = 300


class Due(NamedTuple):
    """One piece of due work: ``task`` is enqueued with ``args`` once per key.

    The key is (``kind``, ``object_key``, ``due_at``): name the kind after the app
    and the work ("billing.ageing-reminder"), the object by its primary or public
    key, and give the time the work fell due, not the time it was found.
    """

    kind: str
    object_key: str
    due_at: datetime.datetime
    task: Task
    args: Sequence[Any] = ()


DueWork = Callable[[datetime.datetime], Iterable[Due]]


class Schedule:
    """A registry of due work; the worker runs ``default_schedule``."""

    def __init__(self) -> None:
        self._sources: dict[str, DueWork] = {}

    def scheduled(self, *, every: datetime.timedelta) -> Callable[[Task], Task]:
        """Decorate a ``@task()`` (listed below this decorator) to run every period.

        Periods are counted from midnight UTC, 1 January 1970, so ``every=1 day``
        runs just after midnight UTC. A period missed while no worker ran is not
        made up: the job runs once for the current period.
        """
        if every < datetime.timedelta(seconds=1):
            raise ValueError("A scheduled period must be at least one second.")

        def register(job: Task) -> Task:
            if not isinstance(job, Task):
                raise TypeError(
                    "@scheduled(...) goes above @task(): it schedules a task, "
                    f"not the plain function {job!r}."
                )

            def periodic(now: datetime.datetime) -> Iterable[Due]:
                yield Due(job.module_path, "", period_start(now, every), job)

            self._sources[job.module_path] = periodic
            return job

        return register

    def due_work(self, source: DueWork) -> DueWork:
        """Register a function returning the ``Due`` items that are due by ``now``.

        Every worker calls it every ``SCHEDULE_EVERY_SECONDS`` (a minute), so it
        should look back only as far as it must: items already enqueued are skipped
        but still cost a look-up. Items due after ``now`` wait until they fall due.
        """
        self._sources[f"{source.__module__}.{source.__qualname__}"] = source
        return source

    def enqueue_due(self, now: datetime.datetime | None = None) -> int:
        """Enqueue every registered item due by ``now`` not enqueued before.

        A failing source is logged and skipped, so one app's bug does not hold up
        the others. Returns the number of jobs enqueued.
        """
        now = now or timezone.now()
        enqueued = 0
        for name, source in list(self._sources.items()):
            try:
                enqueued += _enqueue_new([d for d in source(now) if d.due_at <= now])
            except Exception:
                logger.exception("Scheduled work %s failed; skipped this time", name)
        return enqueued


def period_start(
    now: datetime.datetime, every: datetime.timedelta
) -> datetime.datetime:
    return _EPOCH + ((now - _EPOCH) // every) * every


def enqueue_once(due: Due) -> bool:
    """Enqueue ``due`` unless its key was enqueued before; True if it was enqueued."""
    with transaction.atomic():
        try:
            # The savepoint confines the duplicate-key error so the outer
            # transaction can still roll back cleanly.
            with transaction.atomic():
                run = ScheduledRun.objects.create(
                    kind=due.kind, object_key=due.object_key, due_at=due.due_at
                )
        except IntegrityError:
            return False
        # The job is created in the same transaction as its key (the database
        # backend writes to this database), so neither exists without the other.
        # A job kept in Redis (the rq backend) is enqueued before the key
        # commits: should the commit fail, the work is enqueued again a minute
        # later, never lost (jobs keep their effects once: jobs.services).
        result = due.task.enqueue(*due.args)
        # object for mypy, as in worker.Worker: to it the two never match.
        backend: object = due.task.get_backend()
        if isinstance(backend, DatabaseBackend):
            run.job_id = result.id
            run.save(update_fields=["job"])
    logger.info(
        "Enqueued %s for %s %s due %s (job %s)",
        due.task.module_path,
        due.kind,
        due.object_key or "-",
        due.due_at.isoformat(),
        result.id,
    )
    return True


def _enqueue_new(items: list[Due]) -> int:
    """Enqueue the items whose keys are new, reading the known keys in bulk first.

    The bulk read spares a failed insert per item that is already enqueued, which
    on PostgreSQL also writes an error to the server log every minute. A key that
    appears between the read and the insert is still refused by the constraint.
    """
    seen: set[tuple[str, str, datetime.datetime]] = set()
    for start in range(0, len(items), _LOOKUP_CHUNK):
        chunk = items[start : start + _LOOKUP_CHUNK]
        seen.update(
            ScheduledRun.objects.filter(
                kind__in={d.kind for d in chunk},
                object_key__in={d.object_key for d in chunk},
                due_at__in={d.due_at for d in chunk},
            ).values_list("kind", "object_key", "due_at")
        )
    enqueued = 0
    for due in items:
        key = (due.kind, due.object_key, due.due_at)
        if key in seen:
            continue
        seen.add(key)
        enqueued += enqueue_once(due)
    return enqueued


default_schedule = Schedule()
scheduled = default_schedule.scheduled
due_work = default_schedule.due_work
