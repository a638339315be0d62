"""The API's list routes in this process: CPU milliseconds a request.

Issue 22 asks the API lists for 1/4 of the trivial view's throughput at 16
clients on two workers. On this 2-core machine app, database and load
generator share the cores, so what a request costs is best read as CPU time
of the serving process (``time.process_time()``): it does not move with the
other work on the machine the way wall time does. For each list (tasks,
matters, events, leads, invoices; the first page of 50, as ``bench/pages.py``
asks for it) and the trivial view (``/bench/trivial/``, signed in by
session), it sends ``--requests`` requests through one handler after a
warm-up and prints CPU ms a request (median), wall p50 / p95, queries and SQL
ms. ``--save FILE`` keeps the figures as JSON; ``--baseline FILE`` prints
each beside a saved run as a ratio (baseline ÷ now: above 1 is faster).
``BENCH_SRC=<dir>/src`` times another checkout's code (``git worktree add
… main``) with this script, so before and after run in the same hour.
``--profile NAME`` adds a profile of that route in CPU time (cProfile);
``--bodies DIR`` writes each list's first two pages there, to ``cmp`` with
another checkout's.

It makes an API token for the first firm's admin and writes sessions, so run
it on a seeded database of your own:

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/fd_api \\
        .venv/bin/python bench/api_lists.py --requests 200 --save var/api-before.json
"""

import argparse
import cProfile
import datetime
import io
import json
import os
import pstats
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
# BENCH_SRC: another checkout's src (the code before a change), timed by
# this same script in the same hour.
BENCH_SRC = os.environ.get("BENCH_SRC", "")
sys.path.insert(0, BENCH_SRC or str(ROOT / "src"))
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "firmdesk.settings")
from django.conf import settings  # noqa: E402
from django.db import connection  # noqa: E402
from django.test import Client  # noqa: E402

# Before bench.queues, which puts this checkout's src first on the path: the
# package, and so all its modules, come from BENCH_SRC when it is given.
import firmdesk  # noqa: E402, F401
from bench.queues import (  # noqa: E402  (sets Django up)
    command_line,
    machine_speed,
    percentile,
    say,
    signed_in_client,
)
from bench.sql_clock import SqlClock  # noqa: E402
from firmdesk.common.runtime import tune_gc  # noqa: E402
from firmdesk.integrations.tokens import token_create  # noqa: E402
from firmdesk.orgs.models import Membership, Role  # noqa: E402

LISTS = ("tasks", "matters", "events", "leads", "invoices")
TRIVIAL = "/bench/trivial/"


def _firm_admin():
    for m in (
        Membership.objects.filter(organization__kind="firm", is_active=True)
        .select_related("user", "organization")
        .order_by("organization__slug", "pk")
    ):
        if Role.FIRM_ADMIN in m.roles and m.user.is_active:
            return m.user, m.organization
    raise SystemExit("No firm admin here: seed first (firmdesk seed).")


def _measure(client: Client, path: str, headers: dict, requests: int) -> dict:
    for _ in range(5):  # warm: imports, the first use of the token
        response = client.get(path, headers=headers)
        assert response.status_code == 200, (path, response.status_code)
    cpu, wall, sql, queries = [], [], [], 0
    for _ in range(requests):
        clock = SqlClock()
        with connection.execute_wrapper(clock):
            started_cpu = time.process_time()
            started = time.perf_counter()
            response = client.get(path, headers=headers)
            wall.append((time.perf_counter() - started) * 1000)
            cpu.append((time.process_time() - started_cpu) * 1000)
        assert response.status_code == 200, (path, response.status_code)
        sql.append(clock.seconds * 1000)
        queries = clock.queries
    return {
        "cpu_ms": statistics.median(cpu),
        "cpu_mean_ms": statistics.fmean(cpu),
        "p50_ms": statistics.median(wall),
        "p95_ms": percentile(wall, 0.95),
        "queries": queries,
        "sql_ms": statistics.median(sql),
        "bytes": len(response.content),
        "items": len(response.json()["items"]) if path.startswith("/api/") else 0,
    }


def _write_bodies(client: Client, path: str, headers: dict, stem: Path) -> None:
    """Pages 1 and 2 of a list as sent, to check a change kept every byte."""
    stem.parent.mkdir(parents=True, exist_ok=True)
    params: dict = {}
    for number in (1, 2):
        response = client.get(path, params, headers=headers)
        stem.with_name(f"{stem.name}-{number}.json").write_bytes(response.content)
        cursor = response.json()["next_cursor"]
        if cursor is None:
            break
        params = {"cursor": cursor}


