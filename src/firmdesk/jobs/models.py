"""What the job worker records beside django-tasks-db's own ``DBTaskResult`` rows.

django-tasks-db keeps one row per job and nothing about its history; these tables
add the live workers, each attempt at a job, the scheduled work already enqueued and
the effects jobs have already had, so retries and re-runs stay safe.
"""

from django.db import models
from django_tasks_db.models import DBTaskResult


class WorkerHeartbeat(models.Model):
    """One row per running ``firmdesk worker`` process, refreshed while it lives.

    ``beat_at`` is written with the database's clock and compared with it, so
    workers on machines whose clocks disagree still judge each other fairly.
    """

    worker_id = models.CharField(max_length=64, primary_key=True)
    hostname = models.CharField(max_length=255)
    pid = models.PositiveIntegerField()
    started_at = models.DateTimeField()
    beat_at = models.DateTimeField(db_index=True)

    def __str__(self):
        return f"{self.worker_id} (pid {self.pid} on {self.hostname})"


class JobAttempt(models.Model):
    """One claim of a job by a worker, and how it ended.

    The number of rows for a job is the number of attempts it has had, so a job
    whose worker died counts that attempt too. At most one attempt of a job is
    RUNNING, and only the worker holding that attempt may record its outcome.
    """

    class Outcome(models.TextChoices):
        RUNNING = "running", "Running"
        SUCCEEDED = "succeeded", "Succeeded"
        FAILED = "failed", "Failed"
        ABANDONED = "abandoned", "Abandoned (worker stopped heartbeating)"

    job = models.ForeignKey(DBTaskResult, on_delete=models.CASCADE, related_name="+")
    number = models.PositiveSmallIntegerField()
    worker_id = models.CharField(max_length=64)
    started_at = models.DateTimeField()
    finished_at = models.DateTimeField(null=True, blank=True)
    outcome = models.CharField(
        max_length=16, choices=Outcome.choices, default=Outcome.RUNNING
    )
    error = models.TextField(blank=True)

    class Meta:
        ordering = ["job_id", "number"]
        constraints = [
            models.UniqueConstraint(
                fields=["job", "number"], name="jobs_attempt_number_per_job"
            ),
        ]

    def __str__(self):
        return f"{self.job_id} attempt {self.number}: {self.outcome}"


class ScheduledRun(models.Model):
    """Scheduled work already enqueued, one row per (kind, object, due time).

    The unique constraint, not a lock, is what stops two workers running the
    scheduler at the same moment from enqueueing the same work twice.
    """

    kind = models.CharField(max_length=200)
    object_key = models.CharField(max_length=200, blank=True)
    due_at = models.DateTimeField()
    # Kept after django-tasks-db prunes finished jobs: the row must outlive the
    # job, or pruned work would be scheduled again.
    job = models.ForeignKey(
        DBTaskResult,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    enqueued_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["kind", "object_key", "due_at"], name="jobs_scheduled_once"
            ),
        ]

    def __str__(self):
        return f"{self.kind} {self.object_key} due {self.due_at:%Y-%m-%d %H:%M}"


# Checked by the services too: SQLite does not enforce a column's length.
EFFECT_KEY_MAX_LENGTH = 255


class JobEffect(models.Model):
    """An effect a job has had, under a key naming it, recorded exactly once."""

    key = models.CharField(max_length=EFFECT_KEY_MAX_LENGTH, unique=True)
    job = models.ForeignKey(
        DBTaskResult,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    recorded_at = models.DateTimeField(auto_now_add=True)

    def __str__(self):
        return self.key
