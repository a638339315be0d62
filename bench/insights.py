"""The insights dashboard (issue 18, "Done means") beside DuckDB computing the
same figures from the same rows.

FirmDesk's side: the dashboard page of one firm (12 months of figures, the
charts and the table), requested in-process through Django's test client with
the whole middleware stack, as its firm admin; then one engagement's page.
p50 and p95 over ``--requests`` requests each, after two warm-up requests.

DuckDB's side: the firm's raw rows (tasks, reviews, time entries, leads,
feedback answers, service-level breaches, provider bills, the time audit)
exported once to Parquet (not timed), then the dashboard's 12 months of
figures computed from those files by DuckDB with SQL: on-time and rework
rates, outside hours, cost from bills, intake response median and 90th
percentile, feedback average, breaches and the attorneys' billable hours for
hours recovered. p50 and p95 over the same number of runs. Target: the
dashboard no slower than DuckDB. The figures of both sides are compared month
by month, and a difference is printed and fails the run.

Run it on a seeded database (``firmdesk seed --scale large``; or a part of
it, ``--firms N``: the dashboard reads one firm's rows through indexes that
start with the firm, so its time depends on that firm's size, which is the
same at every ``--firms``):

    .venv/bin/firmdesk seed --scale large [--firms 20]
    .venv/bin/python bench/insights.py [--requests 50]
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/firmdesk_bench \\
        .venv/bin/python bench/insights.py
"""

import argparse
import datetime
import os
import shlex
import sys
import tempfile
import time
from decimal import Decimal
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "src"))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "firmdesk.settings")

import django  # noqa: E402

django.setup()

import duckdb  # noqa: E402
from django.conf import settings  # noqa: E402
from django.db import connection  # noqa: E402
from django.db.models import Count  # noqa: E402
from django.test import Client  # noqa: E402
from django.urls import reverse  # noqa: E402
from django.utils import timezone  # noqa: E402
from rich.console import Console  # noqa: E402
from rich.table import Table  # noqa: E402

from firmdesk.billing.models import ProviderBill, TimeEntry  # noqa: E402
from firmdesk.engagements.models import Engagement  # noqa: E402
from firmdesk.insights import figures as insights_figures  # noqa: E402
from firmdesk.insights.models import TimeAudit, TimeAuditEntry  # noqa: E402
from firmdesk.intake.models import FeedbackRequest, Lead  # noqa: E402
from firmdesk.orgs.models import Membership, Organization, Role  # noqa: E402
from firmdesk.work.models import Review, SlaBreach, Task  # noqa: E402

MONTHS = 12


def percentile(values, fraction):
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(fraction * (len(ordered) - 1))))]


def pick_firm():
    """The seeded firm with the most tasks (all firms of a scale are alike)."""
    firm_id = (
        Task.unscoped.values("firm_id")
        .annotate(n=Count("pk"))
        .order_by("-n")
        .values_list("firm_id", flat=True)
        .first()
    )
    if firm_id is None:
        sys.exit("No tasks here: run `firmdesk seed --scale large` first.")
    return Organization.objects.get(pk=firm_id)


def months_range(today):
    last = today.replace(day=1)
    first = last
    for _ in range(MONTHS - 1):
        first = (first - datetime.timedelta(days=1)).replace(day=1)
    return first, insights_figures.month_bounds(last)[1]


# --- FirmDesk: the dashboard page ----------------------------------------------


def time_page(client, url, requests):
    for _ in range(2):
        assert client.get(url).status_code == 200, url
    times = []
    for _ in range(requests):
        started = time.perf_counter()
        response = client.get(url)
        times.append(time.perf_counter() - started)
        assert response.status_code == 200
    return times


# --- DuckDB: the same figures from Parquet -------------------------------------


