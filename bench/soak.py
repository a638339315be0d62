"""Soak and fault test (``make soak``): mixed reads and writes from many
clients against gunicorn and a real ``firmdesk worker`` on a PostgreSQL of the
soak's own, with the server, the worker and the database killed or restarted
in the middle of it; then the verdict, printed and as the exit code.

    make soak                                  # 50 clients, 10 minutes
    make soak SOAK_ARGS="--minutes 1"          # a short round while developing
    .venv/bin/python bench/soak.py --help

Everything runs on loopback. The first run makes a PostgreSQL cluster under
``var/soak/pg`` on port 5433 (``--pg-port``), migrates and seeds a template
database (``firmdesk seed --scale small``: five firms, two providers), and each
run starts from a fresh copy of it; the cluster is stopped at the end
(``--keep-cluster`` leaves it running). As root the cluster is run as the
``postgres`` user (``runuser``); elsewhere as the user running the soak. See
bench/soak_cluster.py.

The faults, each in the middle of writes and jobs (times as parts of the run):

* 15 %: kill -9 of one gunicorn worker (the master starts another);
* 30 %: kill -9 of the job worker while a webhook delivery is in flight, and
  the worker started again (as systemd would);
* 45 %: kill -9 of the gunicorn master; what is left of it is stopped and
  gunicorn started again (systemd's Restart=always);
* 60 %: PostgreSQL restarted (``pg_ctl restart -m fast``): nothing of the
  app is restarted, it must reconnect by itself;
* 75 %: kill -9 of a gunicorn worker and of the job worker at once.

A fault's window runs from the kill until the server answers again, plus a
few seconds for requests that were in flight. Requests that got no answer or
a 5xx inside a window are counted apart; outside every window there must be
none. Writes are acknowledged by their answer (the new row's id, or the unique
text the client typed), and afterwards every one must be in the database,
none twice, with the rows written beside it (``bench/soak_verify.py``).

The full output goes to bench/results/soak.md (``--output``).
"""

import argparse
import http.client
import os
import shlex
import signal
import subprocess
import sys
import threading
import time
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "src"))
sys.path.insert(0, str(ROOT / "bench"))

from serving import free_port  # noqa: E402
from soak_cluster import Cluster  # noqa: E402

TEMPLATE = "soak_seed"
DATABASE = "soak"
# After a fault, how long requests that were in flight may still fail.
GRACE_SECONDS = 3.0
# WORKER_SCHEDULE_EVERY_SECONDS below, twice, and a little.
SWEEPS_AFTER_LOAD = 25


def options() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--minutes", type=float, default=10)
    parser.add_argument("--clients", type=int, default=50)
    parser.add_argument("--pg-port", type=int, default=5433)
    parser.add_argument(
        "--pg-bin", default="/usr/lib/postgresql/15/bin", help="PostgreSQL binaries."
    )
    parser.add_argument(
        "--soak-dir",
        default=str(ROOT / "var" / "soak"),
        help="The cluster, the app's var/ and the logs (default var/soak).",
    )
    parser.add_argument("--workers", type=int, default=3, help="gunicorn workers.")
    parser.add_argument(
        "--threads", type=int, default=4, help="Threads per gunicorn worker."
    )
    parser.add_argument(
        "--gunicorn-config",
        help="A gunicorn config file (-c); its settings come after the flags.",
    )
    parser.add_argument(
        "--keep-cluster",
        action="store_true",
        help="Leave the soak's PostgreSQL running afterwards (to look at its data).",
    )
    parser.add_argument("--no-faults", action="store_true")
    parser.add_argument("--reseed", action="store_true", help="Make a new template.")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--output", default=str(ROOT / "bench/results/soak.md"))
    return parser.parse_args()


def say(text: str) -> None:
    print(f"[{time.strftime('%H:%M:%S')}] {text}", flush=True)


# --- The database -------------------------------------------------------------


def prepare_database(cluster: Cluster, env: dict, reseed: bool) -> None:
    cluster.ensure()
    if reseed or not cluster.exists(TEMPLATE):
        say("Making the template database (migrate and seed: about 2 minutes)")
        cluster.psql(f'DROP DATABASE IF EXISTS "{TEMPLATE}" WITH (FORCE)')
        cluster.psql(f'CREATE DATABASE "{TEMPLATE}"')
        template_env = {**env, "DATABASE_URL": f"{cluster.url_base}/{TEMPLATE}"}
        firmdesk(template_env, "migrate", "-v0")
        firmdesk(template_env, "seed", "--scale", "small")
    cluster.copy(TEMPLATE, DATABASE)
    # Migrations merged since the template was made.
    firmdesk(env, "migrate", "-v0")


