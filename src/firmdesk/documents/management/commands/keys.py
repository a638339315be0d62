"""``firmdesk keys``: the keys of encryption at rest and the files stored
before it. See docs/documents-encryption.md."""

import json
import sys

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from rich.console import Console
from rich.progress import (
    BarColumn,
    DownloadColumn,
    MofNCompleteColumn,
    Progress,
    TextColumn,
    TimeRemainingColumn,
    TransferSpeedColumn,
)
from rich.table import Table

from firmdesk.documents import crypto, keys
from firmdesk.documents.validation import human_size
from firmdesk.orgs.models import Organization

BAD_INPUT = 2


def _console(stream) -> Console:
    """Rich on the underlying stream (Django's wrapper adds a newline to every
    write, which breaks the live bar); wide and plain off a terminal."""
    return Console(file=stream, width=None if stream.isatty() else 200, highlight=False)


class Command(BaseCommand):
    help = (
        "Keys of encryption at rest: `firmdesk keys status [--json]`, "
        "`firmdesk keys new-master`, `firmdesk keys rotate [--data-keys]`, "
        "`firmdesk keys encrypt-existing [--firm SLUG] [--dry-run]`. "
        "See docs/documents-encryption.md."
    )

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="action", required=True)
        status = sub.add_parser(
            "status",
            help="Master keys configured, each firm's data keys and what wraps "
            "them, and files still stored without encryption.",
        )
        status.add_argument("--json", action="store_true", help="Print JSON.")
        sub.add_parser(
            "new-master",
            help="Add a new master key to the key file (or print one to add to "
            "FIRMDESK_MASTER_KEY); then run `firmdesk keys rotate`.",
        )
        rotate = sub.add_parser(
            "rotate",
            help="Re-wrap every firm's data keys and re-encrypt its sensitive "
            "fields under the current (last) master key, so older master keys "
            "can be removed.",
        )
        rotate.add_argument(
            "--data-keys",
            action="store_true",
            help="Also give each firm a new data key for the files stored from "
            "now on (older files keep the key that sealed them).",
        )
        existing = sub.add_parser(
            "encrypt-existing",
            help="Encrypt every file stored before encryption at rest. Safe to "
            "stop and run again.",
        )
        existing.add_argument("--firm", metavar="SLUG", help="Only this firm.")
        existing.add_argument(
            "--dry-run",
            action="store_true",
            help="Say what would be encrypted, and which files are missing; "
            "change nothing.",
        )

    def handle(self, *args, **options):
        out = options.get("stdout") or sys.stdout
        err = options.get("stderr") or sys.stderr
        try:
            action = options["action"]
            if action == "status":
                return self.status(out, as_json=options["json"])
            if action == "new-master":
                return self.new_master(out, err)
            if action == "rotate":
                return self.rotate(out, data_keys=options["data_keys"])
            return self.encrypt_existing(
                out, err, slug=options["firm"], dry_run=options["dry_run"]
            )
        except crypto.MasterKeyError as error:
            raise CommandError(str(error), returncode=BAD_INPUT) from None

    # --- status ---

    def status(self, out, *, as_json: bool):
        source = keys.master_key_source()
        firms = keys.firms_status()
        plain = sum(f.plain_versions for f in firms)
        older_values = keys.sensitive_values_on_older_keys()
        if as_json:
            record = {
                "master_keys": {
                    "source": source.source,
                    "path": str(source.path) if source.path else None,
                    "ids": source.ids,
                    "current": source.ids[-1],
                    "key_file_too_open": source.too_open,
                },
                "firms": [
                    {
                        "name": f.name,
                        "slug": f.slug,
                        "plain_versions": f.plain_versions,
                        "keys": [vars(k) for k in f.keys],
                    }
                    for f in firms
                ],
                "plain_versions": plain,
                "sensitive_values_on_older_keys": older_values,
            }
            out.write(json.dumps(record, indent=2) + "\n")
            return
        console = _console(out)
        where = f" ({source.path})" if source.path else " (FIRMDESK_MASTER_KEY)"
        console.print(
            f"Master keys: {len(source.ids)} from the {source.source}{where}; "
            f"current: {source.ids[-1]}",
            soft_wrap=True,
        )
        if len(source.ids) > 1:
            console.print(f"Older master keys: {', '.join(source.ids[:-1])}")
        if source.too_open:
            console.print(
                f"Warning: {source.path} can be read by other users of this "
                f"machine. Run: chmod 600 {source.path}",
                soft_wrap=True,
            )
        table = Table(title="Data keys", title_justify="left")
        table.add_column("Firm")
        table.add_column("Key", justify="right")
        table.add_column("Wrapped by master key")
        table.add_column("Files sealed", justify="right")
        table.add_column("Files not encrypted", justify="right")
        stale = False
        for firm in firms:
            for place, key in enumerate(firm.keys or [None]):
                if key is None:
                    table.add_row(firm.name, "—", "—", "0", str(firm.plain_versions))
                    continue
                master = key.master_key_id
                if not key.master_configured:
                    master += " (NOT CONFIGURED)"
                elif key.master_key_id != source.ids[-1]:
                    master += " (older)"
                    stale = True
                table.add_row(
                    firm.name if place == 0 else "",
                    f"{key.number}{' (current)' if key.current else ''}",
                    master,
                    str(key.versions),
                    str(firm.plain_versions) if place == 0 else "",
                )
        console.print(table)
        if stale:
            console.print(
                "Some data keys are wrapped by an older master key: run "
                "`firmdesk keys rotate` before removing it."
            )
        for name, count in older_values.items():
            console.print(
                f"{name}: {count} sensitive value(s) (dates of birth, tax, ID and "
                "bank numbers) are encrypted under an older master key: run "
                "`firmdesk keys rotate` before removing it.",
                soft_wrap=True,
            )
        if plain:
            console.print(
                f"{plain} stored file(s) are not encrypted yet: run "
                "`firmdesk keys encrypt-existing`."
            )
        else:
            console.print("Every stored file is encrypted.")

    # --- new-master ---

    def new_master(self, out, err):
        if settings.FIRMDESK_MASTER_KEY:
            line = crypto.new_master_key_line()
            out.write(line + "\n")
            err.write(
                "The master keys come from FIRMDESK_MASTER_KEY. Add the key above "
                "at its end, after a comma, keeping the others; restart FirmDesk "
                "everywhere it runs; then run `firmdesk keys rotate`. Keep a copy "
                "of it where your other secrets are kept: without it no file can "
                "be read.\n"
            )
            return
        path = settings.FIRMDESK_MASTER_KEY_FILE
        key = keys.append_master_key(path)
        out.write(
            f"Added master key {key.id} to {path}; it is now the current one and "
            "seals the data keys made from now on.\nNext: run `firmdesk keys "
            "rotate` to re-wrap the existing data keys under it. Back up the key "
            "file apart from the files and database: without it no file can be "
            "read.\n"
        )

    # --- rotate ---

    def rotate(self, out, *, data_keys: bool):
        current = crypto.current_master_key()
        results = keys.rotate(data_keys=data_keys)
        failed = [r for r in results if r.problem]
        for r in results:
            if r.problem:
                line = f"{r.name}: NOT rotated. {r.problem}"
            else:
                done = []
                if r.rewrapped:
                    done.append(f"re-wrapped {r.rewrapped} data key(s)")
                if r.new_key:
                    done.append(f"new data key {r.new_key} for new files")
                if r.resealed:
                    done.append(f"re-encrypted {r.resealed} sensitive value(s)")
                line = f"{r.name}: " + ("; ".join(done) or "already up to date")
            out.write(line + "\n")
        if failed:
            raise CommandError(
                f"{len(failed)} firm(s) could not be rotated (above). Put the "
                "master key named there back in the configuration and run this "
                "again; the firms done so far stay done.",
                returncode=1,
            )
        out.write(
            f"Every data key is wrapped by master key {current.id}, and every "
            "sensitive field is encrypted under it. Older master keys can now be "
            "removed from the configuration (keep a copy with your backups for as "
            "long as you keep backups made before today).\n"
        )

    # --- encrypt-existing ---

    def encrypt_existing(self, out, err, *, slug: str | None, dry_run: bool):
        firm = None
        if slug:
            firm = Organization.objects.filter(slug=slug).first()
            if firm is None:
                raise CommandError(
                    f"No firm with the slug “{slug}”.", returncode=BAD_INPUT
                )
        progress = Progress(
            TextColumn("{task.description}"),
            BarColumn(),
            MofNCompleteColumn(),
            DownloadColumn(),
            TransferSpeedColumn(),
            TimeRemainingColumn(),
            console=_console(err),
            disable=dry_run,
        )
        task = {}

        def on_start(versions: int, size: int) -> None:
            task["files"] = progress.add_task("Files", total=versions or 1)
            task["bytes"] = progress.add_task("Bytes", total=size or 1)

        def on_version(size: int) -> None:
            progress.advance(task["files"])
            progress.advance(task["bytes"], size)

        with progress:
            result = keys.encrypt_existing(
                dry_run=dry_run, firm=firm, on_start=on_start, on_version=on_version
            )
        problems = {
            keys.MISSING: "the stored file is missing",
            keys.MISMATCH: "the stored file is not the one uploaded (its SHA-256 "
            "differs); it was left as it is",
        }
        for firm_name, title, number, why in result.problems:
            err.write(f"{firm_name}: “{title}” version {number}: {problems[why]}.\n")
        size = human_size(result.bytes)
        if dry_run:
            out.write(
                f"{result.versions} file(s) ({size}) are stored without encryption "
                f"and would be encrypted; {len(result.problems)} of them cannot be "
                "(above). Nothing was changed.\n"
            )
            return
        if result.leftovers_removed:
            out.write(
                f"Removed {result.leftovers_removed} unencrypted file(s) an earlier "
                "run had stopped before removing.\n"
            )
        out.write(f"Encrypted {result.sealed} of {result.versions} file(s) ({size}).\n")
        if result.problems:
            raise CommandError(
                f"{len(result.problems)} file(s) were not encrypted (above): "
                "restore them from a backup, or upload them again as a new version, "
                "then run this again.",
                returncode=1,
            )