def export(firm, start, end, folder: Path) -> dict:
    """The firm's raw rows of the period to Parquet, through DuckDB from
    Python lists. Times as UTC; DuckDB turns them into the firm's days."""
    con = duckdb.connect()
    utc_start = datetime.datetime.combine(
        start - datetime.timedelta(days=1), datetime.time.min, tzinfo=datetime.UTC
    )
    utc_end = datetime.datetime.combine(
        end + datetime.timedelta(days=2), datetime.time.min, tzinfo=datetime.UTC
    )

    def write(name, columns, rows):
        path = folder / f"{name}.parquet"
        rows = list(rows)
        con.execute(
            f"CREATE OR REPLACE TABLE {name} ("
            + ", ".join(f"{c} {t}" for c, t in columns)
            + ")"
        )
        if rows:
            con.executemany(
                f"INSERT INTO {name} VALUES ({', '.join('?' for _ in columns)})",
                rows,
            )
        con.execute(f"COPY {name} TO '{path}' (FORMAT parquet)")
        return len(rows)

    def naive(value):
        return (
            None
            if value is None
            else value.astimezone(datetime.UTC).replace(tzinfo=None)
        )

    sizes = {}
    tasks = Task.objects.for_firm(firm).filter(status__in=["approved", "done"])
    sizes["tasks"] = write(
        "tasks",
        [
            ("engagement_id", "BIGINT"),
            ("finished_at", "TIMESTAMP"),
            ("delivered_at", "TIMESTAMP"),
            ("due_at", "TIMESTAMP"),
        ],
        (
            (e, naive(a or c), naive(s or c), naive(d))
            for e, a, c, s, d in tasks.filter(engagement__isnull=False).values_list(
                "engagement_id", "approved_at", "completed_at", "submitted_at", "due_at"
            )
            if utc_start <= (a or c) < utc_end
        ),
    )
    sizes["reviews"] = write(
        "reviews",
        [
            ("engagement_id", "BIGINT"),
            ("decided_at", "TIMESTAMP"),
            ("decision", "VARCHAR"),
        ],
        (
            (e, naive(at), d)
            for e, at, d in Review.objects.for_firm(firm)
            .filter(
                created_at__range=(utc_start, utc_end), task__engagement__isnull=False
            )
            .values_list("task__engagement_id", "created_at", "decision")
        ),
    )
    entries = TimeEntry.objects.for_firm(firm).filter(date__range=(start, end))
    sizes["time_entries"] = write(
        "time_entries",
        [
            ("engagement_id", "BIGINT"),
            ("person", "BIGINT"),
            ("outside_staff", "BOOLEAN"),
            ("billable", "BOOLEAN"),
            ("written_off", "BOOLEAN"),
            ("day", "DATE"),
            ("minutes", "INTEGER"),
            ("hours", "DECIMAL(7,2)"),
        ],
        entries.values_list(
            "engagement_id",
            "timekeeper_id",
            "outside_staff",
            "billable",
            "written_off",
            "date",
            "minutes",
            "hours",
        ),
    )
    sizes["leads"] = write(
        "leads",
        [("received_at", "TIMESTAMP"), ("first_response_at", "TIMESTAMP")],
        (
            (naive(r), naive(f))
            for r, f in Lead.objects.for_firm(firm)
            .filter(first_response_at__range=(utc_start, utc_end))
            .values_list("received_at", "first_response_at")
        ),
    )
    sizes["feedback"] = write(
        "feedback",
        [("answered_at", "TIMESTAMP"), ("rating", "INTEGER")],
        (
            (naive(a), r)
            for a, r in FeedbackRequest.objects.for_firm(firm)
            .filter(answered_at__range=(utc_start, utc_end), rating__isnull=False)
            .values_list("answered_at", "rating")
        ),
    )
    sizes["breaches"] = write(
        "breaches",
        [("engagement_id", "BIGINT"), ("due_at", "TIMESTAMP")],
        (
            (e, naive(d))
            for e, d in SlaBreach.objects.for_firm(firm)
            .filter(due_at__range=(utc_start, utc_end), engagement__isnull=False)
            .values_list("engagement_id", "due_at")
        ),
    )
    sizes["bills"] = write(
        "bills",
        [
            ("engagement_id", "BIGINT"),
            ("period_end", "DATE"),
            ("total", "DECIMAL(14,2)"),
        ],
        ProviderBill.objects.for_firm(firm)
        .filter(period_end__range=(start, end))
        .values_list("engagement_id", "period_end", "reconciled_total"),
    )
    audit = (
        TimeAudit.objects.for_firm(firm)
        .filter(closed_at__isnull=False)
        .order_by("-closed_at")
        .first()
    )
    attorneys = insights_figures.firm_attorneys(firm)
    sizes["audit"] = write(
        "audit",
        [
            ("person", "BIGINT"),
            ("day", "DATE"),
            ("category", "VARCHAR"),
            ("hours", "DECIMAL(6,2)"),
        ],
        TimeAuditEntry.objects.for_firm(firm)
        .filter(audit=audit, person_id__in=attorneys)
        .values_list("person_id", "date", "category", "hours")
        if audit
        else [],
    )
    con.close()
    return sizes


