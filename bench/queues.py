"""Task queues at scale: the assistant's queue, the team queue and the review queue
with 1,000,000 tasks.

Builds the people of ``firmdesk seed`` (8 firms, 2 providers of 40 staff, each staff
member assigned to two to four of their provider's firms, 3,000 matters a firm with
need-to-know grants, the starter playbooks; every live engagement one that has run
for 600 days, so the work is spread over the history) and then writes the tasks straight
into the table (``COPY`` on PostgreSQL, ``executemany`` in one transaction on
SQLite), planned by the seeder's ``TaskPlanner``: 18 months of finished work and a
backlog of 0.5 % (``OPEN_SHARE``: one to two days of work a person), with open
flags on a tenth of the backlog. Then it times,
per request, what a queue page asks of the database:

* the Scopes, resolved as a request would (``firms_for_user`` for the cross-firm
  queues, ``resolve_scope`` for the review queue of one firm);
* ``queue_mine`` / ``queue_team`` / ``queue_review`` with ``filter_tasks`` and
  ``sort_tasks`` (varied users, statuses, filters and sorts), paginated with
  the pages' ``CappedPaginator`` at 50: the count (up to 1,000) and the first
  page, as a list;
* and, when the pages exist (``/queue/``, ``/queue/team/``, ``/f/<slug>/review/``),
  the whole page through Django's test ``Client``: each user's own session, one
  handler for all, as one server process serves everyone.

The process is set up as the server's is (``firmdesk/wsgi.py``): the URLconf
loaded, then ``tune_gc``. ``--slowest N`` prints the N slowest requests of each
queue and what they asked for.

    .venv/bin/python bench/queues.py [--tasks 1000000] [--requests 200]
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/firmdesk_dev \\
        .venv/bin/python bench/queues.py --tasks 1000000

It works in its own database ("<name>_bench_queues" next to DATABASE_URL's, or
var/bench-queues.sqlite3), created fresh each run; ``--keep`` leaves it in place
and ``--reuse`` times a kept one again without rebuilding. ``--explain`` prints
the query plans of one request of each queue.
"""

import argparse
import datetime
import http.client
import os
import random
import shlex
import statistics
import subprocess
import sys
import tempfile
import time
import timeit
import uuid
from pathlib import Path
from urllib.parse import urlencode, urlsplit, urlunsplit

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "src"))
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "firmdesk.settings")

import django  # noqa: E402

django.setup()

from django.conf import settings  # noqa: E402
from django.db import (  # noqa: E402
    close_old_connections,
    connection,
    models,
    transaction,
)
from django.test import Client  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402
from django.urls import Resolver404, get_resolver, resolve  # noqa: E402
from django.utils import timezone  # noqa: E402
from django_otp import DEVICE_ID_SESSION_KEY  # noqa: E402
from django_otp.plugins.otp_totp.models import TOTPDevice  # noqa: E402
from faker import Faker  # noqa: E402
from rich.console import Console  # noqa: E402
from rich.progress import Progress  # noqa: E402

from bench.serving import free_port, start_gunicorn  # noqa: E402
from firmdesk.access.scope import firms_for_user, resolve_scope  # noqa: E402
from firmdesk.common.paginator import CappedPaginator  # noqa: E402
from firmdesk.common.runtime import tune_gc  # noqa: E402
from firmdesk.demo.seed import (  # noqa: E402
    Scale,
    SeedContext,
    seed_engagements,
    seed_grants,
    seed_matters,
    seed_organisations,
    seed_people,
)
from firmdesk.demo.seed_work import (  # noqa: E402
    TaskPlanner,
    firm_plans,
    seed_playbooks,
)
from firmdesk.engagements.models import (  # noqa: E402
    Assignment,
    ConfidentialityAgreement,
    Engagement,
    nda_text,
    nda_text_hash,
)
from firmdesk.orgs.models import Membership, Organization, Role, User  # noqa: E402
from firmdesk.work.models import Flag, Task  # noqa: E402
from firmdesk.work.selectors import (  # noqa: E402
    filter_tasks,
    queue_mine,
    queue_review,
    queue_team,
    sort_tasks,
)

PREFIX = "bq-"
PAGE = 50
WARM_UP = 20
CHUNK = 20_000
OPEN_SHARE = 0.005
SCALE = Scale(
    firms=8,
    providers=2,
    matters_per_firm=3000,
    staff_per_provider=40,
    tasks_per_matter=0,
)
QUEUES = ("mine", "team", "review")
PAGE_PATHS = {"mine": "/queue/", "team": "/queue/team/", "review": "/f/{slug}/review/"}