def firmdesk(env: dict, *args: str) -> None:
    subprocess.run(
        [sys.executable, "-m", "firmdesk.cli", *args],
        env=env,
        check=True,
        stdout=subprocess.DEVNULL,
    )


# --- The processes -------------------------------------------------------------


def processes() -> list[tuple[int, int, int, str]]:
    """(pid, parent pid, process group, state) of every process, from /proc."""
    found = []
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        found.append((int(stat.parent.name), int(fields[1]), int(fields[2]), fields[0]))
    return found


def children(pid: int) -> list[int]:
    return [p for p, parent, _, _ in processes() if parent == pid]


def group_members(pgid: int) -> list[int]:
    return [p for p, _, group, state in processes() if group == pgid and state != "Z"]


class Service:
    """A process started as systemd would: its own process group, its output
    to a log, and on restart whatever is left of the old group stopped first
    (KillMode=control-group)."""

    def __init__(self, name: str, command: list[str], env: dict, log: Path):
        self.name, self.command, self.env, self.log = name, command, env, log
        self.process: subprocess.Popen | None = None

    def start(self) -> None:
        with open(self.log, "a") as log:
            self.process = subprocess.Popen(
                self.command,
                env=self.env,
                stdout=log,
                stderr=subprocess.STDOUT,
                start_new_session=True,
            )

    @property
    def pid(self) -> int:
        assert self.process is not None
        return self.process.pid

    def kill9(self) -> None:
        os.kill(self.pid, signal.SIGKILL)
        assert self.process is not None
        self.process.wait()

    def clear_group(self, timeout: float = 10) -> None:
        """What systemd does after the main process died: TERM the rest of
        the group, then KILL what is still there."""
        pgid = self.pid
        for pid in group_members(pgid):
            os.kill(pid, signal.SIGTERM)
        deadline = time.monotonic() + timeout
        while group_members(pgid) and time.monotonic() < deadline:
            time.sleep(0.2)
        for pid in group_members(pgid):
            os.kill(pid, signal.SIGKILL)

    def restart_after_kill(self) -> None:
        started = time.monotonic()
        self.clear_group()
        took = time.monotonic() - started
        say(f"  {self.name}: what was left of it gone after {took:.1f} s")
        self.start()

    def stop(self) -> None:
        if self.process is None or self.process.poll() is not None:
            return
        self.process.send_signal(signal.SIGTERM)
        try:
            self.process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()
        self.clear_group(timeout=5)


def answers(port: int) -> bool:
    try:
        # Behind fifty clients' requests on a busy machine: a long wait.
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
        conn.request("GET", "/login/")
        ok = conn.getresponse().status == 200
        conn.close()
        return ok
    except (OSError, http.client.HTTPException):
        return False


def wait_answering(port: int, timeout: float = 300) -> float:
    started = time.monotonic()
    while time.monotonic() - started < timeout:
        if answers(port):
            return time.monotonic() - started
        time.sleep(0.1)
    raise SystemExit(f"The server did not answer within {timeout:.0f} s")


# --- Faults -------------------------------------------------------------------


@dataclass
class Fault:
    name: str
    started: float
    ended: float = 0.0
    recovery: float = 0.0
    http: bool = True


