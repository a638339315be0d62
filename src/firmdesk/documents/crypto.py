"""Encryption at rest: AES-256-GCM in chunks, under a per-firm data key that is
kept only wrapped by a master key from outside the database.

A stored file is a header and a run of frames::

    header  = MAGIC (4 bytes) + chunk size (4 bytes, big-endian)
    frame   = nonce (12 random bytes) + AES-GCM(chunk of plaintext) + tag (16)

Every frame holds ``chunk size`` bytes of plaintext except the last, which holds
the rest (possibly nothing: an empty file is one empty frame). Each frame is
sealed with associated data naming the file, the frame's index and whether it is
the last, so a frame moved, dropped, swapped with another file's or cut off at
the end fails to open; a flipped byte fails its tag. Plaintext is released one
verified frame at a time, so downloads stream.

docs/documents-encryption.md says how keys are kept and rotated.
"""

import secrets
import struct
from collections.abc import Iterable, Iterator

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM

# The master keys live in common (the encrypted fields of lower apps use them
# too); documents and its callers keep naming them through this module.
from firmdesk.common.masterkeys import (  # noqa: F401
    KEY_BYTES,
    MasterKey,
    MasterKeyError,
    MissingMasterKey,
    current_master_key,
    find_master_key,
    master_key_id,
    master_keys,
    new_master_key_line,
    parse_master_keys,
)

MAGIC = b"FDE1"
HEADER = struct.Struct(">4sI")
CHUNK = 64 * 1024
NONCE = 12
TAG = 16


class TamperedFile(Exception):
    """The stored bytes are not what FirmDesk sealed: changed, cut short, or
    sealed for another file or key."""


# --- Wrapping a firm's data key ---------------------------------------------


def _wrap_aad(firm_public_id, number: int) -> bytes:
    return f"firmdesk-data-key:{firm_public_id}:{number}".encode()


def wrap(master: MasterKey, data_key: bytes, *, firm_public_id, number: int) -> bytes:
    nonce = secrets.token_bytes(NONCE)
    return nonce + AESGCM(master.key).encrypt(
        nonce, data_key, _wrap_aad(firm_public_id, number)
    )


def unwrap(master: MasterKey, wrapped: bytes, *, firm_public_id, number: int) -> bytes:
    try:
        return AESGCM(master.key).decrypt(
            wrapped[:NONCE], wrapped[NONCE:], _wrap_aad(firm_public_id, number)
        )
    except InvalidTag as error:
        raise TamperedFile(
            f"Data key {number} does not open with master key {master.id}."
        ) from error


# Opened data keys by (FirmKey pk, master key id, wrapped bytes): a re-wrapped
# row is a new entry, and a hit costs no query for the firm's public id.
_opened: dict[tuple, bytes] = {}


def data_key_of(firm_key) -> bytes:
    """The plaintext data key of a FirmKey row (kept in memory once opened)."""
    wrapped = bytes(firm_key.wrapped)
    cache_key = (firm_key.pk, firm_key.master_key_id, wrapped)
    found = _opened.get(cache_key)
    if found is None:
        found = unwrap(
            find_master_key(firm_key.master_key_id),
            wrapped,
            firm_public_id=firm_key.firm.public_id,
            number=firm_key.number,
        )
        _opened[cache_key] = found
    return found


def forget_opened_keys() -> None:
    """After a rotation or in tests: open data keys afresh."""
    _opened.clear()


# --- Sealing and opening files ----------------------------------------------


def _aad(file_id: bytes, index: int, last: bool) -> bytes:
    return MAGIC + file_id + struct.pack(">Q?", index, last)


