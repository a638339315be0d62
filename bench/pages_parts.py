"""The parts of ``bench/pages.py``: the copy of the seeded database it works on,
the load generator (wrk), the plain SQL of a page replayed on a raw
connection, and where a page's time goes in-process."""

import os
import re
import shutil
import sqlite3
import statistics
import subprocess
import tempfile
import time
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

from django.db import connection, transaction
from django.template import base as django_templates
from django.test import Client
from django.test.utils import CaptureQueriesContext

from bench.queues import percentile

# --- The copy of the seeded database -------------------------------------------


def database_url(name: str) -> str:
    """DATABASE_URL for the database ``name`` on the configured server."""
    if connection.vendor == "sqlite":
        return f"sqlite:///{name}"
    return urlunsplit(urlsplit(os.environ["DATABASE_URL"])._replace(path=f"/{name}"))


def copy_database(copy_name: str | None, *, reuse: bool) -> tuple[str, str]:
    """Copy the configured (seeded) database and switch this process to the
    copy: the pages write audit events and sessions on every read, and the
    seed is shared. SQLite: the online backup API (a consistent copy while
    others read it). PostgreSQL: ``CREATE DATABASE … TEMPLATE``, which needs
    no one else connected to the seed. Returns (seed name, copy name)."""
    seed = connection.settings_dict["NAME"]
    connection.close()
    if connection.vendor == "sqlite":
        copy_name = copy_name or str(Path(seed).with_name("bench-pages.sqlite3"))
        if not (reuse and Path(copy_name).exists()):
            for suffix in ("", "-wal", "-shm"):
                Path(copy_name + suffix).unlink(missing_ok=True)
            source = sqlite3.connect(f"file:{seed}?mode=ro", uri=True)
            target = sqlite3.connect(copy_name)
            with target:
                source.backup(target, pages=65536)
            target.execute("PRAGMA journal_mode=WAL")
            source.close()
            target.close()
    else:
        import psycopg

        copy_name = copy_name or f"{seed}_bench_pages"
        admin = urlunsplit(
            urlsplit(os.environ["DATABASE_URL"])._replace(path="/postgres")
        )
        with psycopg.connect(admin, autocommit=True) as conn:
            exists = conn.execute(
                "SELECT 1 FROM pg_database WHERE datname = %s", [copy_name]
            ).fetchone()
            if not (reuse and exists):
                conn.execute(f'DROP DATABASE IF EXISTS "{copy_name}"')
                try:
                    conn.execute(f'CREATE DATABASE "{copy_name}" TEMPLATE "{seed}"')
                except psycopg.errors.ObjectInUse:
                    raise SystemExit(
                        f"Could not copy {seed}: someone is connected to it. "
                        "Try again when no one is, or give --reuse to time a "
                        "copy made earlier."
                    ) from None
    connection.settings_dict["NAME"] = copy_name
    return seed, copy_name


# --- The load generator ---------------------------------------------------------

WRK_SCRIPT = """
done = function(summary, latency, requests)
  local errors = summary.errors
  io.write(string.format("BENCH %d %d %d %d %d %d\\n",
    summary.requests, summary.duration,
    latency:percentile(50), latency:percentile(95), latency:percentile(99),
    errors.connect + errors.read + errors.write + errors.timeout + errors.status))
end
"""


@dataclass
class Load:
    requests: int
    seconds: float
    p50_ms: float
    p95_ms: float
    p99_ms: float
    errors: int

    @property
    def rate(self) -> float:
        return self.requests / self.seconds


def ensure_wrk() -> str:
    found = shutil.which("wrk")
    if found is None:
        raise SystemExit(
            "wrk is not installed: apt-get install -y wrk (make bench does it)."
        )
    return found


def wrk(url: str, headers: dict, *, clients: int, seconds: int) -> Load:
    """``clients`` connections for ``seconds``, each sending its next request
    as soon as the last has arrived (wrk, up to two threads: two cores); the
    latency of every request, and those that failed or answered 4xx/5xx."""
    with tempfile.NamedTemporaryFile("w", suffix=".lua", delete=False) as script:
        script.write(WRK_SCRIPT)
    command = [
        ensure_wrk(),
        "--threads",
        str(min(clients, 2)),
        "--connections",
        str(clients),
        "--duration",
        f"{seconds}s",
        "--timeout",
        "30s",
        "--script",
        script.name,
    ]
    for name, value in headers.items():
        command += ["--header", f"{name}: {value}"]
    out = subprocess.run(
        [*command, url], capture_output=True, text=True, check=True
    ).stdout
    os.unlink(script.name)
    line = next(x for x in out.splitlines() if x.startswith("BENCH "))
    count, micros, p50, p95, p99, errors = (int(v) for v in line.split()[1:])
    return Load(count, micros / 1e6, p50 / 1000, p95 / 1000, p99 / 1000, errors)


# --- The plain SQL of a page ----------------------------------------------------

