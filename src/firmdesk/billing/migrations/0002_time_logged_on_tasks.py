"""Minutes logged on tasks before billing existed become time entries (issue 17,
1a), so nothing is entered twice and ``Task.minutes_logged`` is from now on the
total of the task's entries.

One submitted entry per task with minutes and no entry yet: the assignee's time
(else the requester's; a task with neither is left alone), dated the day the
task last changed in the firm's zone, hours rounded up to the tenth, at rate 0
(nobody agreed a rate for it then). Outside staff time is marked as such and not
billable. Going back removes exactly the entries made here."""

import zoneinfo
from decimal import Decimal

from django.db import migrations

from firmdesk.billing.money import hours_from_minutes

BATCH = 2000
MARK = "0002_time_logged_on_tasks"
TENTH = Decimal("0.1")


def _zone(name):
    try:
        return zoneinfo.ZoneInfo(name or "UTC")
    except (zoneinfo.ZoneInfoNotFoundError, ValueError):
        return zoneinfo.ZoneInfo("UTC")


def to_entries(apps, schema_editor):
    db = schema_editor.connection.alias
    Task = apps.get_model("work", "Task")
    TimeEntry = apps.get_model("billing", "TimeEntry")
    tasks = (
        Task._default_manager.using(db)
        .filter(minutes_logged__gt=0, time_entries__isnull=True)
        .exclude(assignee__isnull=True, requester__isnull=True)
        .select_related("firm")
        .order_by("pk")
    )
    rows = []
    for task in tasks.iterator(BATCH):
        outside = task.engagement_id is not None
        rows.append(
            TimeEntry(
                firm_id=task.firm_id,
                timekeeper_id=task.assignee_id or task.requester_id,
                matter_id=task.matter_id,
                task_id=task.pk,
                engagement_id=task.engagement_id,
                date=task.updated_at.astimezone(_zone(task.firm.time_zone)).date(),
                minutes=task.minutes_logged,
                hours=hours_from_minutes(task.minutes_logged, TENTH),
                narrative=f"Time logged on task: {task.title}",
                billable=not outside,
                outside_staff=outside,
                status="submitted",
                source="task",
                import_ref=MARK,
            )
        )
        if len(rows) >= BATCH:
            TimeEntry._default_manager.using(db).bulk_create(rows)
            rows = []
    TimeEntry._default_manager.using(db).bulk_create(rows)


def remove_entries(apps, schema_editor):
    TimeEntry = apps.get_model("billing", "TimeEntry")
    TimeEntry._default_manager.using(schema_editor.connection.alias).filter(
        source="task", import_ref=MARK
    ).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("billing", "0001_initial"),
        ("work", "0005_review_reset_items_and_approved_version"),
    ]

    operations = [migrations.RunPython(to_entries, remove_entries)]
