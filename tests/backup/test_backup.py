"""`firmdesk backup` and `firmdesk restore` round trip on the database the
suite runs on (SQLite by default; PostgreSQL with DATABASE_URL=postgres://…),
with the real pg_dump / pg_restore / psql, and every way a backup file can be
damaged refused before anything changes."""

import base64
import hashlib
import io
import json
import shutil
import tarfile

import pytest
from django.core.management import CommandError, call_command

from firmdesk.access import mark as access_mark
from firmdesk.backup import archive
from firmdesk.backup.archive import BackupFileError
from firmdesk.backup.databases import Database
from firmdesk.backup.services import BackupError, Site, backup_create, backup_restore
from firmdesk.common.masterkeys import master_key_id, parse_master_keys
from firmdesk.insights import rollup

from .conftest import KEY, OTHER_KEY, SECRET, SSN, firmdesk_in

# Run on the restored site: its audit chains, every document's bytes and the
# encrypted tax ID, as the restored FirmDesk reads them.
READ_BACK = """
import hashlib, json
from django.core.management import CommandError, call_command
from firmdesk.documents.models import DocumentVersion
from firmdesk.documents.storage import read_plaintext
from firmdesk.matters.models import Contact
call_command("audit", "verify", "--all")
print(json.dumps({
    "documents": {
        str(v.public_id): hashlib.sha256(read_plaintext(v)).hexdigest()
        for v in DocumentVersion.unscoped.select_related("key", "firm")
    },
    "tax_ids": [c.tax_id for c in Contact.unscoped.all()],
}))
"""


@pytest.mark.slow
def test_a_restored_copy_has_everything_and_its_documents_decrypt(
    source, target, tmp_path
):
    path = tmp_path / "nightly.tar"
    report = backup_create(path, site=source.site, include_master_keys=True)

    assert report.counts["firms"] == 1 and report.counts["tasks"] == 1
    assert report.counts["document_versions"] == 2 and report.counts["audit_events"]
    assert report.files == 2
    # The documents travel sealed, exactly as stored: the secret never in clear.
    raw = path.read_bytes()
    assert SECRET[:30] not in raw and SSN.encode() not in raw

    # The restoring server has a master key of its own, not the one needed.
    key_file = target.site.master_key_file
    key_file.parent.mkdir()
    key_file.write_text(f"# this server's key\n{OTHER_KEY}\n")
    key_file.chmod(0o600)

    restored = firmdesk_in(target, "restore", str(path))
    assert restored.returncode == 0, restored.stderr
    assert "every checksum was verified first" in restored.stdout
    # The needed key came from the backup, added before the server's own key,
    # which stays current (the last one).
    assert [k.id for k in parse_master_keys(key_file.read_text())] == [
        master_key_id(base64.b64decode(KEY)),
        master_key_id(base64.b64decode(OTHER_KEY)),
    ]
    assert key_file.stat().st_mode & 0o777 == 0o600

    read = firmdesk_in(target, code=READ_BACK)
    assert read.returncode == 0, read.stderr
    assert "chain intact" in read.stdout
    assert "tampered" not in read.stdout + read.stderr
    found = json.loads(read.stdout.strip().splitlines()[-1])
    assert found["documents"] == source.documents
    assert found["tax_ids"] == [SSN]


def test_a_target_that_holds_data_is_refused_without_force(source, firm, tmp_path):
    rollup.mark_changed(firm)  # the dashboard has kept sums under this mark
    path = tmp_path / "nightly.tar"
    out = io.StringIO()
    call_command("backup", str(path), stdout=out)
    said = out.getvalue()
    assert said.startswith(f"Backup written to {path}")
    assert "1 firms, " in said and "2 files" in said
    assert "Master keys: not included" in said
    with pytest.raises(CommandError, match="already exists"):
        call_command("backup", str(path))

    # The source itself holds data: restoring over it is refused, and says what.
    with pytest.raises(BackupError) as refused:
        backup_restore(path, site=source.site)
    message = str(refused.value)
    assert "already holds FirmDesk data (" in message and "1 firms, " in message
    assert "--force" in message and "Nothing was changed" in message
    assert source.site.database.name in message

    backed_up_mark = access_mark.current()
    backed_up_rollup = rollup.version(firm)
    report = backup_restore(path, site=source.site, force=True)
    assert report.replaced and report.counts["document_versions"] == 2
    # What a cache kept under the backup's marks (a person's access, the
    # firm's roll-up sums) is never read again: no need to empty the cache.
    assert access_mark.current() not in ("", backed_up_mark)
    assert rollup.version(firm) not in ("", backed_up_rollup)


def archive_manifest(path) -> dict:
    with tarfile.open(path) as tar:
        return json.loads(tar.extractfile(archive.MANIFEST).read())


def _flip_byte_of(name: str):
    def tamper(path):
        with tarfile.open(path) as tar:
            offset = tar.getmember(name).offset_data
        with path.open("r+b") as stream:
            stream.seek(offset + 10)
            byte = stream.read(1)
            stream.seek(offset + 10)
            stream.write(bytes([byte[0] ^ 1]))

    return tamper