DUCK_SQL = """
WITH
t AS (
  SELECT lm(finished_at) AS month,
         count(*) AS finished,
         count(due_at) AS with_due,
         count(*) FILTER (WHERE delivered_at <= due_at) AS on_time
  FROM read_parquet('{d}/tasks.parquet') GROUP BY 1),
r AS (
  SELECT lm(decided_at) AS month,
         count(*) AS reviewed,
         count(*) FILTER (WHERE decision = 'returned') AS returned
  FROM read_parquet('{d}/reviews.parquet') GROUP BY 1),
e AS (
  SELECT date_trunc('month', day)::DATE AS month,
         sum(coalesce(minutes, round(hours * 60))) FILTER (
           WHERE outside_staff AND engagement_id IS NOT NULL) AS staff_minutes
  FROM read_parquet('{d}/time_entries.parquet') GROUP BY 1),
l AS (
  SELECT lm(first_response_at) AS month,
         median(wait) AS lead_median, quantile_disc(wait, 0.9) AS lead_p90
  FROM (SELECT *, round(epoch(first_response_at - received_at) / 60) AS wait
        FROM read_parquet('{d}/leads.parquet')) GROUP BY 1),
f AS (
  SELECT lm(answered_at) AS month,
         avg(rating) AS feedback
  FROM read_parquet('{d}/feedback.parquet') GROUP BY 1),
b AS (
  SELECT lm(due_at) AS month,
         count(*) AS breaches
  FROM read_parquet('{d}/breaches.parquet') GROUP BY 1),
c AS (
  SELECT date_trunc('month', period_end)::DATE AS month, sum(total) AS billed
  FROM read_parquet('{d}/bills.parquet') GROUP BY 1),
base AS (
  SELECT person,
         sum(hours) FILTER (WHERE category = 'billable')
           / count(DISTINCT day) AS per_day
  FROM read_parquet('{d}/audit.parquet') GROUP BY person),
h AS (
  SELECT date_trunc('month', te.day)::DATE AS month,
         sum(te.hours) AS attorney_hours
  FROM read_parquet('{d}/time_entries.parquet') te JOIN base ON base.person = te.person
  WHERE te.billable AND NOT te.outside_staff AND NOT te.written_off GROUP BY 1)
SELECT m.month, t.finished, t.with_due, t.on_time, r.reviewed, r.returned,
       e.staff_minutes, l.lead_median, l.lead_p90, f.feedback, b.breaches, c.billed,
       h.attorney_hours, (SELECT sum(per_day) FROM base) AS baseline_per_day
FROM (SELECT unnest(?::DATE[]) AS month) m
LEFT JOIN t USING (month) LEFT JOIN r USING (month) LEFT JOIN e USING (month)
LEFT JOIN l USING (month) LEFT JOIN f USING (month) LEFT JOIN b USING (month)
LEFT JOIN c USING (month) LEFT JOIN h USING (month)
ORDER BY m.month
"""


def duck_figures(folder: Path, zone: str, months: list) -> list[dict]:
    con = duckdb.connect()
    con.execute("SET TimeZone = 'UTC'")  # the exported times are UTC
    quoted = zone.replace("'", "''")
    # The month of a UTC time in the firm's calendar.
    con.execute(
        f"CREATE MACRO lm(ts) AS "
        f"date_trunc('month', timezone('{quoted}', ts::TIMESTAMPTZ))::DATE"
    )
    rows = con.execute(DUCK_SQL.format(d=folder), [months]).fetchall()
    names = [d[0] for d in con.description]
    con.close()
    out = []
    for row in rows:
        one = dict(zip(names, row, strict=True))
        one["on_time_percent"] = (
            round(Decimal(100 * one["on_time"]) / one["with_due"], 1)
            if one["with_due"]
            else None
        )
        one["rework_percent"] = (
            round(Decimal(100 * one["returned"]) / one["reviewed"], 1)
            if one["reviewed"]
            else None
        )
        out.append(one)
    return out


def time_duck(folder, zone, months, runs):
    duck_figures(folder, zone, months)
    times = []
    for _ in range(runs):
        started = time.perf_counter()
        result = duck_figures(folder, zone, months)
        times.append(time.perf_counter() - started)
    return times, result