def say(text: str) -> None:
    print(text, flush=True)


def command_line(script: str) -> str:
    """The command that made this output, with the database settings it used."""
    return " ".join(
        [
            f"{var}={shlex.quote(os.environ[var])}"
            for var in ("DATABASE_URL", "FIRMDESK_VAR", "DB_CONN_MAX_AGE", "DB_POOL")
            if os.environ.get(var)
        ]
        + [".venv/bin/python", script]
        + [shlex.quote(a) for a in sys.argv[1:]]
    )


def machine_speed() -> str:
    """A line with a yardstick of the machine's speed at the end of the run: this
    machine runs the same code up to three times slower from one hour to the
    next, so figures from two runs compare only beside their yardsticks."""
    best = min(timeit.repeat("sum(range(1_000_000))", number=10, repeat=5)) / 10
    return f"  machine: sum(range(10**6)) takes {best * 1000:.1f} ms (best of 5)"


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(len(ordered) * q))]


# --- Database ----------------------------------------------------------------


def use_bench_database(keep: bool) -> tuple[str, str]:
    """Switch to a database of our own: created afresh (or the kept one when
    ``keep``) and migrated. Returns its name and the configured one."""
    name = connection.settings_dict["NAME"]
    if connection.vendor == "sqlite":
        bench_name = str(Path(settings.VAR_DIR) / "bench-queues.sqlite3")
    else:
        bench_name = f"{name}_bench_queues"
    connection.settings_dict.setdefault("TEST", {})["NAME"] = bench_name
    connection.creation.create_test_db(
        verbosity=0, autoclobber=True, keepdb=keep, serialize=False
    )
    return bench_name, name


# --- Data ----------------------------------------------------------------------


# Tasks are spread over 18 months; engagements have run for longer, so a firm's
# outside work is spread over them too. The seed starts some engagements (pilots
# above all) weeks ago, and then packs their share of a firm's 125,000 tasks into
# those weeks: 287,000 tasks in the month of the first runs, a team finishing
# 100,000 tasks in 30 days — not a firm that exists.
ESTABLISHED_DAYS = 600


def establish_engagements(ctx: SeedContext) -> None:
    """Every live engagement active since before the tasks' history began, with
    its staff assigned and their agreements signed since then."""
    start = ctx.days_ago(ESTABLISHED_DAYS)
    signed = datetime.datetime.combine(start, datetime.time(10), tzinfo=datetime.UTC)
    live = [e for e in ctx.engagements.values() if e.status != Engagement.Status.ENDED]
    for engagement in live:
        engagement.status = Engagement.Status.ACTIVE
        engagement.start_date = start
        engagement.pilot_start = engagement.pilot_evaluation = None
    Engagement.unscoped.bulk_update(
        live, ["status", "start_date", "pilot_start", "pilot_evaluation"]
    )
    ids = [e.pk for e in live]
    Assignment.unscoped.filter(engagement_id__in=ids).update(start_date=start)
    ConfidentialityAgreement.unscoped.filter(engagement_id__in=ids).update(
        signed_at=signed
    )


def widen_assignments(ctx: SeedContext) -> None:
    """Give every staff member two to four of their provider's firms (the seed
    gives each engagement a handful of staff), with the agreements that go with
    them: the cross-firm queues are what is measured."""
    rng = ctx.rng
    live = [e for e in ctx.engagements.values() if e.status != Engagement.Status.ENDED]
    assigned = {
        (engagement_id, user_id)
        for rows in ctx.live_assignments.values()
        for engagement_id, user_id, _ in rows
    }
    names = dict(User.objects.values_list("pk", "full_name"))
    text_hash = nda_text_hash(nda_text())
    assignments, agreements = [], []
    for provider in ctx.providers:
        engagements = [e for e in live if e.provider_id == provider.pk]
        for user_id, functions in ctx.staff[provider.pk]:
            mine = [e for e in engagements if (e.pk, user_id) in assigned]
            others = [e for e in engagements if (e.pk, user_id) not in assigned]
            wanted = min(len(engagements), rng.randint(2, 4)) - len(mine)
            for e in rng.sample(others, max(0, wanted)):
                shared = [f for f in functions if f in e.functions]
                if not shared:
                    continue
                assignments.append(
                    Assignment(
                        firm_id=e.firm_id,
                        engagement=e,
                        user_id=user_id,
                        functions=shared,
                        start_date=e.start_date,
                    )
                )
                agreements.append(
                    ConfidentialityAgreement(
                        firm_id=e.firm_id,
                        engagement=e,
                        signer_id=user_id,
                        signed_at=datetime.datetime.combine(
                            e.start_date, datetime.time(10), tzinfo=datetime.UTC
                        ),
                        text_sha256=text_hash,
                        signed_name=names[user_id],
                    )
                )
                ctx.live_assignments[e.firm_id].append((e.pk, user_id, shared))
    ctx.bulk(Assignment, assignments, label="more assignments", total=len(assignments))
    ctx.bulk(
        ConfidentialityAgreement,
        agreements,
        label="more agreements",
        total=len(agreements),
    )


