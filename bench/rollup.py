"""The insights roll-up's costs (issue 18, item 7): rebuilding a firm, and what
keeping it current adds to listing and saving tasks.

A firm of 250 matters × 20 tasks (5,000 tasks, a review for most, time
entries, leads, breaches) is written in bulk, then:

- ``rollup.rebuild`` of that firm (target: well under a second);
- listing 1,000 of its tasks, as FirmDesk keeps the roll-up (no receiver runs
  when a row is loaded), beside the alternative of remembering each row as it
  was loaded (a ``post_init`` snapshot);
- saving 1,000 approved tasks, their due time or their approval time a
  minute later, with the roll-up's receivers and without them.

    .venv/bin/python bench/rollup.py
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/firmdesk_bench \\
        .venv/bin/python bench/rollup.py

Each run adds a firm named "Roll-up bench <time>" to the database
DATABASE_URL names (the SQLite file under var/ when unset): point it at a
scratch database.
"""

import argparse
import datetime
import os
import shlex
import statistics
import sys
import time
from decimal import Decimal
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "src"))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "firmdesk.settings")

import django  # noqa: E402

django.setup()

from django.core.management import call_command  # noqa: E402
from django.db import connection, reset_queries, transaction  # noqa: E402
from django.db.models.signals import post_init, post_save, pre_save  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402
from rich.console import Console  # noqa: E402
from rich.table import Table  # noqa: E402

from firmdesk.billing.models import TimeEntry  # noqa: E402
from firmdesk.engagements.models import Engagement  # noqa: E402
from firmdesk.insights import rollup, signals  # noqa: E402
from firmdesk.intake.models import Lead  # noqa: E402
from firmdesk.matters.models import Matter  # noqa: E402
from firmdesk.orgs.models import Membership, Organization, User  # noqa: E402
from firmdesk.work.models import Review, SlaBreach, Task  # noqa: E402

TASKS_PER_MATTER = 20


def make_firm(matters: int) -> Organization:
    stamp = time.strftime("%Y%m%d%H%M%S")
    firm = Organization.objects.create(
        kind="firm",
        name=f"Roll-up bench {stamp}",
        slug=f"rollup-bench-{stamp}",
        time_zone="America/Chicago",
        jurisdiction="US-IL",
    )
    provider = Organization.objects.create(
        kind="provider", name=f"Bench provider {stamp}", slug=f"rb-prov-{stamp}"
    )
    attorney = User.objects.create_user(f"attorney-{stamp}@bench.test", "x" * 12)
    Membership.objects.create(user=attorney, organization=firm, roles=["attorney"])
    staff = User.objects.create_user(f"staff-{stamp}@bench.test", "x" * 12)
    Membership.objects.create(user=staff, organization=provider, roles=["assistant"])
    team = Engagement.objects.create(
        firm=firm,
        provider=provider,
        name="Bench team",
        status="active",
        functions=["scheduling"],
        start_date=datetime.date(2025, 1, 1),
    )
    made = Matter.objects.bulk_create(
        [
            Matter(firm=firm, number=f"B-{n:04d}", title=f"Matter {n}")
            for n in range(matters)
        ]
    )
    start = datetime.datetime(2026, 1, 5, 9, tzinfo=datetime.UTC)
    tasks = []
    for i in range(matters * TASKS_PER_MATTER):
        given = start + datetime.timedelta(hours=7 * i % (24 * 60))
        tasks.append(
            Task(
                firm=firm,
                matter=made[i % matters],
                engagement=team if i % 4 else None,
                function="scheduling",
                title=f"Task {i}",
                status=("approved", "done", "in_progress", "cancelled")[i % 4],
                routed_at=given,
                first_response_at=given + datetime.timedelta(minutes=35 + i % 300),
                submitted_at=given + datetime.timedelta(hours=6),
                due_at=given + datetime.timedelta(hours=4 + i % 9),
                approved_at=given + datetime.timedelta(hours=20)
                if i % 4 == 0
                else None,
                completed_at=given + datetime.timedelta(hours=30)
                if i % 4 == 1
                else None,
            )
        )
    tasks = Task.objects.bulk_create(tasks, batch_size=1000)
    Review.objects.bulk_create(
        [
            Review(
                firm=firm,
                task=t,
                decision="returned" if n % 3 == 0 else "approved",
                reason="typo" if n % 3 == 0 else "",
            )
            for n, t in enumerate(tasks)
            if n % 4 == 0
        ],
        batch_size=1000,
    )
    TimeEntry.objects.bulk_create(
        [
            TimeEntry(
                firm=firm,
                timekeeper=staff if n % 2 else attorney,
                engagement=team if n % 2 else None,
                outside_staff=bool(n % 2),
                matter=made[n % matters],
                date=datetime.date(2026, 1, 5) + datetime.timedelta(days=n % 180),
                minutes=30 + n % 90 if n % 3 else None,
                hours=Decimal("0.50"),
            )
            for n in range(matters * 12)
        ],
        batch_size=1000,
    )
    SlaBreach.objects.bulk_create(
        [
            SlaBreach(
                firm=firm,
                task=t,
                engagement=t.engagement,
                function="scheduling",
                due_at=t.due_at,
            )
            for t in tasks[::10]
        ]
    )
    Lead.objects.bulk_create(
        [
            Lead(
                firm=firm,
                source="phone",
                name=f"Lead {n}",
                engagement=team,
                received_at=start + datetime.timedelta(hours=5 * n),
                first_response_at=start
                + datetime.timedelta(hours=5 * n, minutes=n % 50),
            )
            for n in range(matters)
        ]
    )
    return firm


