"""One queue page, one person, many times: where a page's time goes.

``bench/queues.py`` times varied requests of many people; this times the same
request again and again, so two versions of the code (or two settings) can be
compared in turn on the same database, and it can show where the time goes:

* the page through Django's test ``Client`` (the person's own session, set up
  as the server is: URLconf loaded, then ``tune_gc``): p50 / p95 / max and the
  number of queries;
* with ``--parts``, what the page asks of the database on its own (the bench's
  ``selector_request``: the Scopes, then the list's queries and its page), so
  what is left of the page is middleware and templates;
* with ``--collector``, the cycle collector's runs during the timed requests and
  their length, the objects a page leaves to it, and Python's CPU time a page;
* with ``--profile N``, the N functions the page spends most time in
  (``cProfile``, cumulative).

It reads the database ``bench/queues.py --keep`` left (``<name>_bench_queues``
next to DATABASE_URL's, or var/bench-queues.sqlite3) and writes nothing but
the person's session.

    .venv/bin/python bench/queue_page.py --page team --params "status=done&sort=due"
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/firmdesk_dev \\
        .venv/bin/python bench/queue_page.py --page mine --requests 300 --parts
"""

import argparse
import cProfile
import gc
import os
import pstats
import statistics
import sys
import time
from pathlib import Path
from urllib.parse import parse_qsl

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "src"))
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "firmdesk.settings")

from django.conf import settings  # noqa: E402
from django.db import close_old_connections, connection  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402
from django.urls import get_resolver  # noqa: E402

from bench.queues import (  # noqa: E402  (sets Django up)
    PAGE_PATHS,
    PREFIX,
    Requests,
    command_line,
    machine_speed,
    percentile,
    say,
    selector_request,
    signed_in_client,
    use_bench_database,
)
from firmdesk.common.runtime import tune_gc  # noqa: E402
from firmdesk.orgs.models import Organization  # noqa: E402


def ms(seconds: float) -> str:
    return f"{seconds * 1000:.1f}"


def figures(times: list[float]) -> str:
    return (
        f"p50 {ms(statistics.median(times))}  p95 {ms(percentile(times, 0.95))}"
        f"  max {ms(max(times))} ms"
    )


