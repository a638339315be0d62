"""What `firmdesk backup` and `firmdesk restore` print, in plain words."""

import contextlib
import errno
from collections.abc import Iterator

from django.core.management.base import CommandError

from .archive import BackupFileError
from .databases import DatabaseError
from .services import BackupError, BackupReport, RestoreReport, size_text

VENDORS = {"sqlite": "SQLite", "postgresql": "PostgreSQL"}


@contextlib.contextmanager
def command_errors(failed: str) -> Iterator[None]:
    """A refusal or failure as one message for a person, not a traceback."""
    try:
        yield
    except (BackupError, BackupFileError, DatabaseError) as error:
        raise CommandError(str(error)) from error
    except OSError as error:
        if error.errno == errno.ENOSPC:
            raise CommandError(
                f"{failed}: the disk is full ({error.filename or 'while writing'}). "
                "Free some space and run the command again."
            ) from error
        raise CommandError(f"{failed}: {error}") from error


def _counts(counts: dict[str, int]) -> str:
    return ", ".join(
        f"{n:,} {what.replace('_', ' ')}"
        for what, n in counts.items()
        if what != "organisations"
    )


def backup_lines(report: BackupReport) -> list[str]:
    lines = [
        f"Backup written to {report.path} ({size_text(report.size)}) in "
        f"{report.seconds:.1f} s.",
        f"  Database ({VENDORS[report.vendor]}, one consistent moment): "
        f"{size_text(report.database_bytes)}: {_counts(report.counts)}.",
    ]
    if report.documents_included:
        lines.append(
            f"  Documents: {report.files:,} files, {size_text(report.files_bytes)}, "
            "copied as stored (encrypted)."
        )
    else:
        lines.append(
            "  Documents: not included (--database-only): back the bucket up "
            "with its own tools."
        )
    needed = ", ".join(report.master_keys_needed) or "none yet"
    if report.master_keys_included:
        lines.append(
            f"  Master keys: INCLUDED ({needed}). Whoever has this file can read "
            "every document and every encrypted detail in it: keep it as safe "
            "as the keys themselves."
        )
    else:
        lines.append(
            f"  Master keys: not included. Restoring needs master key(s) {needed}: "
            "keep them apart from this file (docs/backup.md)."
        )
    lines.append(
        "  Checksums: a SHA-256 of every part in manifest.json, and of the "
        "manifest in manifest.sha256."
    )
    return lines


def restore_lines(report: RestoreReport) -> list[str]:
    lines = [
        f"Restored {report.path} (made {report.created} by FirmDesk "
        f"{report.firmdesk_version}) in {report.seconds:.1f} s; every checksum "
        "was verified first.",
        f"  Database ({VENDORS[report.vendor]}"
        + (", replacing what it held" if report.replaced else "")
        + f"): {_counts(report.counts)}.",
        f"  Documents: {report.files:,} files, {size_text(report.files_bytes)}, put "
        "back in the documents folder.",
    ]
    if report.master_keys_added:
        lines.append(
            "  Master keys: added "
            + ", ".join(report.master_keys_added)
            + " from the backup to the key file."
        )
    if report.migrations_to_run:
        lines.append(
            f"  This FirmDesk has {report.migrations_to_run} migration(s) the "
            "backup's database has not run: run `firmdesk migrate` before "
            "starting the site."
        )
    lines.append(
        "  Check it: `firmdesk audit verify --all`, then open a few documents."
    )
    return lines