def compare(ours, duck) -> list[str]:
    """Month by month: the figures both sides compute must agree."""
    problems = []
    for mine, theirs in zip(ours, duck, strict=True):
        label = mine.start.strftime("%Y-%m")
        pairs = [
            ("finished", mine.counts.finished, theirs["finished"] or 0),
            ("with due", mine.counts.finished_with_due, theirs["with_due"] or 0),
            ("on time", mine.counts.finished_on_time, theirs["on_time"] or 0),
            ("reviewed", mine.counts.reviewed, theirs["reviewed"] or 0),
            ("returned", mine.counts.returned, theirs["returned"] or 0),
            (
                "outside minutes",
                mine.counts.staff_minutes,
                int(theirs["staff_minutes"] or 0),
            ),
            ("breaches", mine.counts.breaches, theirs["breaches"] or 0),
            (
                "intake median",
                mine.lead_response_median_minutes,
                None if theirs["lead_median"] is None else float(theirs["lead_median"]),
            ),
            (
                "intake p90",
                mine.lead_response_p90_minutes,
                None if theirs["lead_p90"] is None else float(theirs["lead_p90"]),
            ),
        ]
        for name, a, b in pairs:
            if a != b:
                problems.append(f"{label} {name}: FirmDesk {a}, DuckDB {b}")
    return problems


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--requests", type=int, default=50)
    args = parser.parse_args()
    console = Console(width=200)

    firm = pick_firm()
    today = timezone.localdate(timezone=firm.tz)
    first, last = months_range(today)
    months = []
    month = first
    while month <= last:
        months.append(month)
        month = insights_figures.month_bounds(month)[1] + datetime.timedelta(days=1)
    engagement = (
        Engagement.objects.for_firm(firm)
        .exclude(status=Engagement.Status.PROPOSED)
        .order_by("pk")
        .first()
    )
    admin = next(
        m.user
        for m in Membership.objects.filter(organization=firm, is_active=True)
        .select_related("user")
        .order_by("pk")
        if Role.FIRM_ADMIN in m.roles
    )
    tasks = Task.objects.for_firm(firm).count()
    entries = TimeEntry.objects.for_firm(firm).count()
    console.print(
        f"Firm {firm.name} ({firm.slug}): {tasks:,} tasks, {entries:,} time entries; "
        f"{Task.unscoped.count():,} tasks and {TimeEntry.unscoped.count():,} time "
        f"entries in the database; months {first:%Y-%m} to {last:%Y-%m}."
    )

    settings.ALLOWED_HOSTS = [*settings.ALLOWED_HOSTS, "testserver"]
    client = Client()
    client.force_login(admin)
    firm_url = reverse("insights:dashboard", kwargs={"firm_slug": firm.slug})
    firm_times = time_page(client, firm_url, args.requests)
    engagement_times = []
    if engagement is not None:
        engagement_url = reverse(
            "insights:engagement_dashboard",
            kwargs={"firm_slug": firm.slug, "engagement_id": engagement.public_id},
        )
        engagement_times = time_page(client, engagement_url, args.requests)

    ours = insights_figures.months_figures(firm, first, last, today=today)
    with tempfile.TemporaryDirectory() as folder:
        started = time.perf_counter()
        sizes = export(firm, first, last, Path(folder))
        export_seconds = time.perf_counter() - started
        duck_times, duck = time_duck(
            Path(folder), firm.time_zone, months, args.requests
        )
    problems = compare(ours, duck)

    table = Table(
        title=f"Insights dashboard on {connection.vendor}, {MONTHS} months of one firm",
        title_justify="left",
    )
    for column in (
        "Figure",
        "p50",
        "p95",
        "DuckDB p50",
        "DuckDB p95",
        "DuckDB p50 ÷ ours",
    ):
        table.add_column(column, justify="right" if column != "Figure" else "left")
    duck_p50, duck_p95 = percentile(duck_times, 0.5), percentile(duck_times, 0.95)
    for name, times in (
        ("Firm dashboard page", firm_times),
        ("Engagement dashboard page", engagement_times),
    ):
        if not times:
            continue
        p50, p95 = percentile(times, 0.5), percentile(times, 0.95)
        table.add_row(
            name,
            f"{p50 * 1000:.0f} ms",
            f"{p95 * 1000:.0f} ms",
            f"{duck_p50 * 1000:.0f} ms",
            f"{duck_p95 * 1000:.0f} ms",
            f"{duck_p50 / p50:.2f}×",
        )
    console.print(table)
    console.print(
        f"DuckDB read {sum(sizes.values()):,} exported rows "
        f"({', '.join(f'{k} {v:,}' for k, v in sizes.items())}); the export took "
        f"{export_seconds:.1f} s and is not counted."
    )
    if problems:
        console.print("[red]The two sides disagree:[/red]")
        for line in problems:
            console.print(f"  {line}")
    else:
        console.print(
            "The figures agree month by month (tasks finished, with a due time, on "
            "time; reviews, returns; outside minutes; breaches; intake median and p90)."
        )
    p50 = percentile(firm_times, 0.5)
    console.print(
        f"Firm dashboard p50 {p50 * 1000:.0f} ms beside DuckDB "
        f"{duck_p50 * 1000:.0f} ms: "
        f"ratio {duck_p50 / p50:.2f} (target ≥ 1: no slower than DuckDB)."
    )
    env = " ".join(
        f"{var}={shlex.quote(os.environ[var])}"
        for var in ("DATABASE_URL", "FIRMDESK_VAR")
        if os.environ.get(var)
    )
    command = " ".join(
        part
        for part in (env, ".venv/bin/python bench/insights.py", " ".join(sys.argv[1:]))
        if part
    )
    print(f"Command: {command}")
    sys.exit(1 if problems else 0)


if __name__ == "__main__":
    main()
