"""Encryption at rest (issue 19, item 2): what is on disk reveals nothing, and
any change to it is caught on read, before a byte of it is given out."""

import base64
import io
import uuid

import pytest
from hypothesis import example, given
from hypothesis import strategies as st

from firmdesk.documents import crypto
from firmdesk.documents.crypto import CHUNK, TamperedFile
from firmdesk.documents.models import DocumentVersion
from firmdesk.documents.services import document_upload
from firmdesk.documents.storage import current_key, open_plaintext, read_plaintext

from .helpers import stored_files, upload

KEY = bytes(range(32))
FILE_ID = uuid.UUID(int=7).bytes
# A client's words that must never be found on disk as they are.
MARKER = b"CONFIDENTIAL-SETTLEMENT-TERMS-LOPEZ-V-ACME-4410 "


def _seal(data: bytes, *, key=KEY, file_id=FILE_ID, piece: int = 10_000) -> bytes:
    pieces = [data[i : i + piece] for i in range(0, len(data), piece)] or [b""]
    return b"".join(crypto.seal(key, file_id, pieces))


def _open(sealed: bytes, *, key=KEY, file_id=FILE_ID) -> bytes:
    return b"".join(crypto.open_sealed(key, file_id, io.BytesIO(sealed)))


@pytest.fixture
def master_key(settings):
    settings.FIRMDESK_MASTER_KEY = base64.b64encode(b"m" * 32).decode()
    crypto.forget_opened_keys()
    yield
    crypto.forget_opened_keys()


# --- The format --------------------------------------------------------------------


