"""The backup file: a tar archive a person can open with `tar`, holding

- ``database.sqlite3`` or ``database.pgdump`` (pg_dump's custom format),
- ``files/<path>``: every file of the documents storage, as stored (sealed),
- ``keys/master.keys``: the master keys, only with ``--include-master-keys``,
- ``manifest.json``: what the backup is (format version, FirmDesk version,
  migrations, database vendor, time, counts, master keys needed) and the size
  and SHA-256 of every member above,
- ``manifest.sha256``: the SHA-256 of manifest.json, in ``sha256sum`` form.

The checksums find damage (a changed byte, a cut-off copy, a member lost);
they do not prove who wrote the file: keep backups where only you can write.

Members are written as they are read, hashed on the way; the manifest comes
last because it holds their checksums. Reading checks the manifest first,
then every member against it while the members are staged, so nothing is
changed until the whole archive has verified.
"""

import hashlib
import io
import json
import os
import shutil
import tarfile
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath
from typing import IO, Any

FORMAT = "firmdesk-backup"
FORMAT_VERSION = 1
MANIFEST = "manifest.json"
MANIFEST_SUM = "manifest.sha256"
FILES = "files/"
KEYS = "keys/master.keys"
DATABASE_MEMBERS = {"sqlite": "database.sqlite3", "postgresql": "database.pgdump"}
COPY = 1024 * 1024


class BackupFileError(Exception):
    """The file is not a readable, intact FirmDesk backup; says what is wrong."""


class _Hashing:
    """A reader that hashes what passes through it."""

    def __init__(self, stream: IO[bytes]):
        self.stream = stream
        self.sha256 = hashlib.sha256()

    def read(self, n: int = -1) -> bytes:
        data = self.stream.read(n)
        self.sha256.update(data)
        return data


@dataclass
class Writer:
    """Members added one by one; ``close`` writes the manifest and moves the
    archive into place (written aside until then, so a failed backup never
    leaves a file that looks like a whole one)."""

    path: Path
    members: dict[str, dict[str, Any]] = field(default_factory=dict)

    def __post_init__(self) -> None:
        self.partial = self.path.with_name(f".{self.path.name}.partial")
        # Open across add_* calls; close() or abandon() closes it.
        self.tar = tarfile.open(  # noqa: SIM115
            self.partial, "w", format=tarfile.PAX_FORMAT
        )

    def add_file(self, name: str, source: Path) -> None:
        """Raises FileNotFoundError before writing anything when the file
        has gone (opened first, then measured)."""
        with source.open("rb") as stream:
            stat = os.fstat(stream.fileno())
            info = tarfile.TarInfo(name)
            info.size = stat.st_size
            info.mtime = int(stat.st_mtime)
            info.mode = 0o600
            hashing = _Hashing(stream)
            self.tar.addfile(info, hashing)
        self.members[name] = {"size": info.size, "sha256": hashing.sha256.hexdigest()}

    def add_bytes(self, name: str, data: bytes, *, listed: bool = True) -> str:
        info = tarfile.TarInfo(name)
        info.size = len(data)
        info.mtime = int(time.time())
        info.mode = 0o600
        self.tar.addfile(info, io.BytesIO(data))
        digest = hashlib.sha256(data).hexdigest()
        if listed:
            self.members[name] = {"size": info.size, "sha256": digest}
        return digest

    def close(self, manifest: dict[str, Any]) -> None:
        manifest = {**manifest, "members": self.members}
        text = json.dumps(manifest, indent=2, sort_keys=True).encode()
        digest = self.add_bytes(MANIFEST, text, listed=False)
        self.add_bytes(MANIFEST_SUM, f"{digest}  {MANIFEST}\n".encode(), listed=False)
        self.tar.close()
        with self.partial.open("rb") as written:
            os.fsync(written.fileno())
        os.replace(self.partial, self.path)

    def abandon(self) -> None:
        self.tar.close()
        self.partial.unlink(missing_ok=True)


# --- Reading -------------------------------------------------------------------


@dataclass
class Opened:
    manifest: dict[str, Any]
    tar: tarfile.TarFile

    @property
    def members(self) -> dict[str, dict[str, Any]]:
        return self.manifest["members"]


def _refuse(path: Path, why: str) -> BackupFileError:
    return BackupFileError(f"{path} {why} Nothing was changed.")


