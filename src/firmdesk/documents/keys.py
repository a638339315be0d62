"""Looking after the keys of encryption at rest (`firmdesk keys …`): what is
configured, a new master key, re-wrapping every firm's data keys under the
current master key, new data keys, and sealing files stored before
encryption. docs/documents-encryption.md says when to use which.

Each step is safe to stop at any moment and to run again:

- ``rotate`` re-wraps one firm's keys and re-encrypts its encrypted model
  fields (common/encrypted.py: a contact's date of birth, tax ID, ...) in one
  transaction, skipping what the current master key already covers: a run
  cut short leaves every firm either done or as it was, and the next run does
  the rest.
- ``encrypt_existing`` seals one version at a time: the sealed copy is
  written under a new name and read back, the row is pointed at it (with
  its ``document.sealed`` audit event, which names the plain file) in one
  transaction, and only then is the plain file deleted. A crash leaves a
  version plain (and perhaps an unreferenced sealed copy: ciphertext, which
  reveals nothing) or sealed (and perhaps its plain file, which the next run
  finds by the audit event and deletes). No row ever names a file that is
  not there or does not read back as the bytes uploaded.
"""

import hashlib
import os
import stat
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

from django.apps import apps
from django.conf import settings
from django.db import transaction
from django.db.models import Count, F, Sum, TextField
from django.db.models.functions import Cast

from firmdesk.audit.models import AuditEvent
from firmdesk.audit.services import audit_record
from firmdesk.common import encrypted
from firmdesk.orgs.models import Organization

from . import crypto, storage
from .models import DocumentVersion, FirmKey
from .models import documents_storage as document_storage

SEALED = "document.sealed"

# --- Master keys ----------------------------------------------------------------


@dataclass(frozen=True)
class MasterKeys:
    source: str  # "environment" or "key file"
    path: Path | None
    ids: list[str]
    # The key file can be read by others than its owner (group or world).
    too_open: bool


def master_key_source() -> MasterKeys:
    keys = crypto.master_keys()
    if settings.FIRMDESK_MASTER_KEY:
        return MasterKeys("environment", None, [k.id for k in keys], False)
    path = Path(settings.FIRMDESK_MASTER_KEY_FILE)
    too_open = bool(path.stat().st_mode & (stat.S_IRWXG | stat.S_IRWXO))
    return MasterKeys("key file", path, [k.id for k in keys], too_open)


