"""Where a version's bytes go and how they come back: sealed under the firm's
data key (crypto.py) in the ``documents`` storage (the file system under
``var/`` by default, or an S3-compatible bucket: docs/documents-storage.md).
Every reader of a stored file goes through ``open_plaintext``."""

import secrets
from collections.abc import Iterator

from django.db import transaction

from . import crypto
from .models import DocumentVersion, FirmKey, version_upload_to
from .models import documents_storage as document_storage


def current_key(firm) -> FirmKey:
    """The firm's newest data key, made on first use."""
    key = FirmKey.unscoped.filter(firm=firm).order_by("-number").first()
    if key is not None:
        return key
    with transaction.atomic():
        master = crypto.current_master_key()
        data_key = secrets.token_bytes(crypto.KEY_BYTES)
        key, _ = FirmKey.unscoped.get_or_create(
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


def store(version: DocumentVersion, chunks, size: int) -> None:
    """Seal the plaintext ``chunks`` (``size`` bytes) as ``version``'s file and
    set its name and key on it (the caller saves the row)."""
    key = current_key(version.firm)
    reader = crypto.SealingReader(
        crypto.data_key_of(key), _file_id(version), chunks, size
    )
    name = version_upload_to(version, version.original_name)
    version.file.name = document_storage().save(name, reader)
    version.key = key


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
