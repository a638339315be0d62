import json
import os
import subprocess
import sys
from pathlib import Path

import dj_database_url
from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import connection
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TimeElapsedColumn
from rich.table import Table

from firmdesk.demo.console import console_for
from firmdesk.demo.seed import SCALES, AlreadySeeded, scale_with, seed_run


class Command(BaseCommand):
    help = (
        "Fill a database with bulk data for benchmarks: many firms, providers, "
        "staff, matters and tasks. Not the demo: see `firmdesk demo`."
    )

    def add_arguments(self, parser):
        parser.add_argument("--scale", choices=sorted(SCALES), default="small")
        parser.add_argument(
            "--db-url",
            help=(
                "Migrate and seed this database instead of the configured one, "
                "e.g. sqlite:////tmp/bench.sqlite3 or postgres://…/bench."
            ),
        )
        parser.add_argument(
            "--firms", type=int, help="Override the number of firms of the scale."
        )
        parser.add_argument(
            "--logins",
            help=(
                "Write who to log in as (JSON) to this file; by default "
                "seed-logins.json next to the SQLite file, or in the var "
                "directory for PostgreSQL."
            ),
        )
        parser.add_argument(
            "--seed",
            type=int,
            default=1,
            help="Random seed; the same seed gives the same data.",
        )

    def handle(self, *args, **options):
        if options["firms"] is not None and options["firms"] < 1:
            raise CommandError("--firms must be at least 1.")
        if options["db_url"]:
            self.seed_elsewhere(options)
            return
        scale = scale_with(options["scale"], firms=options["firms"])
        console = console_for(options)
        console.print(
            f"Seeding the {connection.vendor} database "
            f"{connection.settings_dict['NAME']}: {scale.firms} firms with "
            f"{scale.matters_per_firm} matters each, {scale.providers} providers "
            f"with {scale.staff_per_provider} staff each, "
            f"{scale.tasks_per_matter} tasks per matter."
        )
        progress = Progress(
            "[progress.description]{task.description}",
            BarColumn(),
            MofNCompleteColumn(),
            TimeElapsedColumn(),
            console=console,
        )
        try:
            with progress:
                result = seed_run(scale=scale, seed=options["seed"], progress=progress)
        except AlreadySeeded as exc:
            raise CommandError(str(exc)) from None
        table = Table()
        table.add_column("Seeded")
        table.add_column("Rows", justify="right")
        for label, count in result.counts.items():
            table.add_row(label, f"{count:,}")
        table.add_row("total", f"{result.counts.total():,}", style="bold")
        console.print(table)
        timings = Table()
        timings.add_column("Seeder")
        timings.add_column("Seconds", justify="right")
        timings.add_column("CPU seconds", justify="right")
        for name, (seconds, cpu) in result.timings.items():
            timings.add_row(name, f"{seconds:.1f}", f"{cpu:.1f}")
        console.print(timings)
        console.print(
            f"{result.counts.total():,} rows in {result.seconds:.1f} s "
            f"({result.counts.total() / result.seconds:,.0f} rows/s)."
        )
        logins = Path(options["logins"] or default_logins_path())
        logins.write_text(json.dumps(result.logins, indent=2) + "\n")
        console.print(
            f"Log in as {result.logins['firm_admin']['email']} (firm admin) or "
            f"{result.logins['assistant']['email']} (assistant of "
            f"{len(result.logins['assistant']['firms'])} firms), password "
            f"{result.logins['password']}: written to {logins}."
        )

    def seed_elsewhere(self, options):
        """Migrate and seed the other database in child processes that have it as
        their DATABASE_URL.

        Not a second connection in this process: migrations with data steps
        (django-tasks-db's among them) write through the default database
        whatever database is being migrated, and settings give a SQLite URL
        the same WAL options as FirmDesk's own file.
        """
        try:
            target = dj_database_url.parse(options["db_url"])
        except ValueError as exc:
            raise CommandError(f"--db-url: {exc}") from None
        described = f"{target['NAME']}" + (
            f" on {target['HOST']}" if target.get("HOST") else ""
        )
        seed_args = ["--scale", options["scale"], "--seed", str(options["seed"])]
        if options["logins"]:
            seed_args += ["--logins", options["logins"]]
        if options["firms"] is not None:
            seed_args += ["--firms", str(options["firms"])]
        env = {**os.environ, "DATABASE_URL": options["db_url"]}
        # call_command(stdout=...) captures output; a terminal gets it live.
        captured = options.get("stdout")
        for step, args in (
            ("migrating", ["migrate", "--no-input", "--verbosity", "0"]),
            ("seeding", ["seed", *seed_args]),
        ):
            result = subprocess.run(
                [sys.executable, "-m", "firmdesk.cli", *args],
                env=env,
                stdout=subprocess.PIPE if captured else None,
                stderr=subprocess.STDOUT if captured else None,
                text=True,
                check=False,
            )
            if captured:
                captured.write(result.stdout)
            if result.returncode:
                raise CommandError(
                    f"Stopped {step} {described} (exit code {result.returncode})."
                )


def default_logins_path() -> Path:
    if connection.vendor == "sqlite":
        return Path(connection.settings_dict["NAME"]).with_name("seed-logins.json")
    return Path(settings.VAR_DIR) / "seed-logins.json"
