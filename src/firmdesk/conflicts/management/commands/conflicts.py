import json
import sys
import time

from django.core.management.base import BaseCommand, CommandError
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TimeElapsedColumn
from rich.table import Table

from firmdesk.audit.services import audit_record
from firmdesk.conflicts.services import conflict_search, index_rebuild
from firmdesk.orgs.models import Organization


class Command(BaseCommand):
    help = (
        "Conflict checks from the command line. "
        '`firmdesk conflicts check --firm SLUG "NAME" ["NAME" ...] [--json]` '
        "prints the ranked hits; `firmdesk conflicts reindex --firm SLUG` "
        "rebuilds the firm's conflict index."
    )

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="action", required=True)
        check = sub.add_parser("check", help="Search names against the firm's index.")
        check.add_argument("--firm", required=True, help="The firm's slug.")
        check.add_argument("names", nargs="+", metavar="NAME")
        check.add_argument(
            "--kind",
            choices=["person", "organization"],
            help="Search the names only as people or only as organisations.",
        )
        check.add_argument(
            "--limit", type=int, default=20, help="Most hits shown per name."
        )
        check.add_argument("--json", action="store_true", help="Print JSON.")
        reindex = sub.add_parser("reindex", help="Rebuild the firm's conflict index.")
        reindex.add_argument("--firm", required=True, help="The firm's slug.")

    def handle(self, *args, **options):
        firm = Organization.objects.filter(
            slug=options["firm"], kind=Organization.Kind.FIRM
        ).first()
        if firm is None:
            raise CommandError(f"No firm with the slug “{options['firm']}”.")
        stream = options.get("stdout") or sys.stdout
        console = Console(
            file=stream, width=None if stream.isatty() else 200, highlight=False
        )
        if options["action"] == "reindex":
            self.reindex(firm, console)
        else:
            self.run_check(firm, console, options)

    def run_check(self, firm, console, options):
        if options["limit"] < 1:
            raise CommandError("--limit must be at least 1.")
        started = time.perf_counter()
        hits = conflict_search(
            firm=firm,
            names=options["names"],
            kind=options["kind"],
            limit=options["limit"],
        )
        elapsed = time.perf_counter() - started
        audit_record(
            org=firm,
            actor=None,
            action="conflict.searched",
            summary=f"Command-line conflict search of {', '.join(options['names'])}: "
            f"{len(hits)} hit(s)",
            detail={"names": options["names"], "hits": len(hits)},
        )
        if options["json"]:
            console.file.write(json.dumps([h.to_dict() for h in hits], indent=2))
            console.file.write("\n")
            return
        if not hits:
            console.print(
                f"No hits for {', '.join(options['names'])} in {firm.name}. "
                "An attorney still decides the check; the engine never clears it."
            )
            return
        table = Table(
            title=f"Conflict hits in {firm.name} ({elapsed * 1000:.0f} ms)",
            title_justify="left",
        )
        table.add_column("Score", justify="right")
        table.add_column("Searched")
        table.add_column("Contact")
        table.add_column("Matched name")
        table.add_column("Matter")
        table.add_column("Role")
        table.add_column("Why")
        for hit in hits:
            matter = hit.matter or "—"
            if hit.matter and hit.matter_status != "open":
                matter = f"{hit.matter} ({hit.matter_status})"
            more = len(hit.roles) - 1
            role = hit.role + (f" (+{more} more)" if more > 0 else "")
            matched = hit.matched_name
            if hit.matched_as != "name":
                matched = f"{matched} ({hit.matched_as.lower()})"
            table.add_row(
                str(hit.score),
                hit.name,
                hit.contact_name,
                matched,
                matter,
                role,
                hit.reason,
            )
        console.print(table)
        console.print(
            "A person decides each check: clear, conflict, or waived with consent."
        )

    def reindex(self, firm, console):
        started = time.perf_counter()
        progress = Progress(
            "[progress.description]{task.description}",
            BarColumn(),
            MofNCompleteColumn(),
            TimeElapsedColumn(),
            console=console,
        )
        with progress:
            task = progress.add_task(f"Indexing {firm.name}", total=None)

            def report(done, total):
                progress.update(task, completed=done, total=total)

            keys = index_rebuild(firm=firm, progress=report)
        console.print(
            f"{firm.name}: {keys} conflict keys written in "
            f"{time.perf_counter() - started:.1f} s."
        )
