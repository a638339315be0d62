"""``firmdesk backup FILE`` and ``firmdesk restore FILE`` (docs/backup.md).

A backup is one archive (archive.py): the database (databases.py), every file
of the documents storage as stored (sealed: the files are never decrypted on
the way), and a manifest with a SHA-256 of every member. The firms' data keys
travel inside the database, wrapped by master keys; the manifest names the
master keys the data needs (by id, never the key), and the master keys
themselves travel only with ``include_master_keys``.

A restore refuses before changing anything when the archive fails a check,
when it was made by a newer FirmDesk or another database engine, when the
master keys the data needs are neither on this server nor in the archive, or
when the target already holds data (unless ``force``). It then stages and
verifies every member, and only after that writes the keys it needs, replaces
the database in one step (databases.py) and moves the staged files into the
storage folder.
"""

import base64
import os
import shutil
import tempfile
import time
from dataclasses import dataclass, field
from datetime import UTC, datetime
from importlib.metadata import PackageNotFoundError, version
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.files.storage import FileSystemStorage, storages
from django.db.migrations.loader import MigrationLoader

from firmdesk.common.masterkeys import MasterKey, MasterKeyError, parse_master_keys

from . import archive, databases
from .archive import BackupFileError
from .databases import Database, DatabaseError

STAGING = ".firmdesk-restore-"


class BackupError(Exception):
    """A backup or restore that cannot go on; the message is for a person."""


@dataclass(frozen=True)
class Site:
    """Where one FirmDesk keeps what a backup holds."""

    database: Database
    # The documents storage's folder; None when it is not on the file system.
    files_root: Path | None
    master_key_env: str
    master_key_file: Path

    @classmethod
    def from_settings(cls) -> "Site":
        storage = storages["documents"]
        root = (
            Path(storage.location) if isinstance(storage, FileSystemStorage) else None
        )
        return cls(
            Database.from_settings(settings.DATABASES["default"]),
            root,
            settings.FIRMDESK_MASTER_KEY,
            Path(settings.FIRMDESK_MASTER_KEY_FILE),
        )

    def configured_keys(self) -> list[MasterKey]:
        """The master keys this site holds (never creating a key file)."""
        if self.master_key_env:
            return parse_master_keys(self.master_key_env)
        if self.master_key_file.exists():
            return parse_master_keys(self.master_key_file.read_text())
        return []

    def stored_files(self) -> list[tuple[str, Path]]:
        """Every file in the storage folder, as (relative name, path), sorted;
        a restore's staging folder left by a crash is not part of it."""
        if self.files_root is None or not self.files_root.exists():
            return []
        found = []
        for folder, subfolders, names in os.walk(self.files_root):
            subfolders[:] = sorted(d for d in subfolders if not d.startswith(STAGING))
            for name in sorted(names):
                path = Path(folder) / name
                found.append((path.relative_to(self.files_root).as_posix(), path))
        return found


def _firmdesk_version() -> str:
    try:
        return version("firmdesk")
    except PackageNotFoundError:
        return "unknown"


def size_text(n: int) -> str:
    value = float(n)
    for unit in ("bytes", "KB", "MB", "GB"):
        if value < 1000 or unit == "GB":
            return f"{value:.0f} {unit}" if unit == "bytes" else f"{value:.1f} {unit}"
        value /= 1000
    raise AssertionError


def _check_space(where: Path, needed: int, doing: str) -> None:
    free = shutil.disk_usage(where).free
    if needed > free:
        raise BackupError(
            f"Not enough free space in {where} to {doing}: about {size_text(needed)} "
            f"is needed and {size_text(free)} is free. Free some space or choose "
            "another place, and run the command again. Nothing was changed."
        )


# --- Backup --------------------------------------------------------------------


@dataclass
class BackupReport:
    path: Path
    size: int
    seconds: float
    vendor: str
    database_bytes: int
    counts: dict[str, int]
    files: int
    files_bytes: int
    documents_included: bool
    master_keys_needed: list[str]
    master_keys_included: bool
    # Master keys the data needs that this server does not hold either.
    master_keys_missing: list[str]

    def as_json(self) -> dict[str, Any]:
        return {
            **self.__dict__,
            "path": str(self.path),
            "seconds": round(self.seconds, 2),
        }


