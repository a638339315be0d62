"""Files FirmDesk makes for a firm's compliance records (the export of an
ended engagement, the return-of-data certificate), sealed at rest under the
firm's data key exactly as documents are (documents/crypto.py): each file is
sealed with its row's public id as associated data, so a file swapped for
another's fails to open.

The row does not name the key that sealed it; opening tries the firm's keys
newest first (a key rotation leaves the older keys in place), and a wrong key
fails on the first chunk.
"""

from collections.abc import Iterator

from firmdesk.documents import crypto
from firmdesk.documents.models import FirmKey
from firmdesk.documents.models import documents_storage as document_storage
from firmdesk.documents.storage import current_key


def seal_bytes(*, firm, file_id, content: bytes, name: str) -> str:
    """Seal ``content`` for ``firm`` under ``name``; return the stored name."""
    key = current_key(firm)
    reader = crypto.SealingReader(
        crypto.data_key_of(key), file_id.bytes, [content], len(content)
    )
    return document_storage().save(name, reader)


def open_bytes(*, firm, file_id, name: str) -> bytes:
    """The plaintext of a file sealed by ``seal_bytes``; crypto.TamperedFile
    when no key of the firm opens it (changed, swapped or cut short)."""
    failure: Exception = crypto.TamperedFile("The firm has no data key.")
    for key in FirmKey.objects.for_firm(firm).order_by("-number"):
        try:
            return b"".join(_open(key, file_id, name))
        except crypto.TamperedFile as error:
            failure = error
    raise failure


def _open(key, file_id, name: str) -> Iterator[bytes]:
    with document_storage().open(name, "rb") as stream:
        yield from crypto.open_sealed(crypto.data_key_of(key), file_id.bytes, stream)


def delete(name: str) -> None:
    if name:
        document_storage().delete(name)
