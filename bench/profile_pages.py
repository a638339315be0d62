"""Where the main pages' time goes on a seeded database, page by page: CPU time
of this process per request, the number of queries and the time in them.

In-process, through Django's test ``Client`` (no server: ``bench/pages.py``
times the pages served by gunicorn), with the same people and pages as
``bench/pages.py``: the assistant who serves the most firms (Today, their
queue, the team queue), a firm's attorney (review queue, a matter, the week),
an intake specialist (lead queue) and the firm's admin (invoices, dashboard).
Each page is opened ``--requests`` times after two warm-up requests.

The figure that holds on a shared machine is **CPU ms per request**
(``time.process_time()`` of this process: the view, ORM, templates and
middleware, not the database server's work); wall-clock ms and SQL ms move
with the load. ``--profile PAGE`` adds a pyinstrument profile of that page.

The test environment is not set up: Django's test renderer would copy every
template's context on every render and double the template time.

It writes the people's sessions and the audit rows of the matter page: run it
on a database of your own (``firmdesk seed --scale large --firms 3 --db-url …``),
never on a shared seed.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/fd_pages \\
        .venv/bin/python bench/profile_pages.py --requests 50 --profile Today
"""

import argparse
import os
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "src"))
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "firmdesk.settings")

from django.conf import settings  # noqa: E402
from django.db import connection  # noqa: E402
from django.test import Client  # noqa: E402
from django.urls import get_resolver  # noqa: E402

from bench.pages import routes_and_people  # noqa: E402  (sets Django up)
from bench.queues import (  # noqa: E402
    command_line,
    machine_speed,
    percentile,
    say,
    signed_in_client,
)
from bench.sql_clock import SqlClock  # noqa: E402
from firmdesk.common.runtime import tune_gc  # noqa: E402


def _time(client, path, cookies):
    """(wall seconds, CPU seconds, SQL clock) of one request."""
    client.cookies = cookies
    clock = SqlClock()
    wall, cpu = time.perf_counter(), time.process_time()
    with connection.execute_wrapper(clock):
        response = client.get(path)
    cpu = time.process_time() - cpu
    wall = time.perf_counter() - wall
    assert response.status_code == 200, (path, response.status_code)
    return wall, cpu, clock


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--requests", type=int, default=50)
    parser.add_argument("--profile", default="", help="a page's name (or part)")
    parser.add_argument("--only", default="", help="only pages naming this")
    args = parser.parse_args()
    if not settings.DEBUG:
        settings.ALLOWED_HOSTS = [*settings.ALLOWED_HOSTS, "testserver"]
    get_resolver().url_patterns  # noqa: B018 - load the URLconf as wsgi.py does
    tune_gc()
    routes, people, firm = routes_and_people()
    # One handler serves everyone, as one server process does.
    sessions = {who: signed_in_client(user).cookies for who, user in people.items()}
    client = Client()
    say(f"{connection.vendor}, DEBUG={settings.DEBUG}: firm {firm.slug}")
    say(
        f"{'page':<22}{'CPU ms':>8}{'CPU p95':>8}{'wall p50':>9}{'wall p95':>9}"
        f"{'queries':>8}{'SQL ms':>8}"
    )
    only = args.only or args.profile
    for route in routes:
        if route.api or (only and only.lower() not in route.label.lower()):
            continue
        cookies = sessions[route.who]
        for _ in range(2):  # warm: the first requests load templates
            _time(client, route.path, cookies)
        runs = [_time(client, route.path, cookies) for _ in range(args.requests)]
        walls = [wall * 1000 for wall, _, _ in runs]
        cpus = [cpu * 1000 for _, cpu, _ in runs]
        sql = statistics.median(clock.seconds * 1000 for _, _, clock in runs)
        say(
            f"{route.label:<22}{statistics.fmean(cpus):>8.1f}"
            f"{percentile(cpus, 0.95):>8.1f}{statistics.median(walls):>9.1f}"
            f"{percentile(walls, 0.95):>9.1f}{runs[-1][2].queries:>8}{sql:>8.1f}"
        )
        if args.profile:
            from pyinstrument import Profiler

            profiler = Profiler(interval=0.0005)
            with profiler:
                for _ in range(args.requests):
                    _time(client, route.path, cookies)
            say(profiler.output_text(unicode=False, color=False, show_all=False))
    say(f"  CPU ms: mean of {args.requests} requests, this process only")
    say(f"  load average {' / '.join(f'{x:.2f}' for x in os.getloadavg())}")
    say(machine_speed())
    say(f"  command: {command_line('bench/profile_pages.py')}")


if __name__ == "__main__":
    main()