def task_columns():
    return list(Task._meta.local_concrete_fields)


def task_rows(ctx: SeedContext, n: int, first_id: int, flags: list):
    """Rows of ``n`` tasks as the database takes them, from ``first_id`` on;
    collects ``flags`` as (task id, planned flag).

    The rows go in in the order the tasks were created, as a live table fills:
    the planner draws each task's time at random over 18 months, and written in
    that order a month's tasks lay one to a table page, so a list of recent
    work read ten times the pages it would on a real server."""
    fields = task_columns()
    planner = TaskPlanner(ctx.rng, ctx.now, open_share=OPEN_SHARE)
    plans = firm_plans(ctx)
    defaults = {}
    convert = []
    for f in fields:
        if f.attname == "id":
            continue
        default = f.get_default()
        defaults[f.attname] = default if not callable(default) else None
        needs = isinstance(
            f, (models.DateTimeField, models.UUIDField, models.JSONField)
        )
        convert.append((f, f.attname, needs))
    rng = ctx.rng
    planned_tasks = []
    for i in range(n):
        planned = planner.task(plans[i % len(plans)])
        values = planned.fields
        values.setdefault("updated_at", values["created_at"])
        values["public_id"] = uuid.UUID(int=rng.getrandbits(128), version=4)
        planned_tasks.append((values["created_at"], i, planned))
    planned_tasks.sort(key=lambda item: (item[0], item[1]))
    task_id = first_id
    for _, _, planned in planned_tasks:
        values = planned.fields
        row = [task_id]
        for f, name, needs in convert:
            value = values.get(name, defaults[name])
            if needs and value is not None:
                value = f.get_db_prep_save(value, connection)
            row.append(value)
        for flag in planned.flags:
            flags.append((task_id, values["firm_id"], flag))
        yield row
        task_id += 1


def progress(written: int, started: float) -> None:
    say(f"    {written:,} tasks ({time.perf_counter() - started:.0f} s)")


def insert_tasks(ctx: SeedContext, n: int) -> tuple[int, int]:
    """Write ``n`` tasks (and their flags); returns (tasks, flags)."""
    table = Task._meta.db_table
    columns = [f.column for f in task_columns()]
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT COALESCE(MAX(id), 0) FROM {table}")
        first_id = cursor.fetchone()[0] + 1
    flags: list = []
    rows = task_rows(ctx, n, first_id, flags)
    quoted = ", ".join(connection.ops.quote_name(c) for c in columns)
    started = time.perf_counter()
    written = 0
    with transaction.atomic(), connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            with cursor.cursor.copy(f"COPY {table} ({quoted}) FROM STDIN") as copy:
                for row in rows:
                    copy.write_row(row)
                    written += 1
                    if written % 100_000 == 0:
                        progress(written, started)
            cursor.execute(
                f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), "
                f"(SELECT MAX(id) FROM {table}))"
            )
        else:
            marks = ", ".join(["%s"] * len(columns))
            sql = f"INSERT INTO {table} ({quoted}) VALUES ({marks})"
            batch = []
            for row in rows:
                batch.append(row)
                if len(batch) == CHUNK:
                    cursor.executemany(sql, batch)
                    written += len(batch)
                    batch = []
                    if written % 100_000 == 0:
                        progress(written, started)
            cursor.executemany(sql, batch)
            written += len(batch)
    now = timezone.now()
    Flag.unscoped.bulk_create(
        [
            Flag(
                firm_id=firm_id,
                task_id=task_id,
                kind=kind,
                note=note,
                raised_by_id=raised_by,
                resolved_at=resolved,
                created_at=at,
                updated_at=resolved or now,
            )
            for task_id, firm_id, (kind, note, raised_by, at, resolved) in flags
        ],
        batch_size=2000,
    )
    return written, len(flags)


