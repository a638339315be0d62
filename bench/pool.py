"""Database connections under the shipped server (``firmdesk serve``: gevent
workers) on PostgreSQL, with the pool (``DB_POOL=on``, the default under gevent)
or without it (``DB_POOL=off``): N requests to the API's matter list from C
clients, counting what does not depend on how busy the machine is:

* PostgreSQL sessions opened during the run (``pg_stat_database.sessions``);
* the server's backends, sampled every 0.1 s (``pg_stat_activity``): the
  highest count, and the count at the end (a leak would grow it);
* the server's CPU seconds (master, workers and workers already replaced)
  per 1,000 requests, and with ``--postmaster-pid`` PostgreSQL's (a server of
  its own for the run: every backend it started counts);
* the answers by status; with ``--restart-at K`` the database is restarted by
  ``--restart-command`` after K requests, and the errors during the restart and
  the answers after it are counted apart.

It needs a seeded database and makes an API token in it for a firm admin.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/fd_small \\
        .venv/bin/python bench/pool.py --requests 10000 --clients 32
"""

import argparse
import datetime
import os
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request
from collections import Counter
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "src"))
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "firmdesk.settings")

import psycopg  # noqa: E402

from bench.queues import command_line, machine_speed, say  # noqa: E402
from bench.serving import free_port  # noqa: E402
from firmdesk.integrations.tokens import token_create  # noqa: E402
from firmdesk.orgs.models import Membership, Role  # noqa: E402

TICKS = os.sysconf("SC_CLK_TCK")


def api_token() -> tuple[str, str]:
    """A new API token of a firm admin, and the firm's slug."""
    for membership in Membership.objects.select_related("user", "organization"):
        if Role.FIRM_ADMIN in membership.roles and membership.user.is_active:
            stamp = datetime.datetime.now().strftime("%Y%m%d%H%M%S")
            firm = membership.organization
            token = token_create(
                user=membership.user, firm=firm, name=f"Bench pool {stamp}"
            )
            return token.secret, firm.slug
    raise SystemExit("No firm admin here: seed first.")


def server_cpu_seconds(master: int) -> float:
    """CPU time of a server: the master, its live children and (in the
    master's cutime/cstime) the children that have already ended."""

    def fields(pid: int) -> list[str]:
        text = Path(f"/proc/{pid}/stat").read_text()
        return text.rsplit(")", 1)[1].split()

    own = fields(master)
    total = sum(int(own[i]) for i in (11, 12, 13, 14))
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = fields(int(entry.name))
        except OSError:
            continue
        if int(stat[1]) == master:
            total += int(stat[11]) + int(stat[12])
    return total / TICKS


class Backends:
    """Samples the server's backends in the background, reconnecting when
    the database restarts."""

    def __init__(self, url: str):
        self.url = url
        self.samples: list[int] = []
        self.stop = threading.Event()
        self.thread = threading.Thread(target=self.run, daemon=True)

    def count(self) -> int:
        with psycopg.connect(self.url, autocommit=True) as conn:
            return self._count(conn)

    @staticmethod
    def _count(conn) -> int:
        return conn.execute(
            "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database()"
            " AND pid <> pg_backend_pid() AND backend_type = 'client backend'"
        ).fetchone()[0]

    def run(self) -> None:
        while not self.stop.is_set():
            try:
                with psycopg.connect(self.url, autocommit=True) as conn:
                    while not self.stop.wait(0.1):
                        self.samples.append(self._count(conn))
            except psycopg.OperationalError:
                self.stop.wait(0.2)


def sessions(url: str) -> int:
    with psycopg.connect(url, autocommit=True) as conn:
        conn.execute("SELECT pg_stat_clear_snapshot()")
        row = conn.execute(
            "SELECT sessions FROM pg_stat_database WHERE datname = current_database()"
        ).fetchone()
        return row[0]


def wait_until_answering(port: int, process: subprocess.Popen) -> None:
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise SystemExit("the server stopped")
        try:
            with urllib.request.urlopen(  # noqa: S310
                f"http://127.0.0.1:{port}/login/", timeout=5
            ) as response:
                if response.status == 200:
                    return
        except OSError:
            time.sleep(0.3)
    raise SystemExit("the server did not answer")