def _profile(client: Client, path: str, headers: dict, requests: int) -> None:
    """cProfile timed by CPU time, not wall time: waits for the database (or
    for the cores, on a busy machine) count for nothing."""
    profiler = cProfile.Profile(time.process_time)
    profiler.enable()
    for _ in range(requests):
        client.get(path, headers=headers)
    profiler.disable()
    out = io.StringIO()
    stats = pstats.Stats(profiler, stream=out)
    stats.sort_stats("cumulative").print_stats(45)
    stats.sort_stats("tottime").print_stats(25)
    say(out.getvalue())


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--requests", type=int, default=200)
    parser.add_argument("--only", default="", help="routes whose name holds this")
    parser.add_argument("--profile", default="", help="a route name to profile")
    parser.add_argument("--save", default="", help="write the figures here (JSON)")
    parser.add_argument("--baseline", default="", help="a --save file to compare")
    parser.add_argument(
        "--bodies",
        default="",
        help="a directory: write each list's first two pages there, to compare "
        "with another checkout's (cmp)",
    )
    args = parser.parse_args()
    tune_gc()
    # The per-token limit would answer 429 long before the run ends.
    settings.FIRMDESK_API_RATE_LIMIT = "1000000/min"
    admin, firm = _firm_admin()
    stamp = datetime.datetime.now().strftime("%Y%m%d%H%M%S")
    secret = token_create(user=admin, firm=firm, name=f"Bench {stamp}").secret
    api_headers = {"Authorization": f"Bearer {secret}"}
    routes = {"trivial view": (signed_in_client(admin), TRIVIAL, {})}
    api_client = Client()
    for name in LISTS:
        path = f"/api/v1/f/{firm.slug}/{name}"
        routes[f"API {name}"] = (api_client, path, api_headers)
    baseline = json.loads(Path(args.baseline).read_text()) if args.baseline else {}
    commit = subprocess.run(
        ["git", "rev-parse", "--short", "HEAD"],
        capture_output=True,
        text=True,
        cwd=ROOT,
    ).stdout.strip()
    say(
        f"API lists in-process, {connection.vendor}, firm {firm.slug} "
        f"({admin.email}); code at {commit}"
        + (f" (BENCH_SRC={os.environ['BENCH_SRC']})" if BENCH_SRC else "")
        + "; load average "
        + " / ".join(f"{x:.2f}" for x in os.getloadavg())
    )
    say(
        f"{'route':<14}{'CPU ms':>8}{'base':>8}{'ratio':>7}{'p50':>7}{'p95':>7}"
        f"{'q':>4}{'SQL ms':>8}{'items':>6}{'KB':>6}"
    )
    results = {}
    for name, (client, path, headers) in routes.items():
        if args.only and args.only not in name and name != "trivial view":
            continue
        r = _measure(client, path, headers, args.requests)
        results[name] = r
        base = baseline.get(name, {}).get("cpu_ms")
        ratio = f"{base / r['cpu_ms']:>6.2f}×" if base else f"{'':>7}"
        say(
            f"{name:<14}{r['cpu_ms']:>8.1f}{base or 0:>8.1f}{ratio}"
            f"{r['p50_ms']:>7.1f}{r['p95_ms']:>7.1f}{r['queries']:>4}"
            f"{r['sql_ms']:>8.1f}{r['items']:>6}{r['bytes'] / 1024:>6.1f}"
        )
        if args.bodies and name != "trivial view":
            _write_bodies(client, path, headers, Path(args.bodies) / name.split()[-1])
        if args.profile and args.profile in name:
            _profile(client, path, headers, args.requests)
    if "trivial view" in results:
        trivial = results["trivial view"]["cpu_ms"]
        say("CPU a request over the trivial view's (goal: at most about 4×):")
        for name, r in results.items():
            if name != "trivial view":
                say(f"  {name:<14}{r['cpu_ms'] / trivial:>6.1f}×")
    if args.save:
        Path(args.save).write_text(json.dumps(results, indent=1))
    say("load average at the end " + " / ".join(f"{x:.2f}" for x in os.getloadavg()))
    say(machine_speed())
    say("    " + command_line("bench/api_lists.py"))


if __name__ == "__main__":
    main()