def build(n: int, seed: int) -> dict[str, float]:
    timings = {}
    started = time.perf_counter()
    fake = Faker("en_US")
    fake.seed_instance(seed)
    ctx = SeedContext(
        alias="default",
        scale=SCALE,
        rng=random.Random(seed),
        fake=fake,
        prefix=PREFIX,
        progress=Progress(console=Console(quiet=True)),
        password_hash="!",
        seed=seed,
    )
    with transaction.atomic():
        for step in (
            seed_organisations,
            seed_people,
            seed_engagements,
            establish_engagements,
            widen_assignments,
            seed_matters,
            seed_grants,
            seed_playbooks,
        ):
            step(ctx)
    timings["people"] = time.perf_counter() - started
    say(
        f"  firms, staff, engagements, {len(ctx.matters):,} matters, grants and "
        f"playbooks in {timings['people']:.1f} s"
    )
    started = time.perf_counter()
    tasks, flags = insert_tasks(ctx, n)
    timings["tasks"] = time.perf_counter() - started
    say(f"  {tasks:,} tasks and {flags:,} flags written in {timings['tasks']:.1f} s")
    started = time.perf_counter()
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(f"VACUUM ANALYZE {Task._meta.db_table}")
            cursor.execute("ANALYZE")
        else:
            cursor.execute("ANALYZE")
    timings["analyze"] = time.perf_counter() - started
    say(f"  statistics (ANALYZE) in {timings['analyze']:.1f} s")
    return timings


# --- Requests ------------------------------------------------------------------


class Requests:
    """Who asks for which queue with which filters: the same for the same seed."""

    def __init__(self, seed: int):
        self.rng = random.Random(seed + 1)
        firm_ids = Organization.objects.filter(
            kind="firm", slug__startswith=PREFIX
        ).values_list("pk", flat=True)
        staff_ids = (
            Assignment.unscoped.filter(
                firm_id__in=list(firm_ids),
                engagement__status__in=["active", "pilot"],
            )
            .values("user_id")
            .annotate(firms=models.Count("firm_id", distinct=True))
            .filter(firms__gte=2)
            .values_list("user_id", flat=True)
        )
        self.staff = list(User.objects.filter(pk__in=list(staff_ids)).order_by("pk"))
        attorneys = Membership.objects.filter(organization_id__in=list(firm_ids))
        self.attorneys = [
            (m.user, m.organization)
            for m in attorneys.select_related("user", "organization").order_by("pk")
            if Role.ATTORNEY in m.roles
        ]
        self.slugs = list(
            Organization.objects.filter(pk__in=list(firm_ids)).values_list(
                "slug", flat=True
            )
        )

    def params(self, queue: str) -> dict:
        rng = self.rng
        params: dict = {}
        if queue == "review":
            return params  # the review page has no filters, only "everyone's"
        params["status"] = rng.choices(
            ["open", "overdue", "in_progress", "submitted", "returned", "done"],
            [50, 15, 12, 10, 8, 5],
        )[0]
        if params["status"] == "done":
            # Finished work by when it was finished: most keep the page's
            # default (the last 30 days), some look further back.
            window = rng.choices(["", "90", "365", "any"], [80, 12, 6, 2])[0]
            if window:
                params["finished"] = window
        params["sort"] = rng.choices(
            ["due", "priority", "created", "firm", "title"], [55, 15, 15, 8, 7]
        )[0]
        if rng.random() < 0.15:
            params["function"] = rng.choice(["scheduling", "documents", "crm"])
        if rng.random() < 0.1:
            params["priority"] = rng.choice(["high", "urgent"])
        if rng.random() < 0.05:
            params["flagged"] = "on"
        if rng.random() < 0.05:
            params["q"] = rng.choice(["letter", "calendar", "2025-0"])
        if queue == "team":
            if rng.random() < 0.2:
                params["firm"] = rng.choice(self.slugs)
            if rng.random() < 0.1:
                params["assignee"] = "none"
        return params

    def next(self, queue: str):
        if queue == "review":
            user, firm = self.rng.choice(self.attorneys)
            return user, firm, self.params(queue), self.rng.random() < 0.6
        return self.rng.choice(self.staff), None, self.params(queue), False