class Faults:
    def __init__(self, *, gunicorn, worker, cluster, receiver, port):
        self.gunicorn: Service = gunicorn
        self.worker: Service = worker
        self.cluster: Cluster = cluster
        self.receiver = receiver
        self.port = port
        self.done: list[Fault] = []

    def plan(self, duration: float) -> list[tuple[float, callable]]:
        return [
            (0.15 * duration, self.kill_gunicorn_worker),
            (0.30 * duration, self.kill_job_worker),
            (0.45 * duration, self.kill_gunicorn_master),
            (0.60 * duration, self.restart_postgres),
            (0.75 * duration, self.kill_both_workers),
        ]

    def _window(self, name: str, started: float, http: bool = True) -> None:
        if http:
            wait_answering(self.port)
        fault = Fault(name, started, time.monotonic() + GRACE_SECONDS, http=http)
        fault.recovery = time.monotonic() - started
        self.done.append(fault)
        say(f"  {name}: answering again after {fault.recovery:.1f} s")

    def _one_gunicorn_worker(self) -> int:
        workers = children(self.gunicorn.pid)
        if not workers:
            raise SystemExit("gunicorn has no worker to kill")
        return workers[0]

    def kill_gunicorn_worker(self) -> None:
        started = time.monotonic()
        os.kill(self._one_gunicorn_worker(), signal.SIGKILL)
        self._window("kill -9 of a gunicorn worker", started)

    def _kill_worker_mid_delivery(self) -> None:
        # In the middle of a job: wait (a little) for a delivery in flight.
        deadline = time.monotonic() + 15
        while not self.receiver.busy() and time.monotonic() < deadline:
            time.sleep(0.02)
        self.worker.kill9()

    def kill_job_worker(self) -> None:
        started = time.monotonic()
        self._kill_worker_mid_delivery()
        time.sleep(2)
        self.worker.restart_after_kill()
        self._window(
            "kill -9 of the job worker (started again after 2 s)", started, http=False
        )

    def kill_gunicorn_master(self) -> None:
        started = time.monotonic()
        self.gunicorn.kill9()
        self.gunicorn.restart_after_kill()
        self._window("kill -9 of the gunicorn master (started again)", started)

    def restart_postgres(self) -> None:
        started = time.monotonic()
        took = self.cluster.restart()
        say(f"  pg_ctl restart -m fast took {took:.1f} s")
        self._window("PostgreSQL restarted under load", started)

    def kill_both_workers(self) -> None:
        started = time.monotonic()
        while not self.receiver.busy() and time.monotonic() - started < 15:
            time.sleep(0.02)
        os.kill(self._one_gunicorn_worker(), signal.SIGKILL)
        self.worker.kill9()
        time.sleep(2)
        self.worker.restart_after_kill()
        self._window("kill -9 of a gunicorn worker and the job worker", started)


# --- The run ---------------------------------------------------------------------


def main() -> int:
    args = options()
    soak_dir = Path(args.soak_dir).resolve()
    app_var = soak_dir / "var"
    logs = soak_dir / "logs"
    for folder in (app_var, logs):
        folder.mkdir(parents=True, exist_ok=True)
    static = app_var / "static"
    if not static.exists():
        static.symlink_to(ROOT / "var" / "static")
    for old in (app_var / "mail").glob("*"):
        old.unlink()
    cluster = Cluster(soak_dir / "pg", args.pg_port, Path(args.pg_bin))
    port = free_port()
    env = {
        **os.environ,
        "DATABASE_URL": f"{cluster.url_base}/{DATABASE}",
        "FIRMDESK_VAR": str(app_var),
        "PYTHONPATH": str(ROOT / "src"),
        "DJANGO_SETTINGS_MODULE": "firmdesk.settings",
        "DEBUG": "false",
        "ALLOWED_HOSTS": "127.0.0.1,localhost,testserver",
        "FIRMDESK_BASE_URL": f"http://127.0.0.1:{port}",
        "LOG_LEVEL": "WARNING",
        "EMAIL_BACKEND": "django.core.mail.backends.filebased.EmailBackend",
        # The receiver is on loopback, and every visitor comes from 127.0.0.1.
        "FIRMDESK_WEBHOOK_ALLOW_PRIVATE_NETWORKS": "true",
        "FIRMDESK_INTAKE_RATE_LIMIT": "100000/hour",
        # A dead worker's job comes back within the run, and due work is
        # found every 10 s rather than every minute.
        "WORKER_HEARTBEAT_SECONDS": "2",
        "WORKER_STALE_AFTER_SECONDS": "10",
        "WORKER_SCHEDULE_EVERY_SECONDS": "10",
        "WORKER_POLL_SECONDS": "0.5",
        "WORKER_BACKOFF_BASE_SECONDS": "5",
        "FIRMDESK_WEBHOOK_BACKOFF_SECONDS": "5",
    }
    env.pop("FIRMDESK_TESTING", None)
    prepare_database(cluster, env, args.reseed)
    os.environ.update(env)

    import django

    django.setup()
    from django.db import close_old_connections, connections
    from soak_receiver import Receiver
    from soak_report import report
    from soak_setup import build_plan

    receiver = Receiver()
    receiver.start()
    say("Signing the clients in, making tokens and webhook endpoints")
    plan = build_plan(receiver_url=receiver.url, seed=args.seed)
    since = datetime.now(UTC)
    connections.close_all()

    command = [sys.executable, "-m", "gunicorn", "firmdesk.wsgi:application"]
    command += ["--bind", f"127.0.0.1:{port}", "--workers", str(args.workers)]
    command += ["--worker-class", "gthread", "--threads", str(args.threads)]
    command += ["--timeout", "60", "--log-level", "warning"]
    if args.gunicorn_config:
        command += ["--config", args.gunicorn_config]
    gunicorn = Service("gunicorn", command, env, logs / "gunicorn.log")
    worker = Service(
        "worker",
        [sys.executable, "-m", "firmdesk.cli", "worker"],
        env,
        logs / "worker.log",
    )
    gunicorn.start()
    worker.start()
    try:
        recorder, faults, load_seconds, drained = run_load(
            args, plan, port, since, gunicorn, worker, cluster, receiver
        )
    finally:
        gunicorn.stop()
        worker.stop()
        receiver.stop()
    close_old_connections()

    text, passed = report(
        args=args,
        recorder=recorder,
        faults=faults.done,
        since=since,
        receiver=receiver,
        mail_dir=app_var / "mail",
        load_seconds=load_seconds,
        drained=drained,
        command=command_line(),
        gunicorn_command=" ".join(shlex.quote(c) for c in command),
    )
    print(text)
    Path(args.output).write_text(text)
    say(f"Written to {args.output}")
    if not args.keep_cluster:
        connections.close_all()
        cluster.stop()
    return 0 if passed else 1


