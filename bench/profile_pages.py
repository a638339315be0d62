"""Where the main pages' time goes on a seeded database, page by page: the
number of queries, the time in them, and the rest (ORM, middleware, template).

In-process, through Django's test ``Client`` (no server: ``make bench`` times
the pages served by gunicorn). It signs in a firm admin of the first firm and
the assistant who serves the most firms, opens each page ``--requests`` times
and prints p50 / p95, queries and SQL time; ``--profile PAGE`` adds a
pyinstrument profile of that page's slowest request. It writes the two
people's sessions and the audit rows of the matter page: run it on a database
of your own (``firmdesk seed --scale large --firms 20 --db-url …``), never on a
shared seed.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/fd_pages \\
        .venv/bin/python bench/profile_pages.py --requests 20 --profile today
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

from django.db import connection  # noqa: E402
from django.db.models import Count  # noqa: E402
from django.test.utils import setup_test_environment  # noqa: E402
from django.urls import reverse  # noqa: E402

from bench.queues import (  # noqa: E402  (sets Django up)
    command_line,
    machine_speed,
    percentile,
    say,
    signed_in_client,
)
from firmdesk.engagements.models import Assignment  # noqa: E402
from firmdesk.matters.models import Matter  # noqa: E402
from firmdesk.orgs.models import Membership  # noqa: E402


def _people():
    """(firm admin, their firm, one of its matters, the busiest assistant)."""
    admin = next(
        m
        for m in Membership.objects.filter(organization__kind="firm", is_active=True)
        .select_related("user", "organization")
        .order_by("organization__slug", "pk")
        if "firm_admin" in m.roles
    )
    busiest = (
        Assignment.unscoped.values("user")
        .annotate(firms=Count("firm", distinct=True))
        .order_by("-firms", "user")
        .first()
    )
    firm = admin.organization
    matter = Matter.unscoped.filter(firm=firm).order_by("pk").first()
    assistant = Membership.objects.filter(user_id=busiest["user"]).first().user
    return admin.user, firm, matter, assistant, busiest["firms"]


def _pages(firm, matter) -> dict[str, tuple[str, str]]:
    """name → (who, path)."""
    slug = firm.slug
    return {
        "today (assistant)": ("assistant", reverse("today:today")),
        "my queue (assistant)": ("assistant", reverse("work:queue_mine")),
        "team queue (assistant)": ("assistant", reverse("work:queue_team")),
        "firm today": ("admin", reverse("today:firm_today", args=[slug])),
        "task list": ("admin", reverse("work:task_list", args=[slug])),
        "review queue": ("admin", reverse("work:review_queue", args=[slug])),
        "matter page": (
            "admin",
            reverse("matters:matter_detail", args=[slug, matter.public_id]),
        ),
        "calendar week": (
            "admin",
            reverse("scheduling:calendar", args=[slug]) + "?view=week&who=team",
        ),
        "lead queue": ("admin", reverse("intake:lead_list", args=[slug])),
        "invoice list": ("admin", reverse("billing:invoice_list", args=[slug])),
        "dashboard": ("admin", reverse("insights:dashboard", args=[slug])),
    }


class _SqlClock:
    """Counts the queries of a request and the time spent in them."""

    def __init__(self):
        self.queries = 0
        self.seconds = 0.0

    def __call__(self, execute, sql, params, many, context):
        started = time.perf_counter()
        try:
            return execute(sql, params, many, context)
        finally:
            self.seconds += time.perf_counter() - started
            self.queries += 1


def _time(client, path):
    clock = _SqlClock()
    started = time.perf_counter()
    with connection.execute_wrapper(clock):
        response = client.get(path)
    spent = time.perf_counter() - started
    assert response.status_code == 200, (path, response.status_code)
    return spent, clock


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--requests", type=int, default=20)
    parser.add_argument("--profile", default="", help="a page name to profile")
    args = parser.parse_args()
    setup_test_environment()
    admin, firm, matter, assistant, firms = _people()
    clients = {
        "admin": signed_in_client(admin),
        "assistant": signed_in_client(assistant),
    }
    say(f"{connection.vendor}: firm {firm.slug}; the assistant serves {firms} firms")
    say(f"{'page':<24}{'p50 ms':>8}{'p95 ms':>8}{'queries':>9}{'SQL ms':>8}")
    for name, (who, path) in _pages(firm, matter).items():
        if args.profile and args.profile not in name:
            continue
        client = clients[who]
        _time(client, path)  # warm: the first request loads templates
        runs = [_time(client, path) for _ in range(args.requests)]
        times = [spent * 1000 for spent, _ in runs]
        sql = statistics.median(clock.seconds * 1000 for _, clock in runs)
        say(
            f"{name:<24}{statistics.median(times):>8.1f}"
            f"{percentile(times, 0.95):>8.1f}{runs[-1][1].queries:>9}{sql:>8.1f}"
        )
        if args.profile:
            from pyinstrument import Profiler

            profiler = Profiler(interval=0.0005)
            with profiler:
                for _ in range(args.requests):
                    client.get(path)
            say(profiler.output_text(unicode=False, color=False, show_all=False))
    say(machine_speed())
    say(f"  command: {command_line('bench/profile_pages.py')}")


if __name__ == "__main__":
    main()