def selector_request(queue: str, user, firm, params: dict, only_mine: bool):
    """What a queue page asks of the database, through the selectors, as the
    views in web/work/views.py use them."""
    now = timezone.now()
    started = time.perf_counter()
    if queue == "review":
        scope = resolve_scope(user, firm)
        scoped = time.perf_counter() - started
        qs = queue_review(scope, user=user if only_mine else None).order_by(
            "submitted_at", "created_at"
        )
    else:
        scopes = firms_for_user(user)
        scoped = time.perf_counter() - started
        if queue == "team":  # as the view: the firms the person serves as staff
            scopes = [s for s in scopes if s.is_provider_staff]
        qs = queue_mine(scopes, user) if queue == "mine" else queue_team(scopes)
        qs = filter_tasks(qs, params, now=now, user=user, scopes=scopes)
        qs = sort_tasks(qs, params["sort"])
    page = CappedPaginator(qs, PAGE).get_page(1)
    rows = list(page.object_list)
    return page.paginator.count, rows, scoped


def time_selectors(requests: Requests, count: int):
    results = {}
    for queue in QUEUES:
        for _ in range(WARM_UP):
            selector_request(queue, *requests.next(queue))
        times, queries, sizes, scoping = [], [], [], []
        for _ in range(count):
            args = requests.next(queue)
            connection.queries_log.clear()  # it keeps 9,000; the count needs room
            with CaptureQueriesContext(connection) as captured:
                started = time.perf_counter()
                total, rows, scoped = selector_request(queue, *args)
                times.append(time.perf_counter() - started)
            queries.append(len(captured))
            sizes.append(total)
            scoping.append(scoped)
            SLOW[queue].append((times[-1], args[0].pk, args[2], args[3], total))
        results[queue] = (times, queries, sizes, scoping)
    return results


SLOW: dict[str, list] = {queue: [] for queue in ("mine", "team", "review")}
SLOW_PAGES: dict[str, list] = {queue: [] for queue in ("mine", "team", "review")}


def print_slowest(n: int, slow: dict, what: str) -> None:
    """The n slowest requests of each queue, with what was asked."""
    for queue, rows in slow.items():
        say(f"\n--- {queue}: the {n} slowest {what}")
        for elapsed, user_id, params, only_mine, total in sorted(rows)[::-1][:n]:
            mine = " mine" if only_mine else ""
            say(
                f"  {elapsed * 1000:7.1f} ms  user {user_id}{mine}  "
                f"{total:>5} rows  {params}"
            )


def pages_exist(slug: str) -> bool:
    for path in PAGE_PATHS.values():
        try:
            resolve(path.format(slug=slug))
        except Resolver404:
            return False
    return True


def signed_in_client(user) -> Client:
    client = Client()
    client.force_login(user)
    device, _ = TOTPDevice.objects.get_or_create(
        user=user, name="Bench authenticator", defaults={"confirmed": True}
    )
    session = client.session
    session[DEVICE_ID_SESSION_KEY] = device.persistent_id
    session.save()
    return client


def time_pages(requests: Requests, count: int):
    """Each user signed in with a session of their own, all served by one
    handler, as one server process serves everyone: a new test ``Client`` loads
    the middleware again on its first request (WhiteNoise reads every static
    file's headers), which made a user's first page 25 ms slower than a
    server's. Database connections are kept or closed between requests as
    ``DB_CONN_MAX_AGE`` says, as a server does."""
    server = Client()
    sessions: dict[int, object] = {}
    results = {}
    for queue in QUEUES:
        times, statuses = [], []
        for n in range(WARM_UP + count):
            user, firm, params, only_mine = requests.next(queue)
            if user.pk not in sessions:
                sessions[user.pk] = signed_in_client(user).cookies
            server.cookies = sessions[user.pk]
            path = PAGE_PATHS[queue].format(slug=firm.slug if firm else "")
            if queue == "review" and not only_mine:
                params = {**params, "who": "all"}
            started = time.perf_counter()
            response = server.get(path, params)
            elapsed = time.perf_counter() - started
            # What a server does at the end of each request and the test client
            # leaves out: close the connection if DB_CONN_MAX_AGE says so (the
            # next request then pays for a new one, inside its time).
            close_old_connections()
            if n >= WARM_UP:
                times.append(elapsed)
                statuses.append(response.status_code)
                SLOW_PAGES[queue].append((elapsed, user.pk, params, only_mine, 0))
        results[queue] = (times, statuses)
    return results


