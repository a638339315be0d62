"""TASKS_BACKEND=rq: jobs kept in a real Redis and run by ``firmdesk worker``,
with FirmDesk's schedule beside rq's worker."""

import datetime

import django_rq
import pytest
from django.core.management import call_command
from django_tasks import TaskResultStatus, task_backends

from firmdesk.jobs.models import ScheduledRun, WorkerHeartbeat
from firmdesk.jobs.rq_worker import run_rq_worker
from firmdesk.jobs.schedule import Schedule
from tests.jobs.sample_tasks import always_fails, tick

from .redis_helpers import REDIS_TEST_URL, delete_keys, redis_or_skip, unique_name

# rq forks a process per job, which must not share the test's connection:
# the worker closes it, so the test's rows are committed ones.
pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def rq_queue(settings):
    redis = redis_or_skip()
    queue = unique_name("queue")
    settings.RQ_QUEUES = {
        "default": {"URL": REDIS_TEST_URL},
        queue: {"URL": REDIS_TEST_URL},
    }
    settings.TASKS = {
        "default": {
            "BACKEND": "django_tasks_rq.RQBackend",
            "QUEUES": ["default", queue],
        }
    }
    yield queue
    delete_keys(redis, f"*{queue}*")


def result_of(task_result):
    return task_backends["default"].get_result(task_result.id)


def test_a_job_enqueued_in_redis_is_run_by_firmdesk_worker(rq_queue):
    done = tick.using(queue_name=rq_queue).enqueue()
    failed = always_fails.using(queue_name=rq_queue).enqueue()
    assert result_of(done).status == TaskResultStatus.READY

    call_command("worker", "--once", "--no-schedule", "--queue", rq_queue)

    assert result_of(done).status == TaskResultStatus.SUCCESSFUL
    assert result_of(done).return_value == "tick"
    assert result_of(failed).status == TaskResultStatus.FAILED
    assert "the mail server is down" in result_of(failed).errors[0].traceback
    # Its heartbeat row is removed when it stops.
    assert not WorkerHeartbeat.objects.exists()


def test_the_schedule_runs_beside_rq_and_enqueues_each_period_once(rq_queue):
    schedule = Schedule()
    schedule.scheduled(every=datetime.timedelta(hours=1))(
        tick.using(queue_name=rq_queue)
    )

    run_rq_worker(queues=[rq_queue], schedule=schedule, burst=True)
    run_rq_worker(queues=[rq_queue], schedule=schedule, burst=True)

    run = ScheduledRun.objects.get()
    assert run.kind.endswith("sample_tasks.tick")
    # Jobs kept in Redis have no row in the database to point at.
    assert run.job_id is None
    # Enqueued once over both runs, and run by rq.
    assert django_rq.get_queue(rq_queue).finished_job_registry.count == 1
