"""Two transactions counting the same day of the roll-up at the same moment
lose nothing: the second waits for the first's row lock and then counts
what the first committed (PostgreSQL; SQLite runs one writer at a time)."""

import threading
import time

import pytest
from django.db import connection, connections, transaction
from django.utils import timezone

from firmdesk.access.scope import resolve_scope
from firmdesk.insights import rollup
from firmdesk.insights.models import WorkDay
from firmdesk.work import services as work
from firmdesk.work.models import Task
from tests import factories as f

pytestmark = pytest.mark.django_db(transaction=True)


def _needs_postgres():
    if connection.vendor != "postgresql":
        pytest.skip("SQLite runs one writer at a time; the race needs PostgreSQL")


def _run_together(jobs):
    start = threading.Barrier(len(jobs))
    errors = []

    def run(job):
        try:
            start.wait()
            job()
        except Exception as error:  # noqa: BLE001 - reported below
            errors.append(error)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=run, args=(job,)) for job in jobs]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []


def test_a_refresh_waiting_for_the_lock_counts_what_the_first_committed(
    firm, engagement
):
    _needs_postgres()
    now = timezone.now()
    key = (engagement.pk, rollup.Clock(firm).day(now))
    first, second = (
        f.task(firm, engagement=engagement, title=title) for title in ("One", "Two")
    )

    def finish(task, hold):
        def job():
            with transaction.atomic():
                # Written without signals, so the refresh below is the only one.
                Task.objects.for_firm(firm).filter(pk=task.pk).update(
                    status=Task.Status.APPROVED, approved_at=now
                )
                if not hold:
                    time.sleep(0.2)  # let the other take the cell's lock first
                rollup.refresh(firm, [key], parts={"finished"})
                if hold:
                    time.sleep(0.5)  # keep the lock while the other waits

        return job

    _run_together([finish(first, hold=True), finish(second, hold=False)])

    assert WorkDay.objects.for_firm(firm).get(engagement=engagement).finished == 2


def test_approvals_at_the_same_moment_are_all_counted(
    firm, engagement, attorney, assistant
):
    _needs_postgres()
    tasks = [
        f.task(
            firm,
            engagement=engagement,
            assignee=assistant,
            status=Task.Status.SUBMITTED,
            title=f"Letter {n}",
        )
        for n in range(4)
    ]

    def approve(task):
        def job():
            work.task_review(
                scope=resolve_scope(attorney, firm),
                task=task,
                revision=task.revision,
                approve=True,
            )

        return job

    _run_together([approve(task) for task in tasks])

    day = WorkDay.objects.for_firm(firm).get(engagement=engagement)
    assert (day.finished, day.reviewed, len(day.approval_minutes)) == (4, 4, 4)
    assert rollup.stored(firm)[0] == rollup.compute(firm)