def backup_create(
    path: Path,
    *,
    site: Site,
    include_master_keys: bool = False,
    database_only: bool = False,
) -> BackupReport:
    started = time.monotonic()
    path = path.absolute()
    if path.exists():
        raise BackupError(
            f"{path} already exists. Choose a new name (a date in it helps: "
            "firmdesk-$(date +%F).tar) or move the old file away."
        )
    if not path.parent.is_dir():
        raise BackupError(f"There is no folder {path.parent} to write the backup in.")
    if site.files_root is None and not database_only:
        raise BackupError(
            "The documents are kept in an S3-compatible bucket, which this command "
            "does not copy. Back the bucket up with its own tools (versioning, "
            "replication or `aws s3 sync`: docs/backup.md) and run "
            "`firmdesk backup --database-only FILE` for the database."
        )
    files = [] if database_only else site.stored_files()
    files_bytes = sum(p.stat().st_size for _, p in files)
    database_guess = (
        Path(site.database.name).stat().st_size
        if site.database.vendor == databases.SQLITE
        and Path(site.database.name).exists()
        else 0
    )
    # The database is copied aside first, then into the archive: twice its size.
    _check_space(path.parent, files_bytes + 2 * database_guess, "write the backup")
    keys_text = _keys_text(site) if include_master_keys else ""

    member = archive.DATABASE_MEMBERS[site.database.vendor]
    vanished = 0
    writer = archive.Writer(path)
    work = Path(tempfile.mkdtemp(prefix=".firmdesk-backup-", dir=path.parent))
    try:
        copy = work / member
        found = databases.copy_out(site.database, copy)
        database_bytes = copy.stat().st_size
        writer.add_file(member, copy)
        copy.unlink()
        for name, stored in files:
            try:
                writer.add_file(archive.FILES + name, stored)
            except FileNotFoundError:
                # Deleted after the folder was listed (removed while the
                # backup ran): left out, and not counted.
                vanished += 1
        files_bytes = sum(
            m["size"] for n, m in writer.members.items() if n.startswith(archive.FILES)
        )
        if include_master_keys:
            writer.add_bytes(archive.KEYS, keys_text.encode())
        writer.close(
            {
                "format": archive.FORMAT,
                "format_version": archive.FORMAT_VERSION,
                "firmdesk_version": _firmdesk_version(),
                "created": datetime.now(UTC).isoformat(timespec="seconds"),
                "database": {"vendor": site.database.vendor, "member": member},
                "migrations": found.migrations,
                "counts": found.counts,
                "documents": None
                if database_only
                else {"files": len(files) - vanished, "bytes": files_bytes},
                "master_keys": {
                    "needed": found.master_keys_needed,
                    "included": include_master_keys,
                },
            }
        )
    except BaseException:
        writer.abandon()
        raise
    finally:
        shutil.rmtree(work, ignore_errors=True)
    held = {key.id for key in _keys_or_none(site)}
    return BackupReport(
        path=path,
        size=path.stat().st_size,
        seconds=time.monotonic() - started,
        vendor=site.database.vendor,
        database_bytes=database_bytes,
        counts=found.counts,
        files=len(files) - vanished,
        files_bytes=files_bytes,
        documents_included=not database_only,
        master_keys_needed=found.master_keys_needed,
        master_keys_included=include_master_keys,
        master_keys_missing=[k for k in found.master_keys_needed if k not in held],
    )


def _keys_or_none(site: Site) -> list[MasterKey]:
    try:
        return site.configured_keys()
    except MasterKeyError:
        return []


def _keys_text(site: Site) -> str:
    keys = site.configured_keys()
    if not keys:
        raise BackupError(
            "--include-master-keys: no master key is configured on this server "
            "(FIRMDESK_MASTER_KEY is empty and there is no key file), so there "
            "is none to include."
        )
    return (
        "# FirmDesk master keys from a backup, oldest first; the last is current.\n"
        + "".join(base64.b64encode(key.key).decode() + "\n" for key in keys)
    )


# --- Restore -------------------------------------------------------------------


