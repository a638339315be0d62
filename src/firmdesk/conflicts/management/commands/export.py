import sys
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from firmdesk.conflicts.exporting import export_contacts_csv
from firmdesk.orgs.models import Organization


class Command(BaseCommand):
    help = (
        "Export a firm's contacts as CSV in the FirmDesk layout: "
        "`firmdesk export contacts --firm SLUG [--out FILE]`. "
        "See docs/import-export.md."
    )

    def add_arguments(self, parser):
        parser.add_argument("kind", choices=["contacts"], help="What to export.")
        parser.add_argument("--firm", required=True, help="The firm's slug.")
        parser.add_argument(
            "--out", metavar="FILE", help="Write here instead of the screen."
        )

    def handle(self, *args, **options):
        firm = Organization.objects.filter(
            slug=options["firm"], kind=Organization.Kind.FIRM
        ).first()
        if firm is None:
            raise CommandError(f"No firm with the slug “{options['firm']}”.")
        if options["out"]:
            path = Path(options["out"])
            try:
                with path.open("w", encoding="utf-8", newline="") as stream:
                    rows = export_contacts_csv(firm=firm, stream=stream)
            except OSError as exc:
                raise CommandError(f"Cannot write {path}: {exc.strerror}.") from None
            (options.get("stderr") or sys.stderr).write(
                f"Wrote {rows:,} rows to {path}.\n"
            )
        else:
            stream = options.get("stdout") or sys.stdout
            export_contacts_csv(firm=firm, stream=stream, excel_bom=False)
