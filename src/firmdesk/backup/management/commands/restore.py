import json
from pathlib import Path

from django.core.management.base import BaseCommand

from firmdesk.backup.reporting import command_errors, restore_lines
from firmdesk.backup.services import Site, backup_restore


class Command(BaseCommand):
    help = (
        "Restore a file written by `firmdesk backup` into the database DATABASE_URL "
        "names and the documents folder. Every checksum is verified before "
        "anything is changed. docs/backup.md."
    )

    def add_arguments(self, parser):
        parser.add_argument("file", help="The backup file (from firmdesk backup).")
        parser.add_argument(
            "--force",
            action="store_true",
            help="Replace a database (and documents folder) that already holds data.",
        )
        parser.add_argument("--json", action="store_true")

    def handle(self, *args, **options):
        with command_errors("The restore did not finish"):
            report = backup_restore(
                Path(options["file"]), site=Site.from_settings(), force=options["force"]
            )
        if options["json"]:
            self.stdout.write(json.dumps(report.as_json()))
        else:
            self.stdout.write("\n".join(restore_lines(report)))