@dataclass
class RestoreReport:
    path: Path
    seconds: float
    vendor: str
    created: str
    firmdesk_version: str
    counts: dict[str, int]
    files: int
    files_bytes: int
    master_keys_added: list[str] = field(default_factory=list)
    # Migrations this FirmDesk has that the backup's database has not run yet.
    migrations_to_run: int = 0
    replaced: bool = False

    def as_json(self) -> dict[str, Any]:
        return {
            **self.__dict__,
            "path": str(self.path),
            "seconds": round(self.seconds, 2),
        }


def backup_restore(path: Path, *, site: Site, force: bool = False) -> RestoreReport:
    started = time.monotonic()
    path = path.absolute()
    opened = archive.open_backup(path)
    try:
        manifest = opened.manifest
        _check_engine(manifest, site)
        to_run = _check_migrations(manifest)
        if manifest["documents"] is not None and site.files_root is None:
            raise BackupError(
                "This backup holds the documents' files, but this server keeps "
                "documents in an S3-compatible bucket. Copy the files/ folder of "
                "the backup into the bucket's prefix (docs/backup.md) instead. "
                "Nothing was changed."
            )
        included = _included_keys(opened)
        to_add = _check_keys(manifest, site, included)
        replaced = _check_target(site, force)
        staging_parent = site.files_root or Path(tempfile.gettempdir())
        staging_parent.mkdir(parents=True, exist_ok=True)
        _check_space(
            staging_parent,
            sum(m["size"] for m in opened.members.values()),
            "unpack the backup",
        )
        staging = Path(tempfile.mkdtemp(prefix=STAGING, dir=staging_parent))
        try:
            staged = dict(archive.stage(opened, staging, path))
            dump = staged[manifest["database"]["member"]]
            databases.check_restorable(dump, site.database.vendor)
            # Everything verified: from here on, things change.
            if to_add:
                _install_keys(site, included, to_add)
            databases.copy_in(site.database, dump)
            databases.new_cache_marks(site.database)
            files, files_bytes = _move_files(site, staged)
        finally:
            shutil.rmtree(staging, ignore_errors=True)
    finally:
        opened.tar.close()
    counts = databases.holdings(site.database)
    if counts != manifest["counts"]:
        raise BackupError(
            f"The restored database does not hold what the backup recorded "
            f"({counts} instead of {manifest['counts']}). Restore again; if it "
            "happens again, the backup is not usable."
        )
    return RestoreReport(
        path=path,
        seconds=time.monotonic() - started,
        vendor=site.database.vendor,
        created=manifest["created"],
        firmdesk_version=manifest["firmdesk_version"],
        counts=counts,
        files=files,
        files_bytes=files_bytes,
        master_keys_added=to_add,
        migrations_to_run=to_run,
        replaced=replaced,
    )


def _check_engine(manifest: dict[str, Any], site: Site) -> None:
    theirs = manifest["database"]["vendor"]
    ours = site.database.vendor
    if theirs != ours:
        names = {databases.SQLITE: "SQLite", databases.POSTGRESQL: "PostgreSQL"}
        raise BackupError(
            f"This backup holds a {names[theirs]} database, and this FirmDesk uses "
            f"{names[ours]} (DATABASE_URL). A backup is restored into the same "
            f"kind of database: set DATABASE_URL to a {names[theirs]} database, "
            "restore, and move the data across as docs/backup.md describes. "
            "Nothing was changed."
        )


def _check_migrations(manifest: dict[str, Any]) -> int:
    """Refuse a backup made by a newer FirmDesk; return how many migrations
    this FirmDesk has that the backup has not run (`firmdesk migrate`)."""
    loader = MigrationLoader(None, ignore_no_migrations=True)
    known = set(loader.disk_migrations)
    for migration in loader.disk_migrations.values():
        known.update(migration.replaces)
    theirs = {tuple(name.split(".", 1)) for name in manifest["migrations"]}
    newer = sorted(".".join(key) for key in theirs - known)
    if newer:
        raise BackupError(
            f"This backup was made by a newer FirmDesk "
            f"({manifest['firmdesk_version']}): its database has run "
            f"{len(newer)} migration(s) this FirmDesk does not know "
            f"({', '.join(newer[:3])}…). Install FirmDesk "
            f"{manifest['firmdesk_version']} or newer, then restore. "
            "Nothing was changed."
        )
    return len(set(loader.disk_migrations) - theirs)