def _flip_a_document_byte(path):
    with tarfile.open(path) as tar:
        name = max(
            (m for m in tar if m.name.startswith(archive.FILES)), key=lambda m: m.size
        ).name
    _flip_byte_of(name)(path)


def _flip_a_database_byte(path):
    _flip_byte_of(archive_manifest(path)["database"]["member"])(path)


def _remove_a_document(path):
    kept = path.with_suffix(".kept")
    with tarfile.open(path) as old, tarfile.open(kept, "w") as new:
        dropped = False
        for member in old:
            if member.name.startswith(archive.FILES) and not dropped:
                dropped = True
                continue
            new.addfile(member, old.extractfile(member))
    kept.replace(path)


def _cut_short(path):
    data = path.read_bytes()
    path.write_bytes(data[: len(data) // 2])


def _rebuilt(path, *, manifest=None, extra: str = ""):
    """The archive written again with its manifest changed by ``manifest``
    (and manifest.sha256 made to match, as someone editing it would), or with
    an ``extra`` member its manifest does not list."""
    rebuilt = path.with_suffix(".new")
    with tarfile.open(path) as old, tarfile.open(rebuilt, "w") as new:
        for member in old:
            data = old.extractfile(member).read()
            if manifest and member.name == archive.MANIFEST:
                data = json.dumps(manifest(json.loads(data))).encode()
                digest = hashlib.sha256(data).hexdigest()
            if manifest and member.name == archive.MANIFEST_SUM:
                data = f"{digest}  {archive.MANIFEST}\n".encode()
            member.size = len(data)
            new.addfile(member, io.BytesIO(data))
        if extra:
            new.addfile(tarfile.TarInfo(extra), io.BytesIO(b""))
    rebuilt.replace(path)


def _from_a_newer_format(path):
    _rebuilt(path, manifest=lambda m: {**m, "format_version": 2})


def _from_a_newer_firmdesk(path):
    future = "work.9999_from_the_future"
    _rebuilt(path, manifest=lambda m: {**m, "migrations": [*m["migrations"], future]})


def _with_a_member_added(path):
    _rebuilt(path, extra="files/documents/planted.pdf")


REFUSED = {
    "a byte of a document": (
        _flip_a_document_byte,
        "does not match its SHA-256 in the manifest",
    ),
    "a byte of the database": (_flip_a_database_byte, "does not match its SHA-256"),
    "a byte of the manifest": (_flip_byte_of(archive.MANIFEST), "its manifest"),
    "a member removed": (
        _remove_a_document,
        "is missing 1 member(s) its manifest lists",
    ),
    "the file cut short": (_cut_short, "is not a FirmDesk backup"),
    "a member added": (_with_a_member_added, "holds member(s) its manifest does"),
    "a newer backup format": (_from_a_newer_format, "cannot read: restore it with"),
    "a newer FirmDesk": (_from_a_newer_firmdesk, "made by a newer FirmDesk"),
}


def test_a_backup_that_fails_a_check_is_refused_and_nothing_changes(
    source, target, tmp_path
):
    good = tmp_path / "nightly.tar"
    backup_create(good, site=source.site, include_master_keys=True)
    marker = target.site.files_root / "kept.bin"
    marker.parent.mkdir(parents=True)
    marker.write_bytes(b"a file that was there before")
    before = target.fingerprint()

    for case, (tamper, says) in REFUSED.items():
        damaged = tmp_path / "damaged.tar"
        shutil.copyfile(good, damaged)
        tamper(damaged)
        with pytest.raises((BackupError, BackupFileError)) as refused:
            backup_restore(damaged, site=target.site, force=True)
        assert says in str(refused.value), case
        assert str(refused.value).endswith("Nothing was changed."), case
        assert target.fingerprint() == before, case

    without_keys = tmp_path / "without-keys.tar"
    backup_create(without_keys, site=source.site)
    elsewhere = Site(
        target.site.database, target.site.files_root, OTHER_KEY, target.var / "k"
    )
    with pytest.raises(BackupError) as refused:
        backup_restore(without_keys, site=elsewhere, force=True)
    [needed] = archive_manifest(without_keys)["master_keys"]["needed"]
    assert needed in str(refused.value)
    assert str(refused.value).endswith("Nothing was changed.")
    assert target.fingerprint() == before

    other = "postgresql" if source.site.database.vendor == "sqlite" else "sqlite"
    other_engine = Site(Database(other, "x"), target.site.files_root, KEY, target.var)
    with pytest.raises(BackupError, match="restored into the same kind of database"):
        backup_restore(good, site=other_engine)


def test_anything_but_a_backup_is_refused_in_words(tmp_path):
    nowhere = Site(Database("sqlite", str(tmp_path / "x")), tmp_path, KEY, tmp_path)
    other = tmp_path / "notes.txt"
    other.write_text("not a backup")
    with pytest.raises(BackupFileError, match="notes.txt is not a FirmDesk backup"):
        backup_restore(other, site=nowhere)
    with pytest.raises(BackupFileError, match="There is no file .*missing.tar"):
        backup_restore(tmp_path / "missing.tar", site=nowhere)
    assert not (tmp_path / "x").exists()