# Transaction control: the replay runs the whole set in one transaction of its
# own and rolls it back, so the page's writes (audit events, the session) are
# timed but leave the copy as it was. Savepoints stay.
TRANSACTION = re.compile(r"^\s*(BEGIN|COMMIT|ROLLBACK)\b[A-Z ]*;?\s*$", re.I)


def captured_sql(client: Client, path: str, headers: dict) -> list[str]:
    """The statements one request of the page sends, as the database got them.
    The request runs in a transaction rolled back afterwards, so what it
    writes (the next link of the firm's audit chain) is still free for the
    replay to write again. On PostgreSQL that transaction is at repeatable
    read, as a page's own read of its keys and rows is (common.paginator), so
    the page sends the statements it sends when served."""
    with one_snapshot_transactions(), transaction.atomic():
        with CaptureQueriesContext(connection) as captured:
            response = client.get(path, headers=headers)
        transaction.set_rollback(True)
    if response.status_code != 200:
        raise SystemExit(f"{path} answered {response.status_code}, not 200.")
    return [
        q["sql"] for q in captured.captured_queries if not TRANSACTION.match(q["sql"])
    ]


@contextmanager
def one_snapshot_transactions():
    """PostgreSQL: the connection's transactions at repeatable read while
    inside; SQLite's are one snapshot already."""
    if connection.vendor != "postgresql":
        yield
        return
    from psycopg import IsolationLevel

    connection.ensure_connection()
    raw = connection.connection
    kept = raw.isolation_level
    raw.isolation_level = IsolationLevel.REPEATABLE_READ
    try:
        yield
    finally:
        raw.isolation_level = kept


def raw_connection():
    """A DB-API connection of its own to the copy, outside Django."""
    settings = connection.settings_dict
    if connection.vendor == "sqlite":
        return sqlite3.connect(settings["NAME"], isolation_level=None, timeout=30)
    import psycopg

    return psycopg.connect(database_url(settings["NAME"]))


def replay(raw, statements: list[str], rounds: int) -> list[float]:
    """Seconds for the whole set of ``statements``, every row fetched, each
    round in one transaction rolled back."""
    times = []
    sqlite = isinstance(raw, sqlite3.Connection)
    for _ in range(rounds):
        cursor = raw.cursor()
        started = time.perf_counter()
        if sqlite:
            cursor.execute("BEGIN")
        for sql in statements:
            cursor.execute(sql)
            if cursor.description is not None:
                cursor.fetchall()
        times.append(time.perf_counter() - started)
        if sqlite:
            cursor.execute("ROLLBACK")
        else:
            raw.rollback()
        cursor.close()
    return times


def p50_p95(times: list[float]) -> tuple[float, float]:
    return statistics.median(times) * 1000, percentile(times, 0.95) * 1000


# --- Where a request's time goes ------------------------------------------------


@dataclass
class Shares:
    total_ms: float
    query_ms: float
    template_ms: float

    @property
    def rest_ms(self) -> float:
        return max(0.0, self.total_ms - self.query_ms - self.template_ms)

    def share(self, part: float) -> str:
        return f"{part:.1f} ({part / self.total_ms:.0%})"


class Stopwatch:
    """Sums the time spent in the database (``execute_wrapper``: the statement
    and, on PostgreSQL, its rows; SQLite hands rows over while Django reads
    them, which counts as Python here) and in template rendering (the
    outermost ``Template.render``, includes inside it, less the queries run
    while rendering)."""

    def __init__(self) -> None:
        self.query = self.template = self.query_in_template = 0.0
        self.depth = 0

    def __call__(self, execute, sql, params, many, context):
        started = time.perf_counter()
        try:
            return execute(sql, params, many, context)
        finally:
            spent = time.perf_counter() - started
            self.query += spent
            if self.depth:
                self.query_in_template += spent

    def render(self, original):
        watch = self

        def timed(template, context):
            watch.depth += 1
            started = time.perf_counter()
            try:
                return original(template, context)
            finally:
                watch.depth -= 1
                if not watch.depth:
                    watch.template += time.perf_counter() - started

        return timed


def profile(client: Client, path: str, headers: dict, requests: int) -> Shares:
    """The page ``requests`` times in this process (after the warm-up the
    caller did), its time split into database, template and the rest
    (ORM, Python, middleware); means per request, so the parts add up."""
    totals, queries, templates = [], [], []
    original = django_templates.Template.render
    watch = Stopwatch()
    django_templates.Template.render = watch.render(original)
    try:
        with connection.execute_wrapper(watch):
            for _ in range(requests):
                watch.query = watch.template = watch.query_in_template = 0.0
                started = time.perf_counter()
                client.get(path, headers=headers)
                totals.append(time.perf_counter() - started)
                queries.append(watch.query)
                templates.append(watch.template - watch.query_in_template)
    finally:
        django_templates.Template.render = original
    return Shares(
        statistics.fmean(totals) * 1000,
        statistics.fmean(queries) * 1000,
        statistics.fmean(templates) * 1000,
    )