def left_to_collector(request, pages: int = 10) -> int:
    """Objects the page leaves that only the cycle collector can free, a page."""
    gc.collect()
    gc.disable()
    gc.set_debug(gc.DEBUG_SAVEALL)
    try:
        for _ in range(pages):
            request()
        gc.collect()
        # Every collection saved what it found, the server's own after each
        # response (runtime.collect_young) included.
        found = len(gc.garbage)
    finally:
        gc.set_debug(0)
        gc.garbage.clear()
        gc.enable()
    return round(found / pages)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--page", choices=sorted(PAGE_PATHS), default="team")
    parser.add_argument(
        "--params", default="", help='The query string, e.g. "status=done&sort=due".'
    )
    parser.add_argument("--requests", type=int, default=200)
    parser.add_argument("--warm-up", type=int, default=20)
    parser.add_argument(
        "--who",
        type=int,
        default=0,
        metavar="N",
        help="The Nth of the bench's people (staff serving two or more firms; "
        "attorneys for the review page).",
    )
    parser.add_argument("--parts", action="store_true", help="Time the parts too.")
    parser.add_argument("--profile", type=int, default=0, metavar="N")
    parser.add_argument(
        "--collector",
        action="store_true",
        help="Count the cycle collector's runs and their time during the timed "
        "requests, the objects a page leaves to it, and the process's CPU share.",
    )
    parser.add_argument(
        "--explain",
        action="store_true",
        help="PostgreSQL: print EXPLAIN (ANALYZE, BUFFERS) of each query the "
        "page's Scopes and list ask, once.",
    )
    parser.add_argument("--seed", type=int, default=20260101)
    args = parser.parse_args()
    command = command_line("bench/queue_page.py")
    database, _ = use_bench_database(keep=True)
    if not Organization.objects.filter(slug__startswith=PREFIX).exists():
        sys.exit(
            f"No bench data in {database}: run bench/queues.py --keep first "
            "(make bench-queues BENCH_QUEUES_ARGS='--keep')."
        )
    people = Requests(args.seed)
    if args.page == "review":
        user, firm = people.attorneys[args.who % len(people.attorneys)]
    else:
        user, firm = people.staff[args.who % len(people.staff)], None
    params = dict(parse_qsl(args.params))
    path = PAGE_PATHS[args.page].format(slug=firm.slug if firm else "")

    get_resolver(settings.ROOT_URLCONF).url_patterns  # noqa: B018
    tune_gc()
    server = Client()
    server.cookies = signed_in_client(user).cookies

    def request():
        close_old_connections()  # as a server does between requests
        response = server.get(path, params)
        if response.status_code != 200:
            sys.exit(f"{path}?{args.params} answered {response.status_code}")
        return response

    for _ in range(args.warm_up):
        request()
    with CaptureQueriesContext(connection) as captured:
        request()
    queries = len(captured)
    pauses: list[float] = []
    collecting: dict[str, float] = {}

    def watch(phase, info):
        if phase == "start":
            collecting["since"] = time.perf_counter()
        else:
            pauses.append(time.perf_counter() - collecting["since"])

    if args.collector:
        gc.callbacks.append(watch)
    times, cpu = [], []
    for _ in range(args.requests):
        started, cpu_started = time.perf_counter(), time.process_time()
        request()
        times.append(time.perf_counter() - started)
        cpu.append(time.process_time() - cpu_started)
    if args.collector:
        gc.callbacks.remove(watch)

    lines = [
        "",
        f"Queue page {path}?{args.params} for {user.email} on {connection.vendor} "
        f"({database}), {args.requests} requests after {args.warm_up}",
    ]
    if args.parts:
        # The bench's selector request: what the page asks of the database.
        wanted = {"sort": "due", **params}
        only_mine = params.get("who") != "all"
        scoping, listing = [], []
        for _ in range(args.requests):
            started = time.perf_counter()
            _, _, scoped = selector_request(args.page, user, firm, wanted, only_mine)
            listing.append(time.perf_counter() - started)
            scoping.append(scoped)
        lines.append(f"  {'Scopes':33}{figures(scoping)}")
        lines.append(f"  {'Scopes, list and its page':33}{figures(listing)}")
    if args.explain:
        # PostgreSQL's account of each query the page's list asks: rows read,
        # table pages visited, time.
        wanted = {"sort": "due", **params}
        only_mine = params.get("who") != "all"
        with CaptureQueriesContext(connection) as asked:
            selector_request(args.page, user, firm, wanted, only_mine)
        with connection.cursor() as cursor:
            for number, query in enumerate(asked.captured_queries, 1):
                cursor.execute("EXPLAIN (ANALYZE, BUFFERS) " + query["sql"])
                say(f"-- query {number} of {len(asked.captured_queries)}")
                say("\n".join(line for (line,) in cursor.fetchall()))
    if args.collector:
        lines.append(
            f"  collector: {len(pauses)} runs in {args.requests} requests"
            + (f", {ms(min(pauses))}–{ms(max(pauses))} ms each" if pauses else "")
            + f"; {left_to_collector(request)} objects a page left in cycles;"
            f" Python's CPU time p50 {ms(statistics.median(cpu))} ms"
        )
    if args.profile:
        profiler = cProfile.Profile()
        profiler.enable()
        for _ in range(50):
            request()
        profiler.disable()
        stats = pstats.Stats(profiler, stream=sys.stdout)
        stats.sort_stats("cumulative").print_stats(args.profile)
    lines.append(f"  page{'':29}{figures(times)}  {queries} queries")
    lines.append(machine_speed())
    lines.append(f"  command: {command}")
    say("\n".join(lines))


if __name__ == "__main__":
    main()
