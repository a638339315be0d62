"""Tasks finished before tasks recorded when they were finished get the time
from what they do record, so the lists of finished work show them."""

import datetime
import importlib
from types import SimpleNamespace

from django.apps import apps
from django.db import connection
from django.utils import timezone

from tests import factories as f

backfill = importlib.import_module(
    "firmdesk.work.migrations.0003_task_closed_at"
).backfill


def test_backfill_takes_the_finishing_time_each_status_records(firm, matter):
    now = timezone.now()
    hour = datetime.timedelta(hours=1)
    done = f.task(firm, matter=matter, status="done", completed_at=now - 2 * hour)
    done_unreviewed = f.task(firm, matter=matter, status="done", approved_at=now)
    approved = f.task(firm, matter=matter, status="approved", approved_at=now - hour)
    cancelled = f.task(firm, matter=matter, status="cancelled")
    still_open = f.task(firm, matter=matter, status="in_progress")

    backfill(apps, SimpleNamespace(connection=connection))

    for task in (done, done_unreviewed, approved, cancelled, still_open):
        task.refresh_from_db()
    assert done.closed_at == now - 2 * hour
    assert done_unreviewed.closed_at == now
    assert approved.closed_at == now - hour
    assert cancelled.closed_at == cancelled.updated_at
    assert still_open.closed_at is None
