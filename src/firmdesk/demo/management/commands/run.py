import os
import signal
import subprocess
import sys
import time
from pathlib import Path

from django.conf import settings
from django.core.management import call_command, get_commands
from django.core.management.base import BaseCommand, CommandError

from firmdesk.demo.console import console_for, print_api_tries, print_logins
from firmdesk.demo.services import demo_load, demo_logins
from firmdesk.orgs.models import Organization

STOP_SECONDS = 10


class Stop(Exception):
    """SIGTERM, turned into an exception so the same cleanup runs as for Ctrl-C."""


def _raise_stop(signum, frame):
    raise Stop


class Command(BaseCommand):
    help = (
        "Run FirmDesk on this machine: migrate, load the demo into an empty "
        "database, then serve with gunicorn next to the background worker. "
        "Ctrl-C stops both."
    )

    def add_arguments(self, parser):
        parser.add_argument("--addr", default="127.0.0.1:8000", help="host:port")
        parser.add_argument(
            "--no-worker", action="store_true", help="Do not start the job worker."
        )
        parser.add_argument(
            "--no-demo",
            action="store_true",
            help="Do not load the demo, even into an empty database.",
        )

    def handle(self, *args, **options):
        console = console_for(options)
        call_command("migrate", interactive=False, verbosity=0)
        # whitenoise's manifest storage cannot render a page without it; `make
        # run` collects beforehand, this covers `firmdesk run` on its own.
        if not (Path(settings.STATIC_ROOT) / "staticfiles.json").exists():
            call_command("collectstatic", interactive=False, verbosity=0)
        if not options["no_demo"] and not Organization.objects.exists():
            console.print("The database is empty: loading the demo.")
            demo_load()
        logins = demo_logins()
        if logins:
            print_logins(console, logins)
            print_api_tries(console, f"http://{options['addr']}")

        # Links in the worker's e-mails point where this run serves, unless the
        # public address is configured.
        os.environ.setdefault("FIRMDESK_BASE_URL", f"http://{options['addr']}")
        commands = []
        if options["no_worker"]:
            console.print("Running without the background worker (--no-worker).")
        elif "worker" in get_commands():
            commands.append(
                ("worker", [sys.executable, "-m", "firmdesk.cli", "worker"])
            )
        else:
            console.print(
                "The background worker is not part of this version yet: running "
                "without it, so reminders and other scheduled jobs wait."
            )
        commands.append(
            (
                "server",
                [
                    sys.executable,
                    "-m",
                    "gunicorn",
                    "firmdesk.wsgi:application",
                    "--bind",
                    options["addr"],
                    "--workers",
                    "2",
                    "--access-logfile",
                    "-",
                    # Share-link tokens stay out of the access log.
                    "--logger-class",
                    "firmdesk.web.documents.public_shares.access_log.AccessLog",
                ],
            )
        )
        self.supervise(console, commands, options["addr"])

    def supervise(self, console, commands, addr):
        """Start the children, wait until one exits or we are told to stop, then
        stop the others: nothing is left running after this returns."""
        previous = signal.signal(signal.SIGTERM, _raise_stop)
        children: list[tuple[str, subprocess.Popen]] = []
        try:
            for name, argv in commands:
                children.append((name, subprocess.Popen(argv)))
            console.print(f"FirmDesk is running on http://{addr}")
            console.print("Press Ctrl-C to stop.")
            while True:
                for name, child in children:
                    code = child.poll()
                    if code is not None:
                        raise CommandError(
                            f"The {name} stopped with exit code {code}; "
                            "stopping FirmDesk."
                        )
                time.sleep(0.5)
        except (KeyboardInterrupt, Stop):
            console.print("Stopping FirmDesk.")
        finally:
            _stop_all(children)
            signal.signal(signal.SIGTERM, previous)


def _stop_all(children: list[tuple[str, subprocess.Popen]]) -> None:
    # In a terminal, Ctrl-C already reached the children (same process group);
    # SIGTERM covers being stopped by a service manager, where it did not.
    for _, child in children:
        if child.poll() is None:
            child.terminate()
    deadline = time.monotonic() + STOP_SECONDS
    for _, child in children:
        try:
            child.wait(timeout=max(0.0, deadline - time.monotonic()))
        except subprocess.TimeoutExpired:
            child.kill()
            child.wait()
