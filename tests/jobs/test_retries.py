import datetime

import pytest
from django.core.exceptions import ImproperlyConfigured
from django.utils import timezone
from django_tasks import TaskResultStatus
from django_tasks_db.models import DBTaskResult

from firmdesk.jobs.models import JobAttempt
from firmdesk.jobs.tasks import record_effect
from firmdesk.jobs.worker import WorkerSettings, retry_delay

from .sample_tasks import always_fails, returns_unstorable


def test_retry_delay_doubles_with_each_attempt_up_to_the_cap():
    for attempt, ceiling in [(1, 10), (2, 20), (3, 40), (4, 60), (9, 60)]:
        delays = [retry_delay(attempt, base=10, cap=60) for _ in range(50)]
        assert all(ceiling / 2 <= d <= ceiling for d in delays), attempt


def test_worker_settings_come_from_firmdesk_worker(settings):
    settings.FIRMDESK_WORKER = {"POLL_SECONDS": 0.5, "MAX_ATTEMPTS": 2}

    config = WorkerSettings.from_settings()

    assert (config.poll_seconds, config.max_attempts) == (0.5, 2)
    assert config.stale_after_seconds == WorkerSettings.stale_after_seconds


def test_stale_limit_too_close_to_the_heartbeat_is_refused():
    with pytest.raises(ImproperlyConfigured, match="STALE_AFTER_SECONDS"):
        WorkerSettings(heartbeat_seconds=5, stale_after_seconds=10)


@pytest.mark.django_db
def test_failed_job_is_retried_later_then_left_failed_after_max_attempts(
    make_worker,
):
    worker = make_worker("w-1")
    result = always_fails.enqueue()

    for attempt, ceiling in [(1, 10), (2, 20)]:
        before = timezone.now()
        worker.execute(worker.claim())

        job = DBTaskResult.objects.get(pk=result.id)
        assert job.status == TaskResultStatus.READY
        wait = job.run_after - before
        assert datetime.timedelta(seconds=ceiling / 2) <= wait, attempt
        assert wait <= datetime.timedelta(seconds=ceiling + 1), attempt
        assert job.exception_class_path == "builtins.RuntimeError"
        assert worker.claim() is None, "not ready before its delay"
        DBTaskResult.objects.filter(pk=result.id).update(run_after=timezone.now())

    worker.execute(worker.claim())

    job = DBTaskResult.objects.get(pk=result.id)
    assert job.status == TaskResultStatus.FAILED
    assert "the mail server is down" in job.traceback
    assert (
        list(JobAttempt.objects.filter(job=job).values_list("outcome", flat=True))
        == ["failed"] * 3
    )
    assert worker.claim() is None
    assert result.task.get_result(result.id).errors[0].exception_class is RuntimeError


@pytest.mark.django_db
def test_job_returning_what_cannot_be_stored_fails_rather_than_the_worker(
    make_worker,
):
    worker = make_worker("w-1")
    result = returns_unstorable.enqueue()

    worker.execute(worker.claim())

    job = DBTaskResult.objects.get(pk=result.id)
    assert job.status == TaskResultStatus.READY
    assert job.exception_class_path == "builtins.TypeError"


@pytest.mark.django_db
def test_successful_job_records_its_return_value_and_attempt(make_worker):
    worker = make_worker("w-1")
    result = record_effect.enqueue("done-once")

    worker.execute(worker.claim())

    job = DBTaskResult.objects.get(pk=result.id)
    assert job.status == TaskResultStatus.SUCCESSFUL
    assert job.return_value is True
    attempt = JobAttempt.objects.get(job=job)
    assert (attempt.number, attempt.worker_id, attempt.outcome) == (
        1,
        "w-1",
        "succeeded",
    )