@given(
    size=st.integers(min_value=0, max_value=3 * CHUNK + 5),
    piece=st.integers(min_value=1, max_value=2 * CHUNK),
)
@example(size=0, piece=1)
@example(size=1, piece=1)
@example(size=CHUNK - 1, piece=CHUNK)
@example(size=CHUNK, piece=CHUNK)
@example(size=CHUNK, piece=7)
@example(size=CHUNK + 1, piece=CHUNK)
@example(size=3 * CHUNK, piece=CHUNK)
@example(size=3 * CHUNK, piece=2 * CHUNK)
def test_what_is_sealed_opens_to_the_same_bytes_whatever_the_size_and_pieces(
    size, piece
):
    data = (MARKER * (size // len(MARKER) + 1))[:size]
    sealed = _seal(data, piece=piece)
    assert len(sealed) == crypto.sealed_size(size)
    assert _open(sealed) == data
    if size >= len(MARKER):
        assert MARKER not in sealed


def test_the_same_file_sealed_twice_differs_every_frame():
    data = MARKER * 3000
    first, second = _seal(data), _seal(data)
    assert first[: crypto.HEADER.size] == second[: crypto.HEADER.size]
    assert first[crypto.HEADER.size :] != second[crypto.HEADER.size :]
    frame = crypto.NONCE + CHUNK + crypto.TAG
    body_a, body_b = first[crypto.HEADER.size :], second[crypto.HEADER.size :]
    assert all(
        body_a[i : i + frame] != body_b[i : i + frame]
        for i in range(0, len(body_a), frame)
    )


THREE_FRAMES = (MARKER * (2 * CHUNK // len(MARKER) + 100))[: 2 * CHUNK + 1000]
SEALED = _seal(THREE_FRAMES)


@given(st.integers(min_value=0, max_value=len(SEALED) - 1), st.integers(1, 255))
@example(0, 1)  # the magic
@example(5, 1)  # the chunk size
@example(crypto.HEADER.size, 1)  # the first nonce
@example(len(SEALED) - 1, 1)  # the last tag
def test_one_flipped_byte_anywhere_is_detected(position, flip):
    changed = bytearray(SEALED)
    changed[position] ^= flip
    with pytest.raises(TamperedFile):
        _open(bytes(changed))


@given(st.integers(min_value=0, max_value=len(SEALED) - 1))
@example(0)
@example(len(SEALED) - 1)
def test_one_removed_byte_anywhere_is_detected(position):
    with pytest.raises(TamperedFile):
        _open(SEALED[:position] + SEALED[position + 1 :])


FRAME = crypto.NONCE + CHUNK + crypto.TAG


@pytest.mark.parametrize(
    "cut",
    [
        0,
        3,
        crypto.HEADER.size,
        crypto.HEADER.size + FRAME,
        crypto.HEADER.size + 2 * FRAME,
    ],
    ids=["nothing", "in-header", "header-only", "after-frame-1", "after-frame-2"],
)
def test_a_file_cut_short_at_a_frame_boundary_or_anywhere_is_detected(cut):
    sealed = _seal(MARKER * (3 * CHUNK // len(MARKER) + 1))
    with pytest.raises(TamperedFile):
        _open(sealed[:cut])


def test_a_frame_dropped_duplicated_or_moved_is_detected():
    sealed = _seal(MARKER * (3 * CHUNK // len(MARKER) + 1))
    head, body = sealed[: crypto.HEADER.size], sealed[crypto.HEADER.size :]
    frames = [body[i : i + FRAME] for i in range(0, len(body), FRAME)]
    assert len(frames) == 4
    for changed in (
        [frames[0], frames[2], frames[3]],
        [frames[0], frames[0], frames[1], frames[2], frames[3]],
        [frames[1], frames[0], frames[2], frames[3]],
        frames + [frames[3]],
    ):
        with pytest.raises(TamperedFile):
            _open(head + b"".join(changed))


def test_bytes_appended_after_the_last_frame_are_detected():
    for size in (10, CHUNK):  # a short last frame, and a full one
        with pytest.raises(TamperedFile):
            _open(_seal(b"x" * size) + b"\x00")


def test_a_file_sealed_for_another_file_or_with_another_key_does_not_open():
    with pytest.raises(TamperedFile):
        _open(SEALED, file_id=uuid.UUID(int=8).bytes)
    with pytest.raises(TamperedFile):
        _open(SEALED, key=bytes(32))


def test_nothing_unverified_is_given_out_before_the_damage_is_found():
    """Damage in the last frame: the first frames come out (each verified),
    then the error, never the damaged frame's bytes."""
    changed = bytearray(SEALED)
    changed[-5] ^= 1
    out = []
    with pytest.raises(TamperedFile):
        for chunk in crypto.open_sealed(KEY, FILE_ID, io.BytesIO(bytes(changed))):
            out.append(chunk)
    assert b"".join(out) == THREE_FRAMES[: 2 * CHUNK]


def test_the_sealing_reader_gives_the_same_bytes_by_read_and_by_chunks():
    def reader():
        return crypto.SealingReader(KEY, FILE_ID, [THREE_FRAMES], len(THREE_FRAMES))

    by_chunks = b"".join(reader().chunks())
    sealing = reader()
    assert not sealing.seekable() and sealing.readable()
    by_reads = b"".join(iter(lambda: sealing.read(1000), b""))
    assert _open(by_chunks) == _open(by_reads) == THREE_FRAMES
    assert len(by_chunks) == len(by_reads) == reader().size


# --- Master keys -------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("not base64!", "Master key 1 is not base64."),
        (base64.b64encode(b"k" * 32).decode() + ",c2hvcnQ=", "Master key 2 is 5 bytes"),
    ],
)
def test_a_malformed_master_key_is_named_by_place_never_by_content(text, message):
    with pytest.raises(crypto.MasterKeyError) as refused:
        crypto.parse_master_keys(text)
    assert str(refused.value).startswith(message)
    assert "c2hvcnQ" not in str(refused.value)


def test_master_keys_skip_comments_and_the_last_is_current():
    a, b = (base64.b64encode(bytes([n]) * 32).decode() for n in (1, 2))
    keys = crypto.parse_master_keys(f"# old\n{a}\n\n{b}\n")
    assert [k.key for k in keys] == [bytes([1]) * 32, bytes([2]) * 32]
    assert keys[-1].id == crypto.master_key_id(bytes([2]) * 32) != keys[0].id


def test_a_key_file_is_made_on_first_use_readable_by_its_owner_only(settings, tmp_path):
    settings.FIRMDESK_MASTER_KEY = ""
    settings.FIRMDESK_MASTER_KEY_FILE = tmp_path / "keys" / "master.keys"
    first = crypto.current_master_key()
    assert crypto.current_master_key() == first
    assert settings.FIRMDESK_MASTER_KEY_FILE.stat().st_mode & 0o777 == 0o600


# --- Files stored through the service ------------------------------------------------


def test_the_stored_bytes_hold_no_plaintext_and_read_back_whole(
    firm, attorney, media_root, master_key
):
    content = b"%PDF-1.7\n" + MARKER * 5000
    document = document_upload(
        firm=firm, actor=attorney, uploaded_file=upload("Settlement.pdf", content)
    )
    [stored] = stored_files(media_root)
    on_disk = stored.read_bytes()
    assert MARKER not in on_disk and MARKER[:16] not in on_disk
    assert b"%PDF" not in on_disk
    assert on_disk.startswith(crypto.MAGIC)
    assert read_plaintext(document.current_version) == content


@pytest.fixture
def stored(firm, attorney, master_key):
    """Two versions on disk, each over two frames long."""
    versions = []
    for name in ("first.txt", "second.txt"):
        content = (name.encode() + MARKER) * (CHUNK // len(MARKER) + 50)
        document = document_upload(
            firm=firm, actor=attorney, uploaded_file=upload(name, content)
        )
        versions.append((document.current_version, content))
    return versions


def _path(version, media_root):
    return media_root / version.file.name


@pytest.mark.parametrize(
    "damage",
    ["flip-first-frame", "flip-last-byte", "remove-byte", "truncate-at-frame"],
)
def test_a_damaged_stored_file_is_detected_on_read(stored, media_root, damage):
    version, _ = stored[0]
    path = _path(version, media_root)
    data = bytearray(path.read_bytes())
    if damage == "flip-first-frame":
        data[crypto.HEADER.size + 40] ^= 0x01
    elif damage == "flip-last-byte":
        data[-1] ^= 0x80
    elif damage == "remove-byte":
        del data[len(data) // 2]
    else:
        del data[crypto.HEADER.size + FRAME :]
    path.write_bytes(bytes(data))
    with pytest.raises(TamperedFile):
        read_plaintext(
            DocumentVersion.objects.for_firm(version.firm).get(pk=version.pk)
        )


def test_two_files_swapped_on_disk_are_both_detected(stored, media_root):
    (one, _), (two, _) = stored
    a, b = _path(one, media_root), _path(two, media_root)
    a_bytes, b_bytes = a.read_bytes(), b.read_bytes()
    a.write_bytes(b_bytes)
    b.write_bytes(a_bytes)
    for version in (one, two):
        with pytest.raises(TamperedFile):
            read_plaintext(version)


def test_a_file_read_with_another_firms_key_is_detected(stored, other_firm, outsider):
    version, _ = stored[0]
    document_upload(
        firm=other_firm, actor=outsider, uploaded_file=upload("b.txt", b"b")
    )
    version.key = current_key(other_firm)
    with pytest.raises(TamperedFile):
        read_plaintext(version)


def test_a_data_key_moved_to_another_firm_does_not_open(stored, other_firm, outsider):
    version, _ = stored[0]
    document_upload(
        firm=other_firm, actor=outsider, uploaded_file=upload("b.txt", b"b")
    )
    theirs = current_key(other_firm)
    ours = version.key
    theirs.wrapped = bytes(ours.wrapped)
    theirs.master_key_id = ours.master_key_id
    crypto.forget_opened_keys()
    with pytest.raises(TamperedFile):
        crypto.data_key_of(theirs)


def test_reading_streams_one_verified_chunk_at_a_time(stored):
    version, content = stored[0]
    chunks = list(open_plaintext(version))
    assert [len(c) for c in chunks[:-1]] == [CHUNK] * (len(chunks) - 1)
    assert b"".join(chunks) == content