def start_server() -> tuple[subprocess.Popen, int, Path]:
    """gunicorn with one sync worker (one client needs one) on the bench's
    database, loading this checkout's code, as ``firmdesk run`` serves."""
    port = free_port()
    name = connection.settings_dict["NAME"]
    if connection.vendor == "sqlite":
        url = f"sqlite:///{name}"
    else:
        url = urlunsplit(urlsplit(os.environ["DATABASE_URL"])._replace(path=f"/{name}"))
    env = {
        **os.environ,
        "DATABASE_URL": url,
        "PYTHONPATH": str(ROOT / "src"),
        "LOG_LEVEL": "WARNING",
    }
    log_path = Path(tempfile.mkdtemp(prefix="bench-queues-")) / "server.log"
    log = open(log_path, "w")  # noqa: SIM115 - gunicorn writes to it
    server = start_gunicorn(env, port, 1, log, ready_path="/login/", log_path=log_path)
    return server, port, log_path


def http_get(port: int, path: str, params: dict, cookie: str) -> tuple[int, float]:
    """One request as a browser makes it (a connection of its own, as gunicorn's
    sync workers close each): its status and the seconds until the whole page
    has arrived."""
    query = urlencode(params)
    started = time.perf_counter()
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
    try:
        conn.request(
            "GET", f"{path}?{query}" if query else path, headers={"Cookie": cookie}
        )
        response = conn.getresponse()
        response.read()
        return response.status, time.perf_counter() - started
    finally:
        conn.close()


def time_pages_http(requests: Requests, count: int):
    """The pages through a real server at one client: gunicorn, one worker, each
    user's session cookie; the time a page takes to arrive in full."""
    server, port, log_path = start_server()
    cookie_name = settings.SESSION_COOKIE_NAME
    sessions: dict[int, str] = {}
    results = {}
    try:
        for queue in QUEUES:
            times, statuses = [], []
            for n in range(WARM_UP + count):
                user, firm, params, only_mine = requests.next(queue)
                if user.pk not in sessions:
                    key = signed_in_client(user).cookies[cookie_name].value
                    sessions[user.pk] = f"{cookie_name}={key}"
                path = PAGE_PATHS[queue].format(slug=firm.slug if firm else "")
                if queue == "review" and not only_mine:
                    params = {**params, "who": "all"}
                status, elapsed = http_get(port, path, params, sessions[user.pk])
                if n >= WARM_UP:
                    times.append(elapsed)
                    statuses.append(status)
            results[queue] = (times, statuses)
    finally:
        server.terminate()
        server.wait(timeout=30)
    if any(s != 200 for t, st in results.values() for s in st):
        say(f"  some pages did not answer 200; the server's log: {log_path}")
    return results


def explain(requests: Requests) -> None:
    for queue in QUEUES:
        user, firm, _, only_mine = requests.next(queue)
        with CaptureQueriesContext(connection) as captured:
            selector_request(
                queue, user, firm, {"status": "open", "sort": "due"}, only_mine
            )
        say(f"\n--- {queue}: {len(captured)} queries; the task queries' plans")
        for query in captured.captured_queries:
            sql = query["sql"]
            if Task._meta.db_table not in sql.split("WHERE")[0]:
                continue
            prefix = (
                "EXPLAIN QUERY PLAN "
                if connection.vendor == "sqlite"
                else "EXPLAIN (ANALYZE, BUFFERS) "
            )
            with connection.cursor() as cursor:
                cursor.execute(prefix + sql)
                plan = cursor.fetchall()
            say(sql[:2000])
            for row in plan:
                say("   " + " | ".join(str(c) for c in row))


