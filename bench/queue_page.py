"""One queue page, one person, many times: where a page's time goes.

``bench/queues.py`` times varied requests of many people; this times the same
request again and again, so two versions of the code (or two settings) can be
compared in turn on the same database, and it can show where the time goes:

* the page through Django's test ``Client`` (the person's own session, set up
  as the server is: URLconf loaded, then ``tune_gc``): p50 / p95 / max and the
  number of queries;
* with ``--parts``, the same request's parts on their own: the Scopes
  (``scopes_for_request``), the list's queries (the selectors and the
  paginator), and the whole page, so what is left is middleware and templates;
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
import os
import pstats
import shlex
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
from django.test import Client, RequestFactory  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402
from django.urls import get_resolver  # noqa: E402
from django.utils import timezone  # noqa: E402

from bench.queues import (  # noqa: E402  (sets Django up)
    PAGE,
    PAGE_PATHS,
    PREFIX,
    Requests,
    percentile,
    say,
    signed_in_client,
    use_bench_database,
)
from firmdesk.access.scope import (  # noqa: E402
    firms_for_user,
    resolve_scope,
    scopes_for_request,
)
from firmdesk.common.paginator import CappedPaginator  # noqa: E402
from firmdesk.common.runtime import tune_gc  # noqa: E402
from firmdesk.orgs.models import Organization  # noqa: E402
from firmdesk.work.selectors import (  # noqa: E402
    filter_tasks,
    queue_mine,
    queue_review,
    queue_team,
    sort_tasks,
)


def ms(seconds: float) -> str:
    return f"{seconds * 1000:.1f}"


def figures(times: list[float]) -> str:
    return (
        f"p50 {ms(statistics.median(times))}  p95 {ms(percentile(times, 0.95))}"
        f"  max {ms(max(times))} ms"
    )


def list_queries(page: str, user, firm, params: dict):
    """The list's queries, as the view asks them (web/views_work.py)."""
    now = timezone.now()
    if page == "review":
        scope = resolve_scope(user, firm)
        qs = queue_review(scope, user=None if params.get("who") == "all" else user)
        qs = qs.order_by("submitted_at", "created_at")
    else:
        scopes = firms_for_user(user)
        if page == "team":
            scopes = [s for s in scopes if s.is_provider_staff]
            qs = queue_team(scopes)
        else:
            qs = queue_mine(scopes, user)
        qs = filter_tasks(qs, params, now=now, user=user, scopes=scopes)
        qs = sort_tasks(qs, params.get("sort", "due"))
    paged = CappedPaginator(qs, PAGE).get_page(1)
    return paged.paginator.count, list(paged.object_list)


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
    parser.add_argument("--seed", type=int, default=20260101)
    args = parser.parse_args()
    command = " ".join(
        [
            f"{var}={shlex.quote(os.environ[var])}"
            for var in ("DATABASE_URL", "FIRMDESK_VAR")
            if os.environ.get(var)
        ]
        + [".venv/bin/python", "bench/queue_page.py"]
        + [shlex.quote(a) for a in sys.argv[1:]]
    )
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
    times = []
    for _ in range(args.requests):
        started = time.perf_counter()
        request()
        times.append(time.perf_counter() - started)

    lines = [
        "",
        f"Queue page {path}?{args.params} for {user.email} on {connection.vendor} "
        f"({database}), {args.requests} requests after {args.warm_up}",
    ]
    if args.parts:
        factory = RequestFactory()
        parts = {"scopes": [], "list": []}
        for _ in range(args.requests):
            fake = factory.get(path, params)
            fake.user = user
            started = time.perf_counter()
            scopes_for_request(fake)
            parts["scopes"].append(time.perf_counter() - started)
            started = time.perf_counter()
            list_queries(args.page, user, firm, params)
            parts["list"].append(time.perf_counter() - started)
        lines.append(f"  {'Scopes (scopes_for_request)':33}{figures(parts['scopes'])}")
        lines.append(f"  {'Scopes, list and its page':33}{figures(parts['list'])}")
    if args.profile:
        profiler = cProfile.Profile()
        profiler.enable()
        for _ in range(50):
            request()
        profiler.disable()
        stats = pstats.Stats(profiler, stream=sys.stdout)
        stats.sort_stats("cumulative").print_stats(args.profile)
    lines.append(f"  page{'':29}{figures(times)}  {queries} queries")
    lines.append(f"  command: {command}")
    say("\n".join(lines))


if __name__ == "__main__":
    main()
