import dataclasses
import datetime

import pytest
from django_tasks import TaskResultStatus
from django_tasks_db.models import DBTaskResult

from firmdesk.jobs.models import JobAttempt, JobEffect, WorkerHeartbeat
from firmdesk.jobs.tasks import record_effect

pytestmark = pytest.mark.django_db

HOUR = datetime.timedelta(hours=1)


def status(job_id):
    return DBTaskResult.objects.get(pk=job_id).status


def test_stale_running_job_is_requeued_and_one_with_a_fresh_heartbeat_is_not(
    make_worker,
):
    live = make_worker("live")
    dead = make_worker("dead", heartbeat_age=HOUR)
    record_effect.enqueue("a")
    record_effect.enqueue("b")
    live_job = live.claim().job
    dead_claim = dead.claim()

    assert make_worker("reaper").requeue_stale() == 1

    assert status(live_job.id) == TaskResultStatus.RUNNING
    assert status(dead_claim.job.id) == TaskResultStatus.READY
    assert JobAttempt.objects.get(job=dead_claim.job).outcome == "abandoned"
    assert not WorkerHeartbeat.objects.filter(worker_id="dead").exists()


def test_running_job_of_a_worker_with_no_heartbeat_row_is_requeued(make_worker):
    vanished = make_worker("vanished", heartbeat_age=None)
    record_effect.enqueue("c")
    claimed = vanished.claim()

    assert make_worker("reaper").requeue_stale() == 1

    assert status(claimed.job.id) == TaskResultStatus.READY


def test_requeued_job_runs_again_and_counts_the_lost_attempt(make_worker):
    dead = make_worker("dead", heartbeat_age=HOUR)
    record_effect.enqueue("d")
    dead.claim()
    reaper = make_worker("reaper")
    reaper.requeue_stale()

    reaper.execute(reaper.claim())

    job = DBTaskResult.objects.get()
    assert job.status == TaskResultStatus.SUCCESSFUL
    assert list(
        JobAttempt.objects.filter(job=job).values_list("number", "worker_id", "outcome")
    ) == [(1, "dead", "abandoned"), (2, "reaper", "succeeded")]


def test_job_abandoned_on_its_last_attempt_is_failed(make_worker, worker_config):
    one_try = dataclasses.replace(worker_config, max_attempts=1)
    dead = make_worker("dead", heartbeat_age=HOUR, config=one_try)
    record_effect.enqueue("e")
    claimed = dead.claim()

    make_worker("reaper", config=one_try).requeue_stale()

    job = DBTaskResult.objects.get(pk=claimed.job.pk)
    assert job.status == TaskResultStatus.FAILED
    assert job.exception_class_path == "firmdesk.jobs.worker.WorkerLost"


def test_worker_presumed_dead_that_finishes_late_does_not_overwrite_the_rerun(
    make_worker,
):
    slow = make_worker("slow", heartbeat_age=HOUR)
    record_effect.enqueue("f")
    late = slow.claim()
    make_worker("reaper").requeue_stale()

    slow.execute(late)

    job = DBTaskResult.objects.get(pk=late.job.pk)
    assert job.status == TaskResultStatus.READY
    assert JobAttempt.objects.get(job=job).outcome == "abandoned"
    # Its effect did happen, once: the re-run will find it recorded.
    assert JobEffect.objects.filter(key="f").count() == 1