# --- Main ----------------------------------------------------------------------


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--tasks", type=int, default=1_000_000)
    parser.add_argument("--requests", type=int, default=200, help="Per queue.")
    parser.add_argument("--seed", type=int, default=20260101)
    parser.add_argument("--keep", action="store_true", help="Keep the database.")
    parser.add_argument(
        "--reuse", action="store_true", help="Time a kept database, no rebuild."
    )
    parser.add_argument(
        "--explain", action="store_true", help="Print the queues' query plans."
    )
    parser.add_argument(
        "--http",
        action="store_true",
        help="Time the pages through gunicorn too (one worker, one client), with "
        "the same requests as the selectors.",
    )
    parser.add_argument(
        "--slowest",
        type=int,
        default=0,
        metavar="N",
        help="Print the N slowest requests of each queue and what they asked.",
    )
    args = parser.parse_args()
    command = command_line("bench/queues.py")

    vendor = connection.vendor
    database, configured = use_bench_database(keep=args.reuse)
    say(f"Task queue benchmark on {vendor} ({database}), {os.cpu_count()} CPUs")
    timings: dict[str, float] = {}
    pages = served = None
    try:
        seeded = Organization.objects.filter(slug__startswith=PREFIX).exists()
        if seeded and args.reuse:
            say("  reusing the kept database")
        else:
            say(f"Building {args.tasks:,} tasks …")
            timings = build(args.tasks, args.seed)
        tasks = Task.unscoped.count()
        backlog = Task.unscoped.filter(status__in=Task.OPEN_STATUSES).count()
        requests = Requests(args.seed)
        # As the server does once it has loaded (firmdesk/wsgi.py).
        get_resolver(settings.ROOT_URLCONF).url_patterns  # noqa: B018
        tune_gc()
        if args.explain:
            explain(requests)
        say(f"Timing {args.requests} requests per queue through the selectors …")
        selectors = time_selectors(requests, args.requests)
        if args.slowest:
            print_slowest(args.slowest, SLOW, "selector requests")
        if pages_exist(requests.slugs[0]):
            say(f"Timing {args.requests} requests per queue through the pages …")
            pages = time_pages(requests, args.requests)
            if args.slowest:
                print_slowest(args.slowest, SLOW_PAGES, "pages (rows not counted)")
            if args.http:
                say(f"Timing {args.requests} requests per queue through gunicorn …")
                served = time_pages_http(Requests(args.seed), args.requests)
    finally:
        if not (args.keep or args.reuse):
            connection.creation.destroy_test_db(configured, verbosity=0)

    lines = [
        "",
        "Task queue benchmark",
        f"  database: {vendor}; {tasks:,} tasks ({backlog:,} open, "
        f"{backlog / tasks:.1%}) in {SCALE.firms} firms; "
        f"{len(requests.staff)} staff serving two or more firms, "
        f"{len(requests.attorneys)} attorneys",
    ]
    if timings:
        lines.append(
            f"  build: people and matters {timings['people']:.0f} s, tasks "
            f"{timings['tasks']:.0f} s, ANALYZE {timings['analyze']:.0f} s"
        )
    lines.append(
        f"  {args.requests} requests per queue after {WARM_UP} warm-up; varied users,"
        " statuses, filters and sorts; first page of 50 and the count"
    )
    header = f"  {'':30} {'p50 ms':>8} {'p95 ms':>8} {'max ms':>8} {'queries':>8}"
    header += f" {'rows p50':>9} {'scopes p50/p95 ms':>18}"
    lines.append(header)
    names = {
        "mine": "my queue",
        "team": "team queue",
        "review": "review queue",
    }
    for queue in QUEUES:
        times, queries, sizes, scoping = selectors[queue]
        lines.append(
            f"  {names[queue] + ' (selectors)':30} "
            f"{statistics.median(times) * 1000:8.1f} "
            f"{percentile(times, 0.95) * 1000:8.1f} {max(times) * 1000:8.1f} "
            f"{max(queries):8d} {statistics.median(sizes):9,.0f} "
            f"{statistics.median(scoping) * 1000:9.1f}/"
            f"{percentile(scoping, 0.95) * 1000:.1f}"
        )
    if pages:
        for label, results in (("page", pages), ("page, gunicorn", served)):
            for queue in QUEUES if results else ():
                times, statuses = results[queue]
                bad = sum(1 for s in statuses if s != 200)
                lines.append(
                    f"  {names[queue] + f' ({label})':30} "
                    f"{statistics.median(times) * 1000:8.1f} "
                    f"{percentile(times, 0.95) * 1000:8.1f} {max(times) * 1000:8.1f}"
                    + (f"   {bad} not 200" if bad else "")
                )
    else:
        lines.append(
            "  pages: skipped (/queue/, /queue/team/, /f/<slug>/review/ not routed)"
        )
    lines.append(machine_speed())
    lines.append(f"  command: {command}")
    say("\n".join(lines))


if __name__ == "__main__":
    main()
