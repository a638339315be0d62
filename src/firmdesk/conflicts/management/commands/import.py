import json
import sys
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from rich.console import Console
from rich.progress import (
    BarColumn,
    MofNCompleteColumn,
    Progress,
    TextColumn,
    TimeElapsedColumn,
)

from firmdesk.conflicts.importing import KINDS, LAYOUTS, import_file
from firmdesk.orgs.models import Membership, Organization, User


class Command(BaseCommand):
    help = (
        "Import contacts or matters from a CSV file, whole or not at all: "
        "`firmdesk import contacts|matters --firm SLUG FILE.csv "
        "[--layout firmdesk|clio|mycase|generic] [--map our=theirs ...] "
        "[--dry-run]`. See docs/import-export.md."
    )

    def add_arguments(self, parser):
        parser.add_argument("kind", choices=KINDS, help="What the file holds.")
        parser.add_argument("file", help="The CSV file.")
        parser.add_argument("--firm", required=True, help="The firm's slug.")
        parser.add_argument(
            "--layout",
            choices=LAYOUTS,
            default="firmdesk",
            help="Whose column names the file uses (default: firmdesk).",
        )
        parser.add_argument(
            "--map",
            action="append",
            default=[],
            metavar="OURS=THEIRS",
            help=(
                "Which of the file's columns holds one of ours, e.g. --map \"name="
                'Display Name". Repeat for each column; needed for --layout generic.'
            ),
        )
        parser.add_argument(
            "--dry-run",
            action="store_true",
            help="Check the file and say what would be imported; write nothing.",
        )
        parser.add_argument(
            "--user",
            metavar="EMAIL",
            help="Who is importing, for the audit trail (a member of the firm).",
        )
        parser.add_argument("--json", action="store_true", help="Print JSON.")

    def handle(self, *args, **options):
        firm = Organization.objects.filter(
            slug=options["firm"], kind=Organization.Kind.FIRM
        ).first()
        if firm is None:
            raise CommandError(f"No firm with the slug “{options['firm']}”.")
        actor = self.actor(firm, options["user"])
        mapping = self.mapping(options["map"])
        path = Path(options["file"])
        try:
            data = path.read_bytes()
        except OSError as exc:
            raise CommandError(f"Cannot read {path}: {exc.strerror}.") from None
        stream = options.get("stdout") or sys.stdout
        console = Console(
            file=stream, width=None if stream.isatty() else 200, highlight=False
        )
        # The bar and the problems go to stderr, so --json output stays clean.
        err_stream = options.get("stderr") or sys.stderr
        bar_console = Console(
            file=err_stream,
            width=None if err_stream.isatty() else 200,
            highlight=False,
        )
        progress = Progress(
            TextColumn("{task.description}"),
            BarColumn(),
            MofNCompleteColumn(),
            TimeElapsedColumn(),
            console=bar_console,
            disable=options["json"],
        )
        tasks: dict[str, int] = {}

        def step(stage: str, done: int, total: int) -> None:
            if stage not in tasks:
                tasks[stage] = progress.add_task(stage, total=total or 1)
            progress.update(tasks[stage], completed=done, total=total or 1)

        with progress:
            result = import_file(
                firm=firm,
                actor=actor,
                kind=options["kind"],
                file=data,
                filename=path.name,
                layout=options["layout"],
                mapping=mapping,
                dry_run=options["dry_run"],
                progress=step,
            )
        if options["json"]:
            stream.write(json.dumps(result.as_dict(), default=str) + "\n")
        else:
            self.report(console, bar_console, result)
        if not result.ok:
            raise SystemExit(1)

    def actor(self, firm, email):
        if not email:
            return None
        user = User.objects.filter(email__iexact=email).first()
        if (
            user is None
            or not Membership.objects.filter(
                user=user, organization=firm, is_active=True
            ).exists()
        ):
            raise CommandError(f"{email} is not a member of {firm.name}.")
        return user

    def mapping(self, items: list[str]) -> dict[str, str]:
        mapping = {}
        for item in items:
            ours, sep, theirs = item.partition("=")
            if not sep or not ours.strip() or not theirs.strip():
                raise CommandError(
                    f"--map “{item}”: write our column, “=”, then the file's "
                    'column, e.g. --map "name=Display Name".'
                )
            mapping[ours.strip()] = theirs.strip()
        return mapping

    def report(self, console: Console, errors: Console, result) -> None:
        if result.ok:
            console.print(result.summary(), markup=False)
            console.print(
                f"Read as {result.encoding}, {result.rows:,} rows in "
                f"{result.seconds:.1f} s.",
                style="dim",
            )
            return
        errors.print(result.summary(), style="bold red", markup=False)
        for error in result.errors:
            errors.print(f"  {error}", markup=False, soft_wrap=True, highlight=False)
        hidden = result.error_count - len(result.errors)
        if hidden > 0:
            errors.print(f"  … and {hidden:,} more.", markup=False)
