import datetime
import threading

import pytest
from django.core.management import call_command
from django.db import connection
from django_tasks import TaskResultStatus
from django_tasks_db.models import DBTaskResult

from firmdesk.jobs.models import ScheduledRun
from firmdesk.jobs.schedule import Due, Schedule, enqueue_once
from firmdesk.jobs.tasks import record_effect

from .sample_tasks import tick

pytestmark = pytest.mark.django_db

NOW = datetime.datetime(2026, 3, 2, 12, 3, 20, tzinfo=datetime.UTC)
MINUTE = datetime.timedelta(minutes=1)
DAY = datetime.timedelta(days=1)


def test_due_item_is_enqueued_once_when_the_schedule_runs_twice():
    schedule = Schedule()

    @schedule.due_work
    def reminders(now):
        yield Due("test.reminder", "event-1", NOW - MINUTE, record_effect, ["r-1"])

    assert schedule.enqueue_due(NOW) == 1
    assert schedule.enqueue_due(NOW + MINUTE) == 0

    job = DBTaskResult.objects.get()
    assert job.task_path == record_effect.module_path
    assert job.args_kwargs == {"args": ["r-1"], "kwargs": {}}
    run = ScheduledRun.objects.get()
    assert (run.kind, run.object_key, run.due_at, run.job_id) == (
        "test.reminder",
        "event-1",
        NOW - MINUTE,
        job.id,
    )


def test_key_outlives_the_job_when_finished_jobs_are_pruned():
    schedule = Schedule()

    @schedule.due_work
    def reminders(now):
        yield Due("test.reminder", "event-7", NOW - MINUTE, record_effect, ["r-7"])

    schedule.enqueue_due(NOW)
    DBTaskResult.objects.update(
        status=TaskResultStatus.SUCCESSFUL, finished_at=NOW - 30 * DAY
    )

    call_command("prune_db_task_results", verbosity=0)

    assert not DBTaskResult.objects.exists()
    assert ScheduledRun.objects.get().job_id is None
    assert schedule.enqueue_due(NOW) == 0


def test_item_not_yet_due_is_left_for_a_later_run():
    schedule = Schedule()

    @schedule.due_work
    def reminders(now):
        yield Due("test.reminder", "event-2", NOW + MINUTE, record_effect, ["r-2"])

    assert schedule.enqueue_due(NOW) == 0
    assert not DBTaskResult.objects.exists()
    assert schedule.enqueue_due(NOW + MINUTE) == 1


def test_key_already_enqueued_by_another_worker_is_refused_by_the_constraint():
    due = Due("test.reminder", "event-3", NOW, record_effect, ["r-3"])

    # Called directly, as a second worker racing past the look-up would.
    assert enqueue_once(due) is True
    assert enqueue_once(due) is False

    assert DBTaskResult.objects.count() == 1
    assert ScheduledRun.objects.count() == 1


@pytest.mark.django_db(transaction=True)
def test_two_workers_running_the_schedule_at_once_enqueue_the_item_once():
    schedule = Schedule()
    both_looking = threading.Barrier(2)

    @schedule.due_work
    def reminders(now):
        both_looking.wait(timeout=10)
        yield Due("test.reminder", "event-6", NOW, record_effect, ["r-6"])

    enqueued = []

    def run_schedule():
        try:
            enqueued.append(schedule.enqueue_due(NOW))
        finally:
            connection.close()

    threads = [threading.Thread(target=run_schedule) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)

    assert sorted(enqueued) == [0, 1]
    assert DBTaskResult.objects.count() == 1


def test_same_object_due_again_later_is_enqueued_again():
    schedule = Schedule()
    due_times = [NOW - 2 * MINUTE]

    @schedule.due_work
    def reminders(now):
        for due_at in due_times:
            yield Due("test.reminder", "event-4", due_at, record_effect, ["r-4"])

    schedule.enqueue_due(NOW)
    due_times.append(NOW - MINUTE)

    assert schedule.enqueue_due(NOW) == 1
    assert DBTaskResult.objects.count() == 2


def test_periodic_task_is_enqueued_once_per_period():
    schedule = Schedule()
    schedule.scheduled(every=datetime.timedelta(minutes=5))(tick)

    assert schedule.enqueue_due(NOW) == 1
    assert schedule.enqueue_due(NOW + MINUTE) == 0
    assert schedule.enqueue_due(NOW + 2 * MINUTE) == 1

    assert list(
        ScheduledRun.objects.order_by("due_at").values_list("due_at", flat=True)
    ) == [
        datetime.datetime(2026, 3, 2, 12, 0, tzinfo=datetime.UTC),
        datetime.datetime(2026, 3, 2, 12, 5, tzinfo=datetime.UTC),
    ]


def test_failing_source_does_not_hold_up_the_others(caplog):
    schedule = Schedule()

    @schedule.due_work
    def broken(now):
        raise LookupError("bug in another app")

    @schedule.due_work
    def reminders(now):
        yield Due("test.reminder", "event-5", NOW, record_effect, ["r-5"])

    assert schedule.enqueue_due(NOW) == 1
    assert "bug in another app" in caplog.text


def test_scheduled_must_decorate_a_task():
    schedule = Schedule()

    with pytest.raises(TypeError, match="above @task"):

        @schedule.scheduled(every=datetime.timedelta(minutes=5))
        def plain():
            pass