def append_master_key(path: Path) -> crypto.MasterKey:
    """A new master key added as the last (current) line of the key file,
    which is made if missing. The file is written aside, synced and renamed
    over the old one, so a crash leaves the old file or the new, never half
    of one; it stays readable by its owner only."""
    line = crypto.new_master_key_line()
    old = (
        path.read_text()
        if path.exists()
        else ("# FirmDesk master keys, oldest first; the last is current.\n")
    )
    crypto.parse_master_keys(old)  # never append to a file that is already wrong
    text = old if old.endswith("\n") or not old else old + "\n"
    path.parent.mkdir(parents=True, exist_ok=True)
    aside = path.with_name(f".{path.name}.new")
    fd = os.open(aside, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w") as out:
        out.write(text + line + "\n")
        out.flush()
        os.fsync(out.fileno())
    os.replace(aside, path)
    _sync_directory(path.parent)
    return crypto.parse_master_keys(line)[0]


# --- Status -----------------------------------------------------------------------


@dataclass
class FirmKeyState:
    number: int
    master_key_id: str
    master_configured: bool
    current: bool
    versions: int


@dataclass
class FirmState:
    name: str
    slug: str
    keys: list[FirmKeyState]
    plain_versions: int


def _orgs() -> Iterator[Organization]:
    yield from Organization.objects.order_by("name")


def firms_status() -> list[FirmState]:
    """Every organisation with a data key or a stored file: its keys (which
    master key wraps each, and how many versions each sealed) and how many
    versions are still stored plain."""
    configured = {k.id for k in crypto.master_keys()}
    states = []
    for org in _orgs():
        keys = list(FirmKey.objects.for_firm(org).order_by("number"))
        versions = DocumentVersion.objects.for_firm(org)
        by_key = dict(
            versions.filter(key__isnull=False)
            .values_list("key")
            .annotate(n=Count("pk"))
            .values_list("key", "n")
        )
        plain = versions.filter(key__isnull=True).count()
        if not keys and not plain:
            continue
        newest = max((k.number for k in keys), default=None)
        states.append(
            FirmState(
                name=org.name,
                slug=org.slug,
                keys=[
                    FirmKeyState(
                        number=k.number,
                        master_key_id=k.master_key_id,
                        master_configured=k.master_key_id in configured,
                        current=k.number == newest,
                        versions=by_key.get(k.pk, 0),
                    )
                    for k in keys
                ],
                plain_versions=plain,
            )
        )
    return states


# --- Rotation -------------------------------------------------------------------


@dataclass
class FirmRotation:
    name: str
    rewrapped: int = 0
    new_key: int | None = None
    # Values of encrypted model fields sealed again under the current key.
    resealed: int = 0
    problem: str = ""


def rotate(*, data_keys: bool = False) -> list[FirmRotation]:
    """Re-wrap every data key under the current master key; with
    ``data_keys``, also give each firm that has keys a new data key, which
    seals its new files from now on (older files keep theirs). One
    transaction per firm; a firm whose key cannot be opened (its master key is
    not configured) is reported and the others go on."""
    current = crypto.current_master_key()
    done = []
    for org in _orgs():
        has_keys = FirmKey.objects.for_firm(org).exists()
        result = FirmRotation(org.name)
        try:
            with transaction.atomic():
                if has_keys:
                    _rotate_firm(org, current, data_keys, result)
                _reseal_fields(org, current, result)
        except crypto.MasterKeyError as error:
            result = FirmRotation(org.name, problem=str(error))
        except crypto.TamperedFile:
            result.problem = (
                "A wrapped data key of this firm does not open with the master "
                "key its row names: the key row has been changed."
            )
        if has_keys or result.resealed or result.problem:
            done.append(result)
    crypto.forget_opened_keys()
    return done


def _rotate_firm(org, current, data_keys: bool, result: FirmRotation) -> None:
    with transaction.atomic():
        keys = list(
            FirmKey.objects.for_firm(org).select_for_update().order_by("number")
        )
        for key in keys:
            if key.master_key_id == current.id:
                continue
            data_key = crypto.unwrap(
                crypto.find_master_key(key.master_key_id),
                bytes(key.wrapped),
                firm_public_id=org.public_id,
                number=key.number,
            )
            key.wrapped = crypto.wrap(
                current, data_key, firm_public_id=org.public_id, number=key.number
            )
            key.master_key_id = current.id
            key.save(update_fields=["wrapped", "master_key_id", "updated_at"])
            result.rewrapped += 1
        if data_keys:
            number = (max(k.number for k in keys) if keys else 0) + 1
            FirmKey.objects.create(
                firm=org,
                number=number,
                master_key_id=current.id,
                wrapped=crypto.wrap(
                    current,
                    os.urandom(crypto.KEY_BYTES),
                    firm_public_id=org.public_id,
                    number=number,
                ),
            )
            result.new_key = number
        if result.rewrapped or result.new_key:
            parts = []
            if result.rewrapped:
                parts.append(
                    f"re-wrapped {result.rewrapped} data key(s) under master key "
                    f"{current.id}"
                )
            if result.new_key:
                parts.append(f"new data key {result.new_key} for new files")
            audit_record(
                org=org,
                actor=None,
                action="documents.keys_rotated",
                summary="Encryption keys: " + "; ".join(parts),
                detail={
                    "master_key_id": current.id,
                    "rewrapped": result.rewrapped,
                    "new_data_key": result.new_key,
                },
            )


def _stale_values(model, org, current_id: str, *, lock: bool = True):
    """(pk, [fields], stored) of ``org``'s rows of ``model`` with a value sealed
    under another master key than the current one. The columns are read as
    stored (cast to text), so nothing is decrypted to find them."""
    fields = encrypted.encrypted_fields(model)
    raw = {f"_raw_{f.name}": Cast(F(f.name), TextField()) for f in fields}
    rows = model.objects.for_firm(org)
    if lock:
        rows = rows.select_for_update()
    rows = rows.annotate(**raw).values_list("pk", *raw).order_by("pk")
    for pk, *stored in rows.iterator():
        stale = [
            field
            for field, value in zip(fields, stored, strict=True)
            if value is not None and encrypted.key_id_of(value) != current_id
        ]
        if stale:
            yield pk, stale, dict(zip(fields, stored, strict=True))


def _encrypted_models() -> list:
    return [m for m in apps.get_models() if encrypted.encrypted_fields(m)]


def sensitive_values_on_older_keys() -> dict[str, int]:
    """Per firm name, how many encrypted field values an older master key
    sealed (`firmdesk keys rotate` moves them to the current one)."""
    current = crypto.current_master_key()
    counts = {}
    for org in _orgs():
        n = sum(
            len(stale)
            for model in _encrypted_models()
            for _, stale, _ in _stale_values(model, org, current.id, lock=False)
        )
        if n:
            counts[org.name] = n
    return counts


def _reseal_fields(org, current, result: FirmRotation) -> None:
    """Seal again under ``current`` every value of ``org``'s encrypted model
    fields that an older master key sealed (inside the firm's transaction)."""
    for model in _encrypted_models():
        for pk, stale, stored in list(_stale_values(model, org, current.id)):
            values = {
                field.name: field.from_text(
                    encrypted.open_sealed(stored[field], purpose=field.purpose)
                )
                for field in stale
            }
            model.objects.for_firm(org).filter(pk=pk).update(**values)
            result.resealed += len(values)
    if result.resealed:
        audit_record(
            org=org,
            actor=None,
            action="encryption.fields_resealed",
            summary=(
                f"Encryption keys: re-encrypted {result.resealed} sensitive "
                f"value(s) under master key {current.id}"
            ),
            detail={"master_key_id": current.id, "resealed": result.resealed},
        )


# --- Sealing files stored before encryption -------------------------------------

OK, MISSING, MISMATCH, GONE = "sealed", "missing", "mismatch", "gone"


@dataclass
class Sealing:
    """What one run of ``encrypt_existing`` did (or, dry, would do)."""

    versions: int = 0
    bytes: int = 0
    sealed: int = 0
    leftovers_removed: int = 0
    # (firm name, document title, version number, why) per version not sealed.
    problems: list[tuple[str, str, int, str]] = field(default_factory=list)


def plain_versions(org):
    return DocumentVersion.objects.for_firm(org).filter(key__isnull=True)


def encrypt_existing(
    *,
    dry_run: bool = False,
    firm=None,
    on_start: Callable[[int, int], None] | None = None,
    on_version: Callable[[int], None] | None = None,
) -> Sealing:
    """Seal every version stored plain (of ``firm``, or of every firm).
    ``on_start(versions, bytes)`` is called once with the work ahead and
    ``on_version(size)`` after each version, for a progress bar."""
    result = Sealing()
    orgs = [firm] if firm is not None else list(_orgs())
    todo = []
    for org in orgs:
        if not dry_run:
            result.leftovers_removed += _remove_leftover_plain_files(org)
        rows = plain_versions(org).order_by("pk")
        totals = rows.aggregate(n=Count("pk"), size=Sum("size"))
        result.versions += totals["n"]
        result.bytes += totals["size"] or 0
        todo.append((org, list(rows.values_list("pk", flat=True))))
    if on_start:
        on_start(result.versions, result.bytes)
    for org, pks in todo:
        for pk in pks:
            version = (
                plain_versions(org).select_related("document").filter(pk=pk).first()
            )
            if version is None:
                continue  # sealed or deleted since the list was made
            outcome = _check_one(version) if dry_run else _seal_one(org, version)
            if outcome == OK:
                result.sealed += 0 if dry_run else 1
            elif outcome != GONE:
                result.problems.append(
                    (org.name, version.document.title, version.number, outcome)
                )
            if on_version:
                on_version(version.size)
    return result


def _check_one(version) -> str:
    if not document_storage().exists(version.file.name):
        return MISSING
    return OK


def _seal_one(org, version) -> str:
    plain_name = version.file.name
    digest = hashlib.sha256()
    counted = 0

    def plain_chunks() -> Iterator[bytes]:
        nonlocal counted
        with document_storage().open(plain_name, "rb") as plain:
            while piece := plain.read(crypto.CHUNK):
                digest.update(piece)
                counted += len(piece)
                yield piece

    try:
        storage.store(
            version, plain_chunks(), version.size, name=storage.fresh_name(version)
        )
    except FileNotFoundError:
        return MISSING
    sealed_name = version.file.name
    if digest.hexdigest() != version.sha256 or counted != version.size:
        document_storage().delete(sealed_name)
        return MISMATCH
    # Read the sealed copy back before any row names it.
    if hashlib.sha256(storage.read_plaintext(version)).hexdigest() != version.sha256:
        document_storage().delete(sealed_name)
        return MISMATCH
    _sync_file(sealed_name)
    with transaction.atomic():
        still_plain = (
            plain_versions(org)
            .select_for_update()
            .filter(pk=version.pk, file=plain_name)
            .exists()
        )
        if still_plain:
            DocumentVersion.objects.for_firm(org).filter(pk=version.pk).update(
                file=sealed_name, key=version.key
            )
            audit_record(
                org=org,
                actor=None,
                action=SEALED,
                obj=version.document,
                matter=version.document.matter,
                summary=(
                    f"Encrypted the stored copy of “{version.original_name}” "
                    f"(version {version.number})"
                ),
                detail={
                    "version": version.number,
                    "key": version.key.number,
                    "plain_file": plain_name,
                },
            )
    if not still_plain:
        document_storage().delete(sealed_name)
        return GONE
    document_storage().delete(plain_name)
    return OK


def _remove_leftover_plain_files(org) -> int:
    """Plain files a run stopped before deleting: each ``document.sealed``
    event names one; it goes once no version names it and it is not sealed."""
    removed = 0
    events = AuditEvent.objects.filter(org=org, action=SEALED).values_list(
        "detail", flat=True
    )
    store = document_storage()
    for detail in events.iterator():
        name = (detail or {}).get("plain_file")
        if not name or not store.exists(name):
            continue
        if DocumentVersion.objects.for_firm(org).filter(file=name).exists():
            continue
        with store.open(name, "rb") as stored:
            if stored.read(len(crypto.MAGIC)) == crypto.MAGIC:
                continue
        store.delete(name)
        removed += 1
    return removed


def _sync_file(name: str) -> None:
    """On the file system, have the sealed file on disk before the row names
    it; an object store has it once the upload has returned."""
    try:
        path = Path(document_storage().path(name))
    except NotImplementedError:
        return
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)
    _sync_directory(path.parent)


def _sync_directory(path: Path) -> None:
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)