def timed(run, times=3) -> float:
    took = []
    for _ in range(times):
        began = time.perf_counter()
        run()
        took.append(time.perf_counter() - began)
    return statistics.median(took)


def snapshot(sender, instance, **kw):
    """The alternative not taken: remember every loaded row's counted fields."""
    instance.__dict__["_rollup_loaded"] = {
        name: instance.__dict__.get(name) for name in rollup.TASK_FIELDS
    }


def listing(firm) -> float:
    return timed(lambda: list(Task.objects.for_firm(firm).order_by("pk")[:1000]), 15)


def saving(firm, field: str) -> tuple[float, float]:
    """Seconds and queries per save of 1,000 approved tasks, ``field`` moved
    on by a minute."""
    done = list(
        Task.objects.for_firm(firm).filter(status="approved").order_by("pk")[:1000]
    )
    reset_queries()  # the log keeps 9,000 queries at most
    with CaptureQueriesContext(connection) as queries, transaction.atomic():
        began = time.perf_counter()
        for task in done:
            setattr(task, field, getattr(task, field) + datetime.timedelta(minutes=1))
            task.save(update_fields=[field])
        took = time.perf_counter() - began
        transaction.set_rollback(True)
    return took / len(done), len(queries.captured_queries) / len(done)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--matters", type=int, default=250)
    args = parser.parse_args()
    console = Console(stderr=True)
    call_command("migrate", verbosity=0, interactive=False)
    console.print(
        f"Writing a firm of {args.matters} matters × {TASKS_PER_MATTER} tasks…"
    )
    firm = make_firm(args.matters)
    rollup.rebuild(firm)  # once, to load the holiday tables
    rebuild = timed(lambda: rollup.rebuild(firm))

    plain = listing(firm)
    post_init.connect(snapshot, sender=Task, dispatch_uid="bench.snapshot")
    with_snapshot = listing(firm)
    post_init.disconnect(sender=Task, dispatch_uid="bench.snapshot")

    kept = {field: saving(firm, field) for field in ("due_at", "approved_at")}
    pre_save.disconnect(sender=Task, dispatch_uid=f"insights.rollup.{Task._meta.label}")
    post_save.disconnect(
        sender=Task, dispatch_uid=f"insights.rollup.{Task._meta.label}"
    )
    bare, bare_queries = saving(firm, "approved_at")
    signals.connect()

    table = Table(
        title=f"Insights roll-up on {connection.vendor}", title_justify="left"
    )
    table.add_column("Figure")
    table.add_column("Time", justify="right")
    table.add_column("Note")
    table.add_row(
        f"rebuild one firm ({args.matters * TASKS_PER_MATTER:,} tasks)",
        f"{rebuild:.3f} s",
        "median of 3; target well under 1 s",
    )
    table.add_row("list 1,000 tasks, as kept", f"{plain * 1000:.1f} ms", "no receiver")
    table.add_row(
        "list 1,000 tasks, with a post_init snapshot",
        f"{with_snapshot * 1000:.1f} ms",
        f"{(with_snapshot - plain) * 1000:+.1f} ms (median of 15): not taken",
    )
    for field, what in (
        ("due_at", "its due time (counts the same: nothing recounted)"),
        ("approved_at", "its approval time (its day is counted again)"),
    ):
        took, queries = kept[field]
        table.add_row(
            f"save an approved task, {field} a minute later",
            f"{took * 1000:.2f} ms",
            f"{queries:.1f} queries a save; {what}",
        )
    table.add_row(
        "save an approved task, roll-up receivers off",
        f"{bare * 1000:.2f} ms",
        f"{bare_queries:.1f} queries a save",
    )
    Console(width=160).print(table)
    env = " ".join(
        f"{var}={shlex.quote(os.environ[var])}"
        for var in ("DATABASE_URL", "FIRMDESK_VAR")
        if os.environ.get(var)
    )
    parts = (env, ".venv/bin/python bench/rollup.py", shlex.join(sys.argv[1:]))
    print("Command: " + " ".join(part for part in parts if part))


if __name__ == "__main__":
    main()
