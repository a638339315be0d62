"""The main pages and API lists on a seeded database, through gunicorn, at 1 and
16 clients, each beside the plain SQL of that page and a trivial view on the
same server.

For each page (Today, the assistant's queue, the team queue, the review queue,
a matter, the calendar's week, the lead queue, the invoice list, the insights
dashboard) and each API list (tasks, matters, events, leads, invoices):

* **the page through gunicorn** (``bench/serving.py``; plain sync workers, 2 of
  them, unless ``--gunicorn-config`` names the shipped configuration), loaded
  by wrk with one person's session cookie or API token: p50 and p95 at 1 and at
  16 clients, and requests a second at 16; every run after a warm-up run, for
  a fixed time, and straight after a run of the trivial view
  (``/bench/trivial/``: sign-in, two factors, CSP, the whole middleware stack,
  and a constant page), so each page is set beside the yardstick measured
  under the same load of the machine;
* **its plain SQL**: the statements one request sends, captured once and
  replayed on a raw connection, the whole set timed (p50 / p95);
* **where its time goes**, in this process: database, template rendering and
  the rest (ORM, Python, middleware).

The pages write audit events and sessions as they are read, so it works on a
copy of the configured database (``<name>_bench_pages`` on PostgreSQL,
var/bench-pages.sqlite3 next to a SQLite file), made afresh unless ``--reuse``.

    .venv/bin/python bench/pages.py
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/fd_large \\
        .venv/bin/python bench/pages.py --seconds 10
"""

import argparse
import datetime
import os
import platform
import subprocess
import sys
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "src"))
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "firmdesk.settings")

from django.conf import settings  # noqa: E402
from django.core.management import call_command  # noqa: E402
from django.db import connection  # noqa: E402
from django.db.models import Count  # noqa: E402
from django.test import Client  # noqa: E402
from django.urls import get_resolver, reverse  # noqa: E402

from bench.pages_parts import (  # noqa: E402
    Load,
    Shares,
    captured_sql,
    copy_database,
    database_url,
    ensure_wrk,
    p50_p95,
    profile,
    raw_connection,
    replay,
    wrk,
)
from bench.queues import command_line, machine_speed, say, signed_in_client  # noqa: E402
from bench.serving import free_port, start_gunicorn  # noqa: E402
from firmdesk.access.scope import firms_for_user  # noqa: E402
from firmdesk.common.runtime import tune_gc  # noqa: E402
from firmdesk.engagements.models import Assignment  # noqa: E402
from firmdesk.integrations.tokens import token_create  # noqa: E402
from firmdesk.matters.models import Matter  # noqa: E402
from firmdesk.orgs.models import Membership, Role  # noqa: E402

TRIVIAL = "/bench/trivial/"
# The goals of issue 22: p95 at one client, and throughput at 16 clients as a
# share of the trivial view's.
P95_GOAL_MS = 50
PAGE_SHARE_GOAL = 1 / 10
API_SHARE_GOAL = 1 / 4


@dataclass
class Route:
    label: str
    path: str
    who: str  # "assistant", "intake", "attorney" or "admin"
    api: bool = False
    statements: list[str] = field(default_factory=list)
    sql: tuple[float, float] = (0.0, 0.0)
    shares: Shares | None = None
    loads: dict[int, tuple[Load, Load]] = field(default_factory=dict)


# --- The people and their routes -------------------------------------------------


def most_firms(roles: set[str], function: str | None = None):
    """Of the provider staff with one of ``roles``, the one who may act for the
    most firms now (Today's cost grows with them): the busiest real case, among
    the 40 with the most assignments. ``function``: only firms where they do
    that kind of work count."""
    busiest = (
        Assignment.unscoped.filter(end_date__isnull=True)
        .values("user")
        .annotate(firms=Count("engagement__firm", distinct=True))
        .order_by("-firms", "user")
    )
    best, best_scopes, tried = None, [], 0
    for row in busiest[:400]:
        membership = (
            Membership.objects.filter(
                user_id=row["user"], organization__kind="provider"
            )
            .select_related("user")
            .first()
        )
        if not (membership and roles & set(membership.roles)):
            continue
        scopes = [
            s
            for s in firms_for_user(membership.user)
            if function is None or s.works_on(function)
        ]
        if len(scopes) > len(best_scopes):
            best, best_scopes = membership.user, scopes
        tried += 1
        if tried == 40:
            break
    return best, best_scopes


