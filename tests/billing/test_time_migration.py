"""Migration 0002 turns minutes logged on tasks before billing into time
entries, once, and going back removes exactly those."""

import datetime
from decimal import Decimal

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

# The engagements of billing 0001's day, too: later engagement columns have
# no database default, and the historical model would not fill them.
BEFORE = [
    ("billing", "0001_initial"),
    ("engagements", "0003_grant_index_by_engagement"),
]
AFTER = [
    ("billing", "0002_time_logged_on_tasks"),
    ("engagements", "0003_grant_index_by_engagement"),
]


def migrate(targets):
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(targets)
    return executor.loader.project_state(targets).apps


@pytest.fixture(autouse=True)
def _latest_schema_afterwards():
    """Put the whole schema back to the latest for the tests that follow."""
    yield
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(executor.loader.graph.leaf_nodes())


@pytest.mark.django_db(transaction=True)
def test_minutes_logged_on_tasks_become_entries_and_go_back():
    apps = migrate(BEFORE)
    Organization = apps.get_model("orgs", "Organization")
    User = apps.get_model("orgs", "User")
    Engagement = apps.get_model("engagements", "Engagement")
    Task = apps.get_model("work", "Task")
    TimeEntry = apps.get_model("billing", "TimeEntry")
    firm = Organization._default_manager.create(
        name="Hale & Ortiz LLP", slug="hale-ortiz", time_zone="America/New_York"
    )
    provider = Organization._default_manager.create(
        name="Northstar", slug="northstar", kind="provider"
    )
    engagement = Engagement._default_manager.create(
        firm=firm,
        provider=provider,
        name="Northstar for Hale",
        functions=["scheduling"],
        start_date=datetime.date(2020, 1, 1),
    )
    owen = User._default_manager.create(email="owen@hale.test", full_name="Owen")
    nora = User._default_manager.create(email="nora@north.test", full_name="Nora")

    def task(title, minutes, **people):
        return Task._default_manager.create(
            firm=firm,
            function="scheduling",
            title=title,
            minutes_logged=minutes,
            **people,
        )

    outside = task("Calendar the hearing", 25, assignee=nora, engagement=engagement)
    inhouse = task("Draft the letter", 60, requester=owen)
    task("Nobody's", 30)
    task("No time", 0, assignee=nora)
    done = task("Already has an entry", 15, assignee=owen)
    TimeEntry._default_manager.create(
        firm=firm,
        timekeeper=owen,
        task=done,
        date=datetime.date(2026, 11, 2),
        minutes=15,
        hours=Decimal("0.3"),
    )
    # 02:30 UTC on 17 November is still the 16th in New York.
    Task._default_manager.filter(pk=outside.pk).update(
        updated_at=datetime.datetime(2026, 11, 17, 2, 30, tzinfo=datetime.UTC)
    )

    apps = migrate(AFTER)
    TimeEntry = apps.get_model("billing", "TimeEntry")
    made = TimeEntry._default_manager.exclude(task=done.pk)
    assert made.count() == 2
    nora_entry = made.get(task=outside.pk)
    assert (nora_entry.timekeeper_id, nora_entry.engagement_id) == (
        nora.pk,
        engagement.pk,
    )
    assert (nora_entry.minutes, nora_entry.hours, nora_entry.date) == (
        25,
        Decimal("0.50"),
        datetime.date(2026, 11, 16),
    )
    assert (nora_entry.outside_staff, nora_entry.billable) == (True, False)
    assert (nora_entry.status, nora_entry.source, nora_entry.rate) == (
        "submitted",
        "task",
        Decimal("0.00"),
    )
    assert nora_entry.narrative == "Time logged on task: Calendar the hearing"
    owen_entry = made.get(task=inhouse.pk)
    assert (owen_entry.timekeeper_id, owen_entry.hours, owen_entry.billable) == (
        owen.pk,
        Decimal("1.00"),
        True,
    )

    apps = migrate(BEFORE)
    TimeEntry = apps.get_model("billing", "TimeEntry")
    assert list(TimeEntry._default_manager.values_list("task", flat=True)) == [done.pk]