def run_load(args, plan, port, since, gunicorn, worker, cluster, receiver):
    """The clients and the faults for the run's length; then the queue drained."""
    from soak_load import Http, Recorder, make_clients

    wait_answering(port)
    say(
        f"gunicorn on 127.0.0.1:{port} ({args.workers} workers x {args.threads} "
        f"threads), a job worker, PostgreSQL on {args.pg_port}; "
        f"{args.clients} clients for {args.minutes:g} minutes"
    )

    recorder = Recorder()
    stop = threading.Event()
    clients = make_clients(
        plan=plan,
        count=args.clients,
        http=Http(port, recorder),
        stop=stop,
        seed=args.seed,
    )
    faults = Faults(
        gunicorn=gunicorn, worker=worker, cluster=cluster, receiver=receiver, port=port
    )
    duration = args.minutes * 60
    load_started = time.monotonic()
    for client in clients:
        client.start()
    schedule = [] if args.no_faults else faults.plan(duration)
    for at, fault in schedule:
        # A fault starts once the last one's window is over: a window each.
        after_last = faults.done[-1].ended + 5 if faults.done else 0
        delay = max(load_started + at, after_last) - time.monotonic()
        if delay > 0:
            time.sleep(delay)
        say(f"Fault: {fault.__name__.replace('_', ' ')}")
        fault()
    remaining = load_started + duration - time.monotonic()
    if remaining > 0:
        time.sleep(remaining)
    stop.set()
    say("Load stopped; waiting for the clients' last requests")
    for client in clients:
        client.join(timeout=120)
    load_seconds = time.monotonic() - load_started

    say("Waiting for the worker to finish the queue")
    drained = drain(since)
    return recorder, faults, load_seconds, drained


def drain(since, timeout: float = 180) -> float:
    """Seconds until no job is ready or running and no delivery waits, and
    the schedule has run twice since the load stopped (its sweeps mend lost
    enqueues)."""
    from django.db import close_old_connections
    from django.utils import timezone
    from django_tasks_db.models import DBTaskResult

    from firmdesk.integrations.models import WebhookDelivery

    started = time.monotonic()
    while time.monotonic() - started < timeout:
        close_old_connections()
        busy = (
            DBTaskResult.objects.filter(
                enqueued_at__gte=since, status__in=["READY", "RUNNING"]
            )
            .filter(run_after__lte=timezone.now())
            .exists()
            or WebhookDelivery._base_manager.filter(
                created_at__gte=since, status=WebhookDelivery.Status.PENDING
            ).exists()
        )
        if not busy and time.monotonic() - started > SWEEPS_AFTER_LOAD:
            return time.monotonic() - started
        time.sleep(1)
    return -1


def command_line() -> str:
    return "python bench/soak.py " + " ".join(shlex.quote(a) for a in sys.argv[1:])


if __name__ == "__main__":
    sys.exit(main())