def firm_member(firm, role: str):
    for membership in Membership.objects.filter(organization=firm).select_related(
        "user"
    ):
        if role in membership.roles and membership.user.is_active:
            return membership.user
    raise SystemExit(f"{firm.name} has no {role}: seed first.")


def routes_and_people() -> tuple[list[Route], dict, object]:
    assistant, scopes = most_firms({Role.ASSISTANT, Role.PARALEGAL})
    if assistant is None:
        raise SystemExit("No provider staff serve a firm here: seed first.")
    firm = scopes[0].firm
    attorney = firm_member(firm, Role.ATTORNEY)
    # Outside intake staff where the seed has them, else the firm's own people.
    intake = most_firms({Role.INTAKE_SPECIALIST, Role.RECEPTIONIST}, "intake")[0]
    intake = intake or attorney
    admin = firm_member(firm, Role.FIRM_ADMIN)
    matters = Matter.unscoped.filter(firm=firm, status=Matter.Status.OPEN)
    matter = matters.order_by("pk")[matters.count() // 2]
    people = {
        "assistant": assistant,
        "intake": intake,
        "attorney": attorney,
        "admin": admin,
    }
    say(
        f"  firm {firm.slug}; assistant {assistant.email} serving {len(scopes)} "
        f"firms; intake {intake.email}; attorney {attorney.email}; firm admin "
        f"{admin.email}; matter {matter.number}"
    )
    slug = firm.slug
    week = datetime.date.today().isoformat()
    routes = [
        Route("Today", reverse("today:today"), "assistant"),
        Route("Assistant's queue", reverse("work:queue_mine"), "assistant"),
        Route("Team queue", reverse("work:queue_team"), "assistant"),
        Route("Review queue", reverse("work:review_queue", args=[slug]), "attorney"),
        Route(
            "Matter page",
            reverse("matters:matter_detail", args=[slug, matter.public_id]),
            "attorney",
        ),
        Route(
            "Calendar week",
            reverse("scheduling:calendar", args=[slug]) + f"?view=week&date={week}",
            "attorney",
        ),
        Route("Lead queue", reverse("intake:lead_queue"), "intake"),
        Route("Invoice list", reverse("billing:invoice_list", args=[slug]), "admin"),
        Route(
            "Insights dashboard", reverse("insights:dashboard", args=[slug]), "admin"
        ),
    ]
    for name in ("tasks", "matters", "events", "leads", "invoices"):
        routes.append(
            Route(f"API {name}", f"/api/v1/f/{slug}/{name}", "admin", api=True)
        )
    return routes, people, firm


def credentials(people: dict, firm) -> dict[str, dict]:
    """Request headers per person: a signed-in session (two factors passed)
    and, for the API, a token of the firm admin's."""
    cookie_name = settings.SESSION_COOKIE_NAME
    headers = {}
    for who, user in people.items():
        key = signed_in_client(user).cookies[cookie_name].value
        headers[who] = {"Cookie": f"{cookie_name}={key}"}
    stamp = datetime.datetime.now().strftime("%Y%m%d%H%M%S")
    token = token_create(user=people["admin"], firm=firm, name=f"Bench {stamp}")
    headers["api"] = {"Authorization": f"Bearer {token.secret}"}
    return headers


def headers_of(route: Route, headers: dict) -> dict:
    return headers["api"] if route.api else headers[route.who]


# --- Measuring -------------------------------------------------------------------


def in_process(routes: list[Route], headers: dict, args) -> None:
    """Each page's SQL (captured once, replayed) and where its time goes, in
    this process, set up as the server's is."""
    get_resolver().url_patterns  # noqa: B018 - load the URLconf as wsgi.py does
    tune_gc()
    client = Client()
    raw = raw_connection()
    for route in routes:
        h = headers_of(route, headers)
        for _ in range(args.warm_up_requests):
            client.get(route.path, headers=h)
        route.statements = captured_sql(client, route.path, h)
        replay(raw, route.statements, args.warm_up_requests)
        route.sql = p50_p95(replay(raw, route.statements, args.sql_rounds))
        route.shares = profile(client, route.path, h, args.profile_requests)
        say(
            f"  {route.label}: {len(route.statements)} statements, SQL p50 "
            f"{route.sql[0]:.1f} ms; in-process {route.shares.total_ms:.1f} ms"
        )
    raw.close()


def timed_run(url: str, headers: dict, clients: int, args) -> Load:
    wrk(url, headers, clients=clients, seconds=args.warm_up)
    return wrk(url, headers, clients=clients, seconds=args.seconds)


def under_load(routes: list[Route], headers: dict, port: int, args) -> None:
    """Each route with wrk at each client count, right after the trivial view
    at the same count: warm-up run, then the timed run, for fixed times."""
    base = f"http://127.0.0.1:{port}"
    # Every worker loads the app and the URLconf on its own first requests
    # (tens of seconds on a loaded machine): keep them all busy a while first.
    wrk(
        base + TRIVIAL,
        headers["assistant"],
        clients=4 * args.workers,
        seconds=args.server_warm_up,
    )
    for clients in args.clients:
        for route in routes:
            trivial, page = (
                timed_run(base + path, h, clients, args)
                for path, h in (
                    (TRIVIAL, headers["assistant"]),
                    (route.path, headers_of(route, headers)),
                )
            )
            route.loads[clients] = (page, trivial)
            say(
                f"  {clients:>2} clients  {route.label:<20} p50 {page.p50_ms:6.1f}  "
                f"p95 {page.p95_ms:6.1f} ms  {page.rate:6.1f}/s   trivial "
                f"{trivial.rate:6.1f}/s"
                + (f"  {page.errors} errors" if page.errors else "")
            )


def check_answers(routes: list[Route], headers: dict, port: int) -> None:
    """Every route answers 200 through the server (not the sign-in page)."""
    import http.client

    for path, h in [(TRIVIAL, headers["assistant"])] + [
        (r.path, headers_of(r, headers)) for r in routes
    ]:
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
        conn.request("GET", path, headers=h)
        response = conn.getresponse()
        response.read()
        conn.close()
        if response.status != 200:
            raise SystemExit(f"{path} answered {response.status} through gunicorn.")


def serve(copy_name: str, args):
    env = {
        **os.environ,
        "DATABASE_URL": database_url(copy_name),
        "PYTHONPATH": str(ROOT / "src"),
        "LOG_LEVEL": "WARNING",
        # The API's per-token limit (600 a minute) would answer 429s to wrk.
        "FIRMDESK_API_RATE_LIMIT": "1000000/min",
    }
    port = free_port()
    log_path = Path(tempfile.mkdtemp(prefix="bench-pages-")) / "server.log"
    log = open(log_path, "w")  # noqa: SIM115 - gunicorn writes to it
    server = start_gunicorn(
        env,
        port,
        args.workers,
        log,
        ready_path="/login/",
        log_path=log_path,
        config=args.gunicorn_config,
    )
    return server, port, log_path


# --- The table ---------------------------------------------------------------------


def ratio(part: float, whole: float) -> str:
    if not part or not whole:
        return "–"
    return (
        f"1/{whole / part:.0f}"
        if part and whole / part >= 1.5
        else f"{part / whole:.2f}"
    )


def table(routes: list[Route], clients: list[int]) -> list[str]:
    low, high = min(clients), max(clients)
    lines = [
        f"| route | p50 / p95 at {low} (ms) | SQL p50 / p95 (ms) | p95 ÷ SQL p95 "
        f"| p50 / p95 at {high} (ms) | req/s at {high} | trivial req/s "
        f"| share of trivial | goals |",
        "|---|---|---|---|---|---|---|---|---|",
    ]
    for r in routes:
        one = r.loads[low][0]
        many, trivial = r.loads[high]
        share = many.rate / trivial.rate if trivial.rate else 0.0
        goal = API_SHARE_GOAL if r.api else PAGE_SHARE_GOAL
        met = [
            "p95 ok" if one.p95_ms < P95_GOAL_MS else f"p95 ≥ {P95_GOAL_MS}",
            "share ok" if share >= goal else f"share < {ratio(goal, 1)}",
        ]
        errors = sum(load.errors for pair in r.loads.values() for load in pair[:1])
        lines.append(
            f"| {r.label} | {one.p50_ms:.1f} / {one.p95_ms:.1f} "
            f"| {r.sql[0]:.1f} / {r.sql[1]:.1f} ({len(r.statements)} q) "
            f"| {f'{one.p95_ms / r.sql[1]:.1f}×' if r.sql[1] else '–'} "
            f"| {many.p50_ms:.1f} / {many.p95_ms:.1f} | {many.rate:.1f} "
            f"| {trivial.rate:.0f} | {ratio(many.rate, trivial.rate)} "
            f"| {', '.join(met)}{f', {errors} errors' if errors else ''} |"
        )
    return lines


def profile_table(routes: list[Route]) -> list[str]:
    lines = [
        "| route | in-process (ms) | database ms (share) | template ms (share) "
        "| ORM, Python, middleware ms (share) |",
        "|---|---|---|---|---|",
    ]
    for r in routes:
        s = r.shares
        assert s is not None
        lines.append(
            f"| {r.label} | {s.total_ms:.1f} | {s.share(s.query_ms)} "
            f"| {s.share(s.template_ms)} | {s.share(s.rest_ms)} |"
        )
    return lines


def main_commit() -> str:
    return subprocess.run(
        ["git", "-C", str(ROOT), "log", "-1", "--format=%h %s"],
        capture_output=True,
        text=True,
        check=False,
    ).stdout.strip()[:90]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--seconds", type=int, default=10, help="Each timed run.")
    parser.add_argument("--warm-up", type=int, default=2, help="Before each run.")
    parser.add_argument(
        "--clients", default="1,16", help="Client counts, e.g. 1,16 (default)."
    )
    parser.add_argument(
        "--server-warm-up",
        type=int,
        default=15,
        help="Seconds of load on the trivial view once the server is up.",
    )
    parser.add_argument("--workers", type=int, default=2, help="gunicorn sync workers.")
    parser.add_argument(
        "--gunicorn-config",
        help="A gunicorn configuration file (the shipped one) instead of plain "
        "sync workers; its worker count and class apply.",
    )
    parser.add_argument("--sql-rounds", type=int, default=100)
    parser.add_argument("--profile-requests", type=int, default=30)
    parser.add_argument("--warm-up-requests", type=int, default=5)
    parser.add_argument("--only", help="Routes whose label contains this text.")
    parser.add_argument("--copy", help="Name of the copy (default: see above).")
    parser.add_argument(
        "--reuse", action="store_true", help="Time the copy made last time again."
    )
    args = parser.parse_args()
    args.clients = sorted(int(c) for c in args.clients.split(","))
    ensure_wrk()

    seed, copy_name = copy_database(args.copy, reuse=args.reuse)
    call_command("migrate", verbosity=0)
    say(f"Pages and API lists on a copy of {seed} ({connection.vendor}): {copy_name}")
    routes, people, firm = routes_and_people()
    if args.only:
        routes = [r for r in routes if args.only.lower() in r.label.lower()]
    headers = credentials(people, firm)
    say("In this process: each page's SQL and where its time goes")
    in_process(routes, headers, args)
    connection.close()
    server, port, log_path = serve(copy_name, args)
    try:
        check_answers(routes, headers, port)
        served_by = args.gunicorn_config or f"{args.workers} sync workers"
        say(f"Through gunicorn ({served_by})")
        under_load(routes, headers, port, args)
    finally:
        server.terminate()
        server.wait(timeout=30)
    load = os.getloadavg()
    say("")
    say(f"Pages and API lists, {connection.vendor}, {seed}; code at {main_commit()}")
    for line in table(routes, args.clients) + [""] + profile_table(routes):
        say(line)
    say("")
    say(
        f"  {platform.processor() or platform.machine()}, {os.cpu_count()} cores; "
        f"load average at the end {load[0]:.1f} / {load[1]:.1f} / {load[2]:.1f}"
    )
    say(machine_speed())
    say(f"  server log: {log_path}")
    say(f"  command: {command_line('bench/pages.py')}")


if __name__ == "__main__":
    main()
