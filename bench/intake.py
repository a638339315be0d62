"""Public intake form: sustained submissions per second through a real server,
and proof that none was lost.

Builds a firm with an intake form of five questions in a database of its own,
starts gunicorn (two workers, as ``firmdesk run`` does) and the job worker next
to it, with the per-address rate limit raised out of the way, and then lets a
few concurrent clients behave like visitors for a fixed time: each visit fetches
the form (keeping its CSRF cookie and token) and sends it. Every submission the
server answered with its redirect to the thanks page must then be a Lead,
found by the token in that redirect.

What a submission costs is all of it: the lead and its audit event in one
transaction, then (after the commit, still in the request) the conflict screen
with the prospective client and the other side written to the conflict index,
and the two jobs enqueued; the worker meanwhile tells the firm and "sends" the
confirmation e-mail (to Django's dummy backend).

    .venv/bin/python bench/intake.py [--seconds 20] [--clients 4]
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/firmdesk \\
        .venv/bin/python bench/intake.py --seconds 20

It works in its own database ("<name>_bench_intake" next to DATABASE_URL's, or
a SQLite file in a temporary directory), created fresh each run and dropped at
the end unless ``--keep``. Static files must be collected (``make static``).
"""

import argparse
import http.client
import os
import re
import shlex
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlencode, urlsplit, urlunsplit

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "src"))
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "firmdesk.settings")
TEMP = Path(tempfile.mkdtemp(prefix="firmdesk-bench-intake-"))
GIVEN_URL = os.environ.get("DATABASE_URL", "")
if not GIVEN_URL:
    os.environ["DATABASE_URL"] = f"sqlite:///{TEMP / 'intake.sqlite3'}"

import django  # noqa: E402

django.setup()

from django.conf import settings  # noqa: E402
from django.db import connection  # noqa: E402

from bench.serving import free_port, start_gunicorn  # noqa: E402
from firmdesk.intake.models import IntakeForm, IntakeQuestion, Lead  # noqa: E402
from firmdesk.orgs.models import Membership, Organization, User  # noqa: E402

FIRM = "bench-law"
FORM = "injury"
WARM_UP_SECONDS = 3
TOKEN = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')
THANKS = re.compile(rf"/intake/{FIRM}/{FORM}/thanks/([A-Za-z0-9_-]+)/$")
QUESTIONS = [
    ("What kind of accident was it?", "choice", ["Car", "Work", "Slip and fall"]),
    ("When did it happen?", "date", []),
    ("Were you treated in a hospital?", "yes_no", []),
    ("Your injuries", "long_text", []),
    ("Insurance company, if you know it", "short_text", []),
]


def say(text: str) -> None:
    print(text, flush=True)


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(len(ordered) * q))]


# --- Database and data ----------------------------------------------------------


def use_bench_database(keep: bool) -> tuple[str, str, str]:
    """A database of our own, created afresh and migrated. Returns its URL (for
    the server), its name, and the configured name (to drop it afterwards)."""
    name = connection.settings_dict["NAME"]
    if connection.vendor == "sqlite":
        bench_name = str(Path(name).with_name("bench-intake.sqlite3"))
        url = f"sqlite:///{bench_name}"
    else:
        bench_name = f"{name}_bench_intake"
        parts = urlsplit(os.environ["DATABASE_URL"])
        url = urlunsplit(parts._replace(path=f"/{bench_name}"))
    connection.settings_dict.setdefault("TEST", {})["NAME"] = bench_name
    connection.creation.create_test_db(
        verbosity=0, autoclobber=True, keepdb=keep, serialize=False
    )
    return url, bench_name, name


def build() -> Organization:
    firm = Organization.objects.create(
        kind=Organization.Kind.FIRM,
        name="Bench & Partners LLP",
        slug=FIRM,
        time_zone="America/New_York",
        jurisdiction="US-NY",
    )
    admin = User.objects.create_user(
        email="admin@bench.test", full_name="Bea Bench", password=None
    )
    Membership.objects.create(
        user=admin, organization=firm, roles=["firm_admin", "attorney"]
    )
    form = IntakeForm.unscoped.create(
        firm=firm,
        title="Injury inquiry",
        slug=FORM,
        practice_area="Personal injury",
        confirmation="We will call you within one business day.",
    )
    for n, (label, kind, choices) in enumerate(QUESTIONS):
        IntakeQuestion.unscoped.create(
            firm=firm,
            form=form,
            position=n,
            label=label,
            kind=kind,
            choices=choices,
            required=n < 2,
        )
    return firm