def _included_keys(opened: archive.Opened) -> list[MasterKey]:
    if archive.KEYS not in opened.members:
        return []
    stream = opened.tar.extractfile(archive.KEYS)
    assert stream is not None
    try:
        return parse_master_keys(stream.read().decode())
    except (MasterKeyError, UnicodeDecodeError) as error:
        raise BackupError(
            f"The master keys in the backup cannot be read ({error}). "
            "Nothing was changed."
        ) from error


def _check_keys(
    manifest: dict[str, Any], site: Site, included: list[MasterKey]
) -> list[str]:
    """The ids of the needed master keys that must be taken from the backup;
    refuse when a needed key is neither on this server nor in the backup."""
    try:
        held = {key.id for key in site.configured_keys()}
    except MasterKeyError as error:
        raise BackupError(f"{error} Nothing was changed.") from error
    needed = manifest["master_keys"]["needed"]
    missing = [k for k in needed if k not in held]
    in_backup = {key.id for key in included}
    absent = [k for k in missing if k not in in_backup]
    where = (
        "FIRMDESK_MASTER_KEY"
        if site.master_key_env
        else f"the key file {site.master_key_file}"
    )
    if absent:
        raise BackupError(
            f"The data in this backup is encrypted under master key(s) "
            f"{', '.join(absent)}, which {where} does not hold and the backup does "
            "not include. Without them no document and no encrypted detail "
            "could be read. Put those keys back from where you keep them "
            "(`firmdesk keys status` names a key by the same id) and run the "
            "restore again. Nothing was changed."
        )
    if missing and site.master_key_env:
        raise BackupError(
            f"The data in this backup needs master key(s) {', '.join(missing)}, "
            "which the backup includes but FIRMDESK_MASTER_KEY does not hold. "
            "Add them at the start of FIRMDESK_MASTER_KEY (they are in the "
            "backup's keys/master.keys: `tar -xOf BACKUP keys/master.keys`), "
            "then restore again. Nothing was changed."
        )
    return missing


def _check_target(site: Site, force: bool) -> bool:
    """Refuse a target that holds data unless forced; True when it does."""
    try:
        held = databases.holdings(site.database)
    except DatabaseError as error:
        raise BackupError(f"{error} Nothing was changed.") from error
    files = len(site.stored_files())
    if not any(held.values()) and not files:
        return False
    if force:
        return True
    what = ", ".join(f"{n:,} {what.replace('_', ' ')}" for what, n in held.items() if n)
    parts = []
    if what:
        parts.append(f"{site.database.label} already holds FirmDesk data ({what})")
    if files:
        parts.append(f"the documents folder {site.files_root} holds {files:,} files")
    said = " and ".join(parts)
    raise BackupError(
        said[0].upper()
        + said[1:]
        + ". A restore replaces them. Nothing was changed. If that is what you "
        "want, back them up first (firmdesk backup FILE) and run the restore "
        "again with --force."
    )


def _install_keys(site: Site, included: list[MasterKey], ids: list[str]) -> None:
    """Add the needed master keys from the backup to the key file, before
    the keys already there, so this server's current key stays current."""
    adding = "".join(
        base64.b64encode(key.key).decode() + "\n" for key in included if key.id in ids
    )
    path = site.master_key_file
    old = path.read_text() if path.exists() else ""
    text = (
        "# Added by firmdesk restore: master keys the restored data needs.\n"
        + adding
        + old
    )
    path.parent.mkdir(parents=True, exist_ok=True)
    aside = path.with_name(f".{path.name}.restore")
    descriptor = os.open(aside, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(descriptor, "w") as out:
        out.write(text)
        out.flush()
        os.fsync(out.fileno())
    os.replace(aside, path)


def _move_files(site: Site, staged: dict[str, Path]) -> tuple[int, int]:
    """Staged files moved into the storage folder (one rename each: the
    staging folder is inside it, on the same file system)."""
    count = size = 0
    for name, source in staged.items():
        if not name.startswith(archive.FILES):
            continue
        assert site.files_root is not None
        target = site.files_root / name.removeprefix(archive.FILES)
        target.parent.mkdir(parents=True, exist_ok=True)
        size += source.stat().st_size
        os.replace(source, target)
        count += 1
    return count, size


__all__ = [
    "BackupError",
    "BackupFileError",
    "DatabaseError",
    "Site",
    "backup_create",
    "backup_restore",
]