def sealed_size(plain_size: int, chunk: int = CHUNK) -> int:
    frames = max(1, -(-plain_size // chunk))
    return HEADER.size + frames * (NONCE + TAG) + plain_size


def _rechunk(chunks: Iterable[bytes], size: int) -> Iterator[bytes]:
    """``chunks`` as pieces of exactly ``size`` bytes, then the rest (possibly
    empty). A piece that already has the size passes through uncopied: an
    upload's chunks are 64 KiB, as CHUNK is."""
    buffer = bytearray()
    for piece in chunks:
        if not buffer and len(piece) == size:
            yield piece
            continue
        buffer += piece
        while len(buffer) >= size:
            yield bytes(buffer[:size])
            del buffer[:size]
    yield bytes(buffer)


def seal(key: bytes, file_id: bytes, chunks: Iterable[bytes]) -> Iterator[bytes]:
    """The stored form of the plaintext ``chunks``: the header, then one frame
    per CHUNK bytes of plaintext, each given as its nonce and then its
    ciphertext with the tag (two pieces, not copied into one)."""
    aead = AESGCM(key)
    yield HEADER.pack(MAGIC, CHUNK)
    pieces = _rechunk(chunks, CHUNK)
    current = next(pieces)
    index = 0
    for following in pieces:
        # A full chunk followed by an empty remainder is the last one.
        last = following == b""
        nonce = secrets.token_bytes(NONCE)
        yield nonce
        yield aead.encrypt(nonce, current, _aad(file_id, index, last))
        if last:
            return
        current = following
        index += 1
    nonce = secrets.token_bytes(NONCE)
    yield nonce
    yield aead.encrypt(nonce, current, _aad(file_id, index, True))


def _read_exactly(stream, size: int) -> bytes:
    parts = []
    while size:
        piece = stream.read(size)
        if not piece:
            break
        parts.append(piece)
        size -= len(piece)
    return b"".join(parts)


def _read_into(stream, buffer: bytearray) -> int:
    """Fill ``buffer`` from ``stream`` as far as it goes; how many bytes."""
    view = memoryview(buffer)
    filled = 0
    readinto = getattr(stream, "readinto", None)
    while filled < len(buffer):
        if readinto is not None:
            got = readinto(view[filled:])
        else:
            piece = stream.read(len(buffer) - filled)
            got = len(piece)
            view[filled : filled + got] = piece
        if not got:
            break
        filled += got
    return filled


def open_sealed(key: bytes, file_id: bytes, stream) -> Iterator[bytes]:
    """The plaintext of a sealed ``stream``, one verified chunk at a time;
    TamperedFile as soon as anything does not check out. Frames are read
    into two buffers in turn (the one being opened, and the next, read ahead
    to know whether this one is the last), so nothing is copied but the
    plaintext given out."""
    header = _read_exactly(stream, HEADER.size)
    if len(header) != HEADER.size:
        raise TamperedFile("The file is shorter than its header.")
    magic, chunk = HEADER.unpack(header)
    if magic != MAGIC or not 0 < chunk <= 16 * 1024 * 1024:
        raise TamperedFile("The file does not start as FirmDesk seals files.")
    aead = AESGCM(key)
    frame_size = NONCE + chunk + TAG
    buffers = (bytearray(frame_size), bytearray(frame_size))
    size = _read_into(stream, buffers[0])
    index = 0
    while True:
        following = (
            _read_into(stream, buffers[1 - index % 2]) if size == frame_size else 0
        )
        last = following == 0
        if size < NONCE + TAG:
            raise TamperedFile(f"Chunk {index} is cut short.")
        frame = memoryview(buffers[index % 2])[:size]
        try:
            plain = aead.decrypt(
                frame[:NONCE], frame[NONCE:], _aad(file_id, index, last)
            )
        except InvalidTag as error:
            raise TamperedFile(
                f"Chunk {index} has been changed, moved or cut short."
            ) from error
        finally:
            frame.release()
        yield plain
        if last:
            return
        size = following
        index += 1


class SealingReader:
    """A read()-able, non-seekable stream of the sealed form of ``chunks``,
    for storage backends: FileSystemStorage iterates ``chunks()``;
    django-storages' S3 backend asks ``seekable()`` (and seeks back to the
    start unless told no), then hands the object to boto3, which ``read(n)``s
    it and may ``close()`` it."""

    def __init__(self, key: bytes, file_id: bytes, chunks: Iterable[bytes], size: int):
        self._frames = seal(key, file_id, chunks)
        self._buffer = bytearray()
        self.size = sealed_size(size)
        self.closed = False
        # What S3 records as the object's type: never the document's own.
        self.content_type = "application/octet-stream"

    def readable(self) -> bool:
        return True

    def seekable(self) -> bool:
        return False

    def close(self) -> None:
        self.closed = True

    def read(self, n: int = -1) -> bytes:
        while n < 0 or len(self._buffer) < n:
            frame = next(self._frames, None)
            if frame is None:
                break
            self._buffer += frame
        if n < 0:
            n = len(self._buffer)
        out = bytes(self._buffer[:n])
        del self._buffer[:n]
        return out

    def chunks(self, chunk_size=None) -> Iterator[bytes]:
        if self._buffer:
            yield bytes(self._buffer)
            self._buffer.clear()
        yield from self._frames