# --- The server ------------------------------------------------------------------


def start_server(database_url: str, port: int, workers: int, with_worker: bool):
    env = {
        **os.environ,
        "DATABASE_URL": database_url,
        "FIRMDESK_INTAKE_RATE_LIMIT": "1000000/hour",
        "EMAIL_BACKEND": "django.core.mail.backends.dummy.EmailBackend",
        "LOG_LEVEL": "WARNING",
    }
    log = open(TEMP / "server.log", "w")  # noqa: SIM115 - the children write to it
    server = start_gunicorn(
        env,
        port,
        workers,
        log,
        ready_path=f"/intake/{FIRM}/{FORM}/",
        log_path=TEMP / "server.log",
    )
    children = [server]
    if with_worker:
        children.append(
            subprocess.Popen(
                [sys.executable, "-m", "firmdesk.cli", "worker"],
                env=env,
                stdout=log,
                stderr=subprocess.STDOUT,
            )
        )
    return children


def stop(children) -> None:
    for child in children:
        child.terminate()
    for child in children:
        try:
            child.wait(timeout=15)
        except subprocess.TimeoutExpired:
            child.kill()
            child.wait()


# --- Visitors -------------------------------------------------------------------------


@dataclass
class Results:
    get_times: list[float] = field(default_factory=list)
    post_times: list[float] = field(default_factory=list)
    tokens: list[str] = field(default_factory=list)
    errors: dict[str, int] = field(default_factory=dict)
    lock: threading.Lock = field(default_factory=threading.Lock)

    def error(self, what: str) -> None:
        with self.lock:
            self.errors[what] = self.errors.get(what, 0) + 1


def _request(port, method, path, body=None, headers=None):
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
    try:
        conn.request(method, path, body=body, headers=headers or {})
        response = conn.getresponse()
        return response, response.read()
    finally:
        conn.close()


def visitor(n: int, port: int, start_at: float, end_at: float, results: Results):
    """Fetch the form, send it, again and again until ``end_at``; what happens
    before ``start_at`` (the warm-up) is not counted."""
    path = f"/intake/{FIRM}/{FORM}/"
    visit = 0
    while time.monotonic() < end_at:
        visit += 1
        t0 = time.monotonic()
        try:
            response, body = _request(port, "GET", path)
            t1 = time.monotonic()
            cookie = next(
                (
                    v.split(";", 1)[0]
                    for k, v in response.getheaders()
                    if k.lower() == "set-cookie" and v.startswith("csrftoken=")
                ),
                None,
            )
            token = TOKEN.search(body.decode())
            if response.status != 200 or cookie is None or token is None:
                results.error(f"GET {response.status}")
                continue
            data = {
                "csrfmiddlewaretoken": token.group(1),
                "name": f"Bench Visitor {n:02d}-{visit:06d}",
                "email": f"visitor{n}.{visit}@example.com",
                "phone": f"(312) 555-{(n * 1000 + visit) % 10000:04d}",
                "description": "A delivery truck ran a red light and hit my car.",
                "adverse_parties": f"Acme Freight LLC\nDriver {n}-{visit}",
                "website": "",
                "q1": "Car",
                "q2": "2026-11-02",
                "q3": "yes",
                "q4": "Whiplash and a broken wrist.",
                "q5": "",
            }
            response, _ = _request(
                port,
                "POST",
                path,
                body=urlencode(data),
                headers={
                    "Content-Type": "application/x-www-form-urlencoded",
                    "Cookie": cookie,
                },
            )
            t2 = time.monotonic()
        except OSError as error:
            results.error(type(error).__name__)
            continue
        if t0 < start_at:
            continue
        location = response.getheader("Location") or ""
        thanks = THANKS.search(urlsplit(location).path)
        if response.status != 302 or thanks is None:
            results.error(f"POST {response.status}")
            continue
        with results.lock:
            results.get_times.append(t1 - t0)
            results.post_times.append(t2 - t1)
            results.tokens.append(thanks.group(1))


