"""``firmdesk worker`` as a real process, killed at the worst moments."""

import os
import signal
import subprocess
import sys
import time
from pathlib import Path
from urllib.parse import quote

import pytest
from django.core.management import call_command
from django.db import connection
from django_tasks import TaskResultStatus
from django_tasks_db.models import DBTaskResult

from firmdesk.jobs.models import JobAttempt, JobEffect, WorkerHeartbeat
from firmdesk.jobs.tasks import record_effect

PROJECT_DIR = Path(__file__).resolve().parents[2]
# Long enough to be caught mid-run by a poll every 50 ms, short enough to keep
# the whole file within a few dozen seconds.
JOB_SECONDS = 3
TIMEOUT = 60


def worker_database_url():
    """The URL of the database this test uses, for settings.py in the worker."""
    db = connection.settings_dict
    if connection.vendor == "sqlite":
        return f"sqlite:///{Path(db['NAME']).resolve()}"
    auth = quote(db["USER"] or "", safe="")
    if db["PASSWORD"]:
        auth += ":" + quote(db["PASSWORD"], safe="")
    host = quote(db["HOST"] or "localhost", safe="")
    port = f":{db['PORT']}" if db["PORT"] else ""
    return f"postgres://{auth}@{host}{port}/{quote(db['NAME'], safe='')}"


class Workers:
    """Starts ``firmdesk worker`` processes and makes sure none outlives the test."""

    def __init__(self, log_dir):
        self.log_dir = log_dir
        self.started = []

    def start(self, name, *args):
        env = {
            **os.environ,
            "FIRMDESK_TESTING": "1",
            "DATABASE_URL": worker_database_url(),
            "WORKER_POLL_SECONDS": "0.2",
            "WORKER_HEARTBEAT_SECONDS": "0.5",
            "WORKER_STALE_AFTER_SECONDS": "2",
            "PYTHONUNBUFFERED": "1",
        }
        log = open(self.log_dir / f"{name}.log", "wb")  # noqa: SIM115
        # --no-schedule: the apps' scheduled jobs would otherwise be claimed
        # in between the job each test follows.
        process = subprocess.Popen(
            [sys.executable, "-m", "firmdesk.cli", "worker", "--no-schedule", *args],
            cwd=PROJECT_DIR,
            env=env,
            stdout=log,
            stderr=subprocess.STDOUT,
        )
        self.started.append((name, process, log))
        return process

    def stop_all(self):
        for name, process, log in self.started:
            if process.poll() is None:
                process.kill()
                process.wait()
            log.close()
            # Shown by pytest when the test fails.
            print(f"--- worker {name} (exit {process.returncode}) ---")
            print((self.log_dir / f"{name}.log").read_text())


@pytest.fixture
def workers(tmp_path):
    started = Workers(tmp_path)
    yield started
    started.stop_all()


def wait_for(condition, what):
    deadline = time.monotonic() + TIMEOUT
    while not condition():
        if time.monotonic() > deadline:
            pytest.fail(f"Timed out after {TIMEOUT} s waiting for {what}")
        time.sleep(0.05)


def job_status(result):
    return DBTaskResult.objects.get(pk=result.id).status


def is_running(result):
    return lambda: job_status(result) == TaskResultStatus.RUNNING


def attempt_outcomes(result):
    return list(
        JobAttempt.objects.filter(job_id=result.id).values_list("outcome", flat=True)
    )


@pytest.mark.slow
@pytest.mark.django_db(transaction=True)
def test_job_whose_worker_is_killed_mid_run_is_run_again_with_one_effect(workers):
    result = record_effect.enqueue("killed-before-effect", sleep_seconds=JOB_SECONDS)
    first = workers.start("first")
    wait_for(is_running(result), "the first worker to start the job")

    first.kill()
    first.wait()

    assert job_status(result) == TaskResultStatus.RUNNING
    assert not JobEffect.objects.filter(key="killed-before-effect").exists()

    second = workers.start("second", "--max-jobs", "1")
    assert second.wait(timeout=TIMEOUT) == 0

    assert job_status(result) == TaskResultStatus.SUCCESSFUL
    assert JobEffect.objects.filter(key="killed-before-effect").count() == 1
    assert attempt_outcomes(result) == ["abandoned", "succeeded"]


@pytest.mark.slow
@pytest.mark.django_db(transaction=True)
def test_job_killed_after_its_effect_committed_does_not_repeat_the_effect(workers):
    result = record_effect.enqueue("killed-after-effect", hold_seconds=JOB_SECONDS)
    first = workers.start("first")
    wait_for(
        JobEffect.objects.filter(key="killed-after-effect").exists,
        "the first worker to record the effect",
    )

    first.kill()
    first.wait()

    assert job_status(result) == TaskResultStatus.RUNNING

    second = workers.start("second", "--max-jobs", "1")
    assert second.wait(timeout=TIMEOUT) == 0

    job = DBTaskResult.objects.get(pk=result.id)
    assert job.status == TaskResultStatus.SUCCESSFUL
    assert job.return_value is False, "the re-run found the effect already recorded"
    effect = JobEffect.objects.get(key="killed-after-effect")
    assert str(effect.job_id) == result.id
    assert attempt_outcomes(result) == ["abandoned", "succeeded"]


@pytest.mark.slow
@pytest.mark.django_db(transaction=True)
def test_sigterm_lets_the_job_in_hand_finish_then_stops(workers):
    result = record_effect.enqueue("graceful", sleep_seconds=JOB_SECONDS)
    worker = workers.start("worker")
    wait_for(is_running(result), "the worker to start the job")

    worker.send_signal(signal.SIGTERM)

    assert worker.wait(timeout=TIMEOUT) == 0
    assert job_status(result) == TaskResultStatus.SUCCESSFUL
    assert JobEffect.objects.filter(key="graceful").count() == 1
    assert not WorkerHeartbeat.objects.exists()


@pytest.mark.django_db(transaction=True)
def test_once_runs_every_ready_job_then_exits():
    results = [record_effect.enqueue(f"once-{n}") for n in range(3)]

    call_command("worker", "--once", verbosity=0)

    assert [job_status(r) for r in results] == [TaskResultStatus.SUCCESSFUL] * 3
    assert not WorkerHeartbeat.objects.exists()