def get(url: str, token: str) -> int:
    request = urllib.request.Request(url, headers={"Authorization": f"Bearer {token}"})
    try:
        with urllib.request.urlopen(request, timeout=60) as response:  # noqa: S310
            response.read()
            return response.status
    except urllib.error.HTTPError as error:
        return error.code
    except OSError:
        return 0


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--requests", type=int, default=10000)
    parser.add_argument("--clients", type=int, default=32)
    parser.add_argument("--warm-up", type=int, default=200)
    parser.add_argument(
        "--path", default="/api/v1/f/{firm}/matters", help="{firm}: the firm's slug."
    )
    parser.add_argument("--restart-at", type=int, help="Requests before the restart.")
    parser.add_argument(
        "--restart-command", help="Restarts PostgreSQL (e.g. pg_ctl restart -m fast)."
    )
    parser.add_argument(
        "--postmaster-pid",
        help="postmaster.pid of a PostgreSQL on this machine that serves nothing "
        "else: its CPU seconds (the postmaster and every backend) are counted too.",
    )
    args = parser.parse_args()
    postmaster = (
        int(Path(args.postmaster_pid).read_text().split()[0])
        if args.postmaster_pid
        else 0
    )

    from django.db import connection

    if connection.vendor != "postgresql":
        raise SystemExit("PostgreSQL only: set DATABASE_URL.")
    token, slug = api_token()
    args.path = args.path.format(firm=slug)
    db = connection.settings_dict
    url = (
        f"postgresql://{db['USER']}@{db['HOST'] or 'localhost'}:{db['PORT'] or 5432}"
        f"/{db['NAME']}"
    )
    connection.close()

    port = free_port()
    env = {**os.environ, "PYTHONPATH": str(ROOT / "src"), "LOG_LEVEL": "WARNING"}
    env["FIRMDESK_API_RATE_LIMIT"] = "100000000/min"
    env["FIRMDESK_ACCESS_LOG"] = "off"
    log = open(ROOT / "var" / "bench-pool-server.log", "wb")  # noqa: SIM115
    server = subprocess.Popen(
        [sys.executable, "-m", "firmdesk.cli", "serve", "--bind", f"127.0.0.1:{port}"],
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )
    target = f"http://127.0.0.1:{port}{args.path}"
    statuses: Counter = Counter()
    after_restart: Counter = Counter()
    backends = Backends(url)
    try:
        wait_until_answering(port, server)
        with ThreadPoolExecutor(args.clients) as clients:
            warm = Counter(
                clients.map(lambda _: get(target, token), range(args.warm_up))
            )
            say(f"warm-up: {dict(warm)}")
            opened_before = sessions(url)
            cpu_before = server_cpu_seconds(server.pid)
            postgres_before = server_cpu_seconds(postmaster) if postmaster else 0
            backends.thread.start()
            started = time.monotonic()
            restarted = threading.Event()
            done = 0
            lock = threading.Lock()

            def one(_):
                nonlocal done
                status = get(target, token)
                with lock:
                    done += 1
                    (after_restart if restarted.is_set() else statuses)[status] += 1
                    restart_now = args.restart_at and done == args.restart_at
                if restart_now:
                    say(f"restarting PostgreSQL after {done} requests")
                    subprocess.run(args.restart_command, shell=True, check=True)  # noqa: S602
                    restarted.set()

            list(clients.map(one, range(args.requests)))
            elapsed = time.monotonic() - started
            cpu = server_cpu_seconds(server.pid) - cpu_before
            postgres_cpu = (
                server_cpu_seconds(postmaster) - postgres_before if postmaster else 0
            )
        backends.stop.set()
        backends.thread.join()
        time.sleep(2)  # sessions are counted when PostgreSQL flushes its stats
        opened = sessions(url) - opened_before - 1  # less the one counting them
        at_end = backends.count()
    finally:
        backends.stop.set()
        os.killpg(server.pid, 15)
        server.wait(timeout=30)
        log.close()
    load = os.getloadavg()
    pool = env.get("DB_POOL", "on (gevent default)")
    say("")
    say(
        f"{args.requests} requests to {args.path}, {args.clients} clients; "
        f"DB_POOL={pool}"
    )
    say(f"  answers: {dict(statuses)}")
    if args.restart_at:
        say(f"  answers after the restart: {dict(after_restart)}")
    say(
        f"  PostgreSQL sessions opened: {opened} "
        f"({opened / args.requests:.3f} a request)"
    )
    peak = max(backends.samples, default=0)
    say(f"  server's backends: highest {peak}, at the end {at_end}")
    say(
        f"  server CPU: {cpu:.1f} s, {cpu / args.requests * 1000:.1f} s per 1,000 "
        f"requests; wall {elapsed:.1f} s ({args.requests / elapsed:.0f} req/s)"
    )
    if postmaster:
        say(
            f"  PostgreSQL CPU: {postgres_cpu:.1f} s, "
            f"{postgres_cpu / args.requests * 1000:.2f} s per 1,000 requests"
        )
    say(f"  load average at the end {load[0]:.1f} / {load[1]:.1f} / {load[2]:.1f}")
    say(machine_speed())
    say(f"  command: {command_line('bench/pool.py')}")


if __name__ == "__main__":
    main()
