import os
import sys

from django.core.management.base import BaseCommand


class Command(BaseCommand):
    help = (
        "Serve FirmDesk with gunicorn and the settings shipped with it "
        "(firmdesk/gunicorn_conf.py, docs/deploy.md): FIRMDESK_BIND, "
        "FIRMDESK_WORKERS and the other FIRMDESK_* variables change them. "
        "Run the background worker beside it: firmdesk worker."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--bind",
            help="host:port or unix:/path to listen on (default: FIRMDESK_BIND, "
            "else 127.0.0.1:8000).",
        )

    def handle(self, *args, bind, **options):
        argv = [
            sys.executable,
            "-m",
            "gunicorn",
            "--config",
            "python:firmdesk.gunicorn_conf",
        ]
        if bind:
            argv += ["--bind", bind]
        argv.append("firmdesk.wsgi:application")
        sys.stdout.flush()
        # gunicorn takes this process's place, so a service manager's signals
        # reach its master directly.
        os.execv(sys.executable, argv)  # noqa: S606 (a fixed argv, no shell)
