"""Recording reads for one firm from 16 threads (issue 22, Build 2a): the old
way, each read chained under a lock on the firm's chain head
(``audit_record``), against the new way, each read one insert that waits for
nobody (``audit_record_read``) while a sealer takes them into the chain every
second, as the worker does every minute.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/fd_audit \\
        .venv/bin/python bench/audit_reads.py [--threads 16] [--seconds 10]

Each run adds a firm named "Audit bench <time>" to the database DATABASE_URL
names; audit events cannot be deleted, so neither can the firm: point
DATABASE_URL at a scratch database. PostgreSQL only: SQLite serialises every
writer whichever way the read is recorded.
"""

import argparse
import os
import shlex
import statistics
import sys
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "src"))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "firmdesk.settings")

import django  # noqa: E402

django.setup()

from django.core.management import call_command  # noqa: E402
from django.db import connection  # noqa: E402
from rich.console import Console  # noqa: E402
from rich.table import Table  # noqa: E402

from firmdesk.audit.services import (  # noqa: E402
    audit_record,
    audit_record_read,
    audit_verify,
    seal_reads,
)
from firmdesk.matters.models import Matter  # noqa: E402
from firmdesk.orgs.models import Membership, Organization, User  # noqa: E402


def make_firm():
    stamp = time.strftime("%Y%m%d%H%M%S")
    firm = Organization.objects.create(
        name=f"Audit bench {stamp}",
        slug=f"audit-bench-{stamp}",
        kind=Organization.Kind.FIRM,
    )
    reader = User.objects.create_user(
        email=f"bench-{stamp}@audit.test", password=None, full_name="Bench"
    )
    Membership.objects.create(user=reader, organization=firm, roles=["attorney"])
    matter = Matter.objects.create(
        firm=firm, number="B-1", title="Bench v. Bench", responsible_attorney=reader
    )
    return firm, reader, matter


def run(record, *, firm, reader, matter, threads: int, seconds: float, seal: bool):
    """Reads per second and per-read latencies (ms) over ``seconds``."""
    stop = threading.Event()
    latencies: list[list[float]] = [[] for _ in range(threads)]

    def reading(mine: list[float]):
        try:
            while not stop.is_set():
                started = time.perf_counter()
                record(
                    org=firm,
                    actor=reader,
                    action="matter.viewed",
                    obj=matter,
                    matter=matter,
                    summary=f"Opened matter {matter.number}",
                )
                mine.append((time.perf_counter() - started) * 1000)
        finally:
            connection.close()

    def sealing():
        try:
            while not stop.wait(1.0):
                seal_reads(org=firm)
        finally:
            connection.close()

    workers = [threading.Thread(target=reading, args=(m,)) for m in latencies]
    if seal:
        workers.append(threading.Thread(target=sealing))
    began = time.perf_counter()
    for worker in workers:
        worker.start()
    time.sleep(seconds)
    stop.set()
    for worker in workers:
        worker.join()
    elapsed = time.perf_counter() - began
    every = sorted(ms for mine in latencies for ms in mine)
    return {
        "rate": len(every) / elapsed,
        "p50": statistics.median(every),
        "p99": every[int(len(every) * 0.99) - 1],
    }


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--threads", type=int, default=16)
    parser.add_argument("--seconds", type=float, default=10.0)
    args = parser.parse_args()
    if connection.vendor != "postgresql":
        sys.exit(
            "Point DATABASE_URL at a PostgreSQL database (see the top of this file)."
        )
    call_command("migrate", verbosity=0)
    firm, reader, matter = make_firm()
    common = {
        "firm": firm,
        "reader": reader,
        "matter": matter,
        "threads": args.threads,
        "seconds": args.seconds,
    }
    before = run(audit_record, seal=False, **common)
    after = run(audit_record_read, seal=True, **common)
    seal_reads(org=firm)
    verified = audit_verify(org=firm)

    console = Console(width=120)
    table = Table(
        title=f"Matter reads recorded for one firm, {args.threads} threads, PostgreSQL",
        title_justify="left",
    )
    table.add_column("Way")
    table.add_column("Reads/s", justify="right")
    table.add_column("p50 ms", justify="right")
    table.add_column("p99 ms", justify="right")
    for label, figure in (
        ("Chained under the head lock (before, baseline)", before),
        ("Unlocked insert + sealer every second (after)", after),
    ):
        table.add_row(
            label,
            f"{figure['rate']:.0f}",
            f"{figure['p50']:.1f}",
            f"{figure['p99']:.1f}",
        )
    console.print(table)
    console.print(
        f"After ÷ before, reads/s: {after['rate'] / before['rate']:.2f}. "
        f"audit verify on the bench firm: "
        f"{'chain intact' if verified.ok else verified.problems[:3]} "
        f"({verified.checked} events). Load average: "
        f"{' '.join(f'{x:.2f}' for x in os.getloadavg())}."
    )
    env = " ".join(
        f"{var}={shlex.quote(os.environ[var])}"
        for var in ("DATABASE_URL",)
        if os.environ.get(var)
    )
    parts = (env, ".venv/bin/python bench/audit_reads.py", shlex.join(sys.argv[1:]))
    print("Command: " + " ".join(part for part in parts if part))


if __name__ == "__main__":
    main()
