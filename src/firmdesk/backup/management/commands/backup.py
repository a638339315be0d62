import json
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from firmdesk.backup.reporting import backup_lines, command_errors
from firmdesk.backup.services import Site, backup_create


class Command(BaseCommand):
    help = (
        "Write one backup file: the database (a consistent copy while the site "
        "runs), the documents' files as stored (encrypted) and a manifest with a "
        "SHA-256 of each. docs/backup.md."
    )

    def add_arguments(self, parser):
        parser.add_argument("file", help="The backup file to write (a .tar).")
        parser.add_argument(
            "--include-master-keys",
            action="store_true",
            help="Also put the master keys in the file. Whoever has the file can "
            "then read every document: keep it as safe as the keys.",
        )
        parser.add_argument(
            "--database-only",
            action="store_true",
            help="Leave the documents' files out (for documents in an S3 bucket, "
            "backed up with the bucket's own tools).",
        )
        parser.add_argument("--json", action="store_true")

    def handle(self, *args, **options):
        with command_errors("The backup was not written"):
            report = backup_create(
                Path(options["file"]),
                site=Site.from_settings(),
                include_master_keys=options["include_master_keys"],
                database_only=options["database_only"],
            )
        if options["json"]:
            self.stdout.write(json.dumps(report.as_json()))
        else:
            self.stdout.write("\n".join(backup_lines(report)))
        if report.master_keys_missing:
            raise CommandError(
                "The backup was written, but the data needs master key(s) "
                f"{', '.join(report.master_keys_missing)} that this server does "
                "not hold: find them before you rely on this backup."
            )
