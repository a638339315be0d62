"""Where a version's bytes go and how they come back: sealed under the firm's
data key (crypto.py) in the ``documents`` storage (the file system under
``var/`` by default, or an S3-compatible bucket: docs/documents-storage.md).
Every reader of a stored file goes through ``open_plaintext`` (or
``open_checked``, which reads the first chunk before it returns)."""

import itertools
import logging
import secrets
from collections.abc import Iterator
from pathlib import PurePosixPath

from django.db import transaction

from firmdesk.audit.services import audit_record

from . import crypto
from .models import DocumentVersion, FirmKey, version_upload_to
from .models import documents_storage as document_storage

log = logging.getLogger(__name__)


def current_key(firm) -> FirmKey:
    """The firm's newest data key, made on first use."""
    key = FirmKey.objects.for_firm(firm).order_by("-number").first()
    if key is not None:
        return key
    with transaction.atomic():
        master = crypto.current_master_key()
        data_key = secrets.token_bytes(crypto.KEY_BYTES)
        key, _ = FirmKey.objects.for_firm(firm).get_or_create(
            firm=firm,
            number=1,
            defaults={
                "master_key_id": master.id,
                "wrapped": crypto.wrap(
                    master, data_key, firm_public_id=firm.public_id, number=1
                ),
            },
        )
    return key


def _file_id(version: DocumentVersion) -> bytes:
    return version.public_id.bytes


def store(version: DocumentVersion, chunks, size: int, *, name: str = "") -> None:
    """Seal the plaintext ``chunks`` (``size`` bytes) as ``version``'s file and
    set its name and key on it (the caller saves the row). ``name`` is where
    to write it; by default the version's usual place."""
    key = current_key(version.firm)
    reader = crypto.SealingReader(
        crypto.data_key_of(key), _file_id(version), chunks, size
    )
    name = name or version_upload_to(version, version.original_name)
    version.file.name = document_storage().save(name, reader)
    version.key = key


def fresh_name(version: DocumentVersion) -> str:
    """A place for the version's file that no file takes yet: its usual name
    with a random tag before the extension. Resealing writes there, so the
    file the row names now is never overwritten (an S3 bucket overwrites by
    default) and stays readable until the row names the new one."""
    usual = PurePosixPath(version_upload_to(version, version.original_name))
    tag = secrets.token_hex(4)
    return str(usual.with_name(f"{usual.stem}-{tag}{usual.suffix}"))


def open_plaintext(version: DocumentVersion) -> Iterator[bytes]:
    """The version's bytes as they were uploaded, in chunks; each chunk is
    verified before it is given out (crypto.TamperedFile otherwise). A file
    stored before encryption (no key yet) is read as it is."""
    stream = document_storage().open(version.file.name, "rb")
    try:
        if version.key_id is None:
            while piece := stream.read(crypto.CHUNK):
                yield piece
            return
        key = crypto.data_key_of(version.key)
        yield from crypto.open_sealed(key, _file_id(version), stream)
    finally:
        stream.close()


def read_plaintext(version: DocumentVersion) -> bytes:
    return b"".join(open_plaintext(version))


def delete_stored(version: DocumentVersion) -> None:
    if version.file.name:
        document_storage().delete(version.file.name)


# --- A stored file that cannot be read ---------------------------------------

DAMAGED = "damaged"
MISSING = "missing"
NO_KEY = "no_key"


class Unreadable(Exception):
    """The version's stored file cannot be given out: ``reason`` is DAMAGED
    (changed, cut short or not sealed for this file), MISSING (no file where
    the row says) or NO_KEY (its data key's master key is not configured)."""

    def __init__(self, version: DocumentVersion, reason: str):
        super().__init__(f"{version}: {reason}")
        self.version = version
        self.reason = reason


def reason_of(error: Exception) -> str | None:
    """The Unreadable reason for an error raised while reading a file, or None
    for one that says nothing about the file (a database error, a bug)."""
    if isinstance(error, crypto.TamperedFile):
        return DAMAGED
    if isinstance(error, FileNotFoundError):
        return MISSING
    if isinstance(error, crypto.MasterKeyError):
        return NO_KEY
    return None


def open_checked(version: DocumentVersion) -> Iterator[bytes]:
    """``open_plaintext`` with the first chunk already read and verified, so
    that most damage (a wrong key, a changed header, a file swapped with
    another, anything in the first 64 KiB) and a missing file are known
    before a response starts: Unreadable then. Damage further on still
    raises TamperedFile from the iterator, before any unverified byte."""
    chunks = open_plaintext(version)
    try:
        first = next(chunks, b"")
    except Exception as error:
        reason = reason_of(error)
        if reason is None:
            raise
        raise Unreadable(version, reason) from error
    return itertools.chain((first,), chunks)


def record_unreadable(version: DocumentVersion, *, actor, reason: str, where: str):
    """Audit that someone was refused a version's file because it cannot be
    read (``document.damaged``), and tell the firm's admins once per version
    and reason: they restore it from a backup or put the key back."""
    from firmdesk.notify.services import notify
    from firmdesk.orgs.models import Membership

    document = version.document
    firm = version.firm
    what = {
        DAMAGED: "is damaged: its bytes are not the ones FirmDesk stored",
        MISSING: "is missing from storage",
        NO_KEY: "cannot be opened: the master key that protects it is not "
        "configured on the server",
    }[reason]
    log.error(
        "Stored file of document version %s (firm %s) %s: %s",
        version.public_id,
        firm.public_id,
        reason,
        version.file.name,
    )
    with transaction.atomic():
        audit_record(
            org=firm,
            actor=actor,
            action="document.damaged",
            obj=document,
            matter=document.matter,
            summary=(
                f"The stored copy of “{version.original_name}” (version "
                f"{version.number}) {what}; the download from {where} was refused"
            ),
            detail={"version": version.number, "reason": reason},
        )
        do = (
            "Put the master key back in the configuration"
            if reason == NO_KEY
            else "Restore the file from the latest backup of the documents "
            "storage, or ask for the file again and upload it as a new version"
        )
        admins = [
            m.user
            for m in Membership.objects.filter(
                organization=firm, is_active=True, user__is_active=True
            ).select_related("user")
            if "firm_admin" in m.roles
        ]
        for admin in admins:
            notify(
                user=admin,
                firm=firm,
                about=document,
                kind="document.damaged",
                title=f"A stored file cannot be read: “{version.original_name}”",
                body=(
                    f"The stored copy of “{version.original_name}” (version "
                    f"{version.number} of “{document.title}”) {what}, so FirmDesk "
                    f"refused to give it out. {do} (docs/documents-encryption.md, "
                    "“When a file cannot be read”)."
                ),
                key=f"document.damaged:{version.pk}:{reason}:{admin.pk}",
            )