def run_visitors(port: int, clients: int, seconds: float) -> tuple[Results, float]:
    results = Results()
    start_at = time.monotonic() + WARM_UP_SECONDS
    end_at = start_at + seconds
    threads = [
        threading.Thread(target=visitor, args=(n, port, start_at, end_at, results))
        for n in range(clients)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    # Visits still in flight at the end are counted: measure to the last one.
    return results, max(seconds, time.monotonic() - start_at)


# --- Main -------------------------------------------------------------------------


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--seconds", type=float, default=20.0)
    parser.add_argument("--clients", type=int, default=4)
    parser.add_argument("--workers", type=int, default=2, help="gunicorn workers")
    parser.add_argument(
        "--no-worker", action="store_true", help="Do not run the job worker."
    )
    parser.add_argument("--keep", action="store_true", help="Keep the database.")
    args = parser.parse_args()
    command = " ".join(
        ([f"DATABASE_URL={shlex.quote(GIVEN_URL)}"] if GIVEN_URL else [])
        + [".venv/bin/python", "bench/intake.py", *map(shlex.quote, sys.argv[1:])]
    )
    if not (Path(settings.STATIC_ROOT) / "staticfiles.json").exists():
        raise SystemExit("Collect the static files first: make static")

    vendor = connection.vendor
    load_before = os.getloadavg()[0]
    say(f"Building the bench database ({vendor})…")
    url, bench_name, configured = use_bench_database(keep=False)
    children = []
    try:
        firm = build()
        port = free_port()
        children = start_server(url, port, args.workers, not args.no_worker)
        say(
            f"Serving on 127.0.0.1:{port}; {args.clients} visitors for "
            f"{args.seconds:.0f} s after {WARM_UP_SECONDS} s of warm-up…"
        )
        results, elapsed = run_visitors(port, args.clients, args.seconds)
        load_after = os.getloadavg()[0]
    finally:
        stop(children)
    try:
        answered = len(results.tokens)
        stored = Lead.objects.for_firm(firm).filter(token__in=results.tokens).count()
        total_leads = Lead.objects.for_firm(firm).count()
        screened = (
            Lead.objects.for_firm(firm).filter(conflict_check__isnull=False).count()
        )
    finally:
        if not args.keep:
            connection.creation.destroy_test_db(configured, verbosity=0)

    lost = answered - stored
    rate = answered / elapsed if elapsed else 0.0
    lines = [
        "",
        "Public intake form benchmark",
        f"  database: {vendor}{' (kept: ' + bench_name + ')' if args.keep else ''}; "
        f"gunicorn {args.workers} sync workers"
        f"{'' if args.no_worker else ' + the job worker'}; {os.cpu_count()} CPUs, "
        f"load average {load_before:.1f} before, {load_after:.1f} at the end",
        f"  {args.clients} concurrent visitors for {elapsed:.1f} s after "
        f"{WARM_UP_SECONDS} s warm-up; each visit: GET the form, POST it (5 "
        "questions, 2 other parties)",
        f"  submissions answered with the thanks redirect: {answered:,}; "
        f"errors: {dict(results.errors) or 'none'}",
    ]
    if answered:
        lines += [
            f"  POST latency  p50 {statistics.median(results.post_times) * 1e3:6.1f} ms"
            f"   p95 {percentile(results.post_times, 0.95) * 1000:6.1f} ms"
            f"   max {max(results.post_times) * 1000:6.1f} ms",
            f"  GET latency   p50 {statistics.median(results.get_times) * 1e3:6.1f} ms"
            f"   p95 {percentile(results.get_times, 0.95) * 1000:6.1f} ms",
        ]
    lines += [
        f"  leads in the database: {total_leads:,} (warm-up included), "
        f"{screened:,} screened; of the {answered:,} answered: {stored:,} found, "
        f"{lost} lost",
        f"  sustained: {rate:.1f} submissions/s",
        f"  command: {command}",
    ]
    if lost or results.errors or not answered:
        lines.append(f"  server and worker log: {TEMP / 'server.log'}")
    elif not args.keep:
        shutil.rmtree(TEMP, ignore_errors=True)
    say("\n".join(lines))
    if lost or not answered:
        raise SystemExit(1)


if __name__ == "__main__":
    main()