def open_backup(path: Path) -> Opened:
    """The archive opened and its manifest checked (its own SHA-256, the
    format and version, and that the members listed and the members present
    are the same). The members' own checksums are checked by ``stage``."""
    if not path.exists():
        raise BackupFileError(f"There is no file {path}. Nothing was changed.")
    if path.is_dir():
        raise BackupFileError(
            f"{path} is a folder; name the backup file itself. Nothing was changed."
        )
    try:
        # Handed to the caller in Opened, who closes it.
        tar = tarfile.open(path, "r:")  # noqa: SIM115
        present = tar.getmembers()
    except (tarfile.TarError, EOFError) as error:
        raise _refuse(
            path, f"is not a FirmDesk backup (not a readable archive: {error})."
        ) from error
    names = [m.name for m in present]
    if MANIFEST not in names or MANIFEST_SUM not in names:
        tar.close()
        raise _refuse(
            path,
            "is not a FirmDesk backup, or its end is missing (no manifest.json "
            "and manifest.sha256 in it): it may have been cut short while it "
            "was copied.",
        )
    manifest_bytes = _read_member(tar, MANIFEST)
    recorded = _read_member(tar, MANIFEST_SUM).decode(errors="replace").split()
    if not recorded or recorded[0] != hashlib.sha256(manifest_bytes).hexdigest():
        tar.close()
        raise _refuse(
            path,
            "is damaged: its manifest (the list of what the backup holds, with "
            "their checksums) does not match its SHA-256 in manifest.sha256.",
        )
    try:
        manifest = json.loads(manifest_bytes)
    except ValueError as error:
        tar.close()
        raise _refuse(path, "is damaged: its manifest cannot be read.") from error
    if manifest.get("format") != FORMAT:
        tar.close()
        raise _refuse(path, "is not a FirmDesk backup.")
    if manifest.get("format_version") != FORMAT_VERSION:
        tar.close()
        raise _refuse(
            path,
            f"is a FirmDesk backup of format {manifest.get('format_version')}, "
            f"which this FirmDesk ({FORMAT_VERSION}) cannot read: restore it with "
            f"the FirmDesk version that made it ({manifest.get('firmdesk_version')}) "
            "or a newer one.",
        )
    listed = set(manifest["members"])
    contents = [n for n in names if n not in (MANIFEST, MANIFEST_SUM)]
    missing = sorted(listed - set(contents))
    extra = sorted(set(contents) - listed)
    doubled = sorted({n for n in contents if contents.count(n) > 1})
    unsafe = [m.name for m in present if not _safe(m)]
    problem = ""
    if missing:
        problem = f"is missing {len(missing)} member(s) its manifest lists: " + (
            _names(missing)
        )
    elif extra or doubled:
        problem = "holds member(s) its manifest does not list: " + _names(
            extra or doubled
        )
    elif unsafe:
        problem = "holds member(s) that are not plain files in the archive: " + (
            _names(unsafe)
        )
    if problem:
        tar.close()
        raise _refuse(path, f"is damaged: it {problem}.")
    return Opened(manifest, tar)


def _names(names: list[str]) -> str:
    shown = ", ".join(names[:5])
    return shown + (f" and {len(names) - 5} more" if len(names) > 5 else "")


def _safe(member: tarfile.TarInfo) -> bool:
    pure = PurePosixPath(member.name)
    return (
        member.isfile()
        and not pure.is_absolute()
        and ".." not in pure.parts
        and str(pure) == member.name
    )


def _read_member(tar: tarfile.TarFile, name: str) -> bytes:
    stream = tar.extractfile(name)
    assert stream is not None
    return stream.read()


def stage(opened: Opened, into: Path, path: Path) -> Iterator[tuple[str, Path]]:
    """Every member written under ``into`` (same relative name) and checked
    against the manifest's size and SHA-256; yields (name, staged path).
    A member that fails raises BackupFileError."""
    for member in opened.tar:
        if member.name in (MANIFEST, MANIFEST_SUM):
            continue
        expected = opened.members[member.name]
        target = into / member.name
        target.parent.mkdir(parents=True, exist_ok=True)
        source = opened.tar.extractfile(member)
        assert source is not None
        hashing = _Hashing(source)
        with target.open("wb") as out:
            shutil.copyfileobj(hashing, out, COPY)
        if (
            member.size != expected["size"]
            or hashing.sha256.hexdigest() != expected["sha256"]
        ):
            raise _refuse(
                path,
                f"is damaged: “{member.name}” does not match its SHA-256 in "
                "the manifest (its bytes were changed or cut short).",
            )
        yield member.name, target
