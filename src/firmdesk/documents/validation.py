"""What FirmDesk accepts as an upload: the kinds of file a firm works with, each
checked by its name AND by its first bytes, so a program renamed to .pdf is
refused. Every refusal says what was wrong and what to do, in plain words."""

import codecs
import re
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import PurePath

from django.conf import settings

from firmdesk.common.errors import ServiceError

ACCEPTED = "a PDF, Word, Excel, PowerPoint, text, image or e-mail file"

ZIP = b"PK\x03\x04"  # .docx, .xlsx and .pptx are ZIP packages
OLE = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"  # .doc, .xls, .ppt and Outlook .msg
HEAD_BYTES = 4096
# RFC 5322 header field: printable ASCII up to a colon. Thunderbird may put an
# mbox "From " line first.
EMAIL_HEADER = re.compile(rb"^(From [^\r\n]*\r?\n)?[!-9;-~]+:")


def _starts(*signatures: bytes) -> Callable[[bytes], bool]:
    return lambda head: head.startswith(signatures)


def _pdf(head: bytes) -> bool:
    # Readers accept "%PDF-" anywhere in the first KiB, and some scanners
    # write a few bytes before it.
    return b"%PDF-" in head[:1024]


def _email(head: bytes) -> bool:
    return b"\x00" not in head and EMAIL_HEADER.match(head) is not None


@dataclass(frozen=True)
class Kind:
    label: str
    content_type: str
    looks_right: Callable[[bytes], bool] | None = None
    # Text files have no signature: they must decode in one of these, and
    # contain no NUL (the mark of binary data).
    encodings: tuple[str, ...] = ()


WORD = "a Word document"
EXCEL = "an Excel workbook"
POWERPOINT = "a PowerPoint presentation"
OOXML = "application/vnd.openxmlformats-officedocument"

KINDS = {
    "pdf": Kind("a PDF", "application/pdf", _pdf),
    "docx": Kind(WORD, f"{OOXML}.wordprocessingml.document", _starts(ZIP)),
    "doc": Kind(WORD, "application/msword", _starts(OLE)),
    "rtf": Kind(WORD, "application/rtf", _starts(b"{\\rtf")),
    "xlsx": Kind(EXCEL, f"{OOXML}.spreadsheetml.sheet", _starts(ZIP)),
    "xls": Kind(EXCEL, "application/vnd.ms-excel", _starts(OLE)),
    "pptx": Kind(POWERPOINT, f"{OOXML}.presentationml.presentation", _starts(ZIP)),
    "ppt": Kind(POWERPOINT, "application/vnd.ms-powerpoint", _starts(OLE)),
    # Excel on Windows saves CSV in Windows-1252 unless told otherwise.
    "csv": Kind("a CSV file", "text/csv", encodings=("utf-8", "cp1252")),
    "txt": Kind("a text file", "text/plain", encodings=("utf-8",)),
    "md": Kind("a text file", "text/markdown", encodings=("utf-8",)),
    "png": Kind("a PNG image", "image/png", _starts(b"\x89PNG\r\n\x1a\n")),
    "jpg": Kind("a JPEG image", "image/jpeg", _starts(b"\xff\xd8\xff")),
    "jpeg": Kind("a JPEG image", "image/jpeg", _starts(b"\xff\xd8\xff")),
    "gif": Kind("a GIF image", "image/gif", _starts(b"GIF87a", b"GIF89a")),
    "tif": Kind("a TIFF image", "image/tiff", _starts(b"II*\x00", b"MM\x00*")),
    "tiff": Kind("a TIFF image", "image/tiff", _starts(b"II*\x00", b"MM\x00*")),
    "eml": Kind("an e-mail message", "message/rfc822", _email),
    "msg": Kind("an Outlook message", "application/vnd.ms-outlook", _starts(OLE)),
}

KIB = 1024
MIB = 1024 * 1024


def human_size(size: int, *, round_up: bool = False) -> str:
    """31.2 MB, 512 KB, 80 bytes. A file's size is rounded up so that one just
    over the limit never reads as equal to it."""
    if size < KIB:
        return f"{size} bytes"
    unit, name = (MIB, "MB") if size >= MIB else (KIB, "KB")
    tenths = -(-size * 10 // unit) if round_up else size * 10 // unit
    whole, tenth = divmod(tenths, 10)
    return f"{whole}.{tenth} {name}" if tenth else f"{whole} {name}"


def _decodes(uploaded_file, encoding: str) -> bool:
    decoder = codecs.getincrementaldecoder(encoding)()
    try:
        for chunk in uploaded_file.chunks():
            decoder.decode(chunk)
        decoder.decode(b"", final=True)
    except UnicodeDecodeError:
        return False
    return True


def _has_nul(uploaded_file) -> bool:
    return any(b"\x00" in chunk for chunk in uploaded_file.chunks())


def check_upload(uploaded_file) -> tuple[str, int]:
    """The content type and size of an acceptable upload, or ServiceError.

    The content type comes from what the file is, never from what the browser
    said it is.
    """
    name = PurePath(uploaded_file.name or "").name
    extension = PurePath(name).suffix.lower().lstrip(".")
    kind = KINDS.get(extension)
    if kind is None:
        raise ServiceError(
            f"“{name}” is not a kind of file FirmDesk accepts. Upload {ACCEPTED}.",
            field="file",
        )
    size = uploaded_file.size or 0
    if size == 0:
        raise ServiceError(
            f"“{name}” is empty. Check that you chose the right file and upload it "
            "again.",
            field="file",
        )
    limit = settings.FIRMDESK_UPLOAD_MAX_BYTES
    if size > limit:
        raise ServiceError(
            f"“{name}” is {human_size(size, round_up=True)}; the largest file "
            f"FirmDesk accepts is {human_size(limit)}. Compress it or split it.",
            field="file",
        )
    wrong = ServiceError(
        f"The file “{name}” does not look like {kind.label}: what is inside is "
        "another kind of file. Open it in the program that made it, save it as "
        f"{kind.label} and upload that.",
        field="file",
    )
    try:
        if kind.looks_right is not None:
            uploaded_file.seek(0)
            if not kind.looks_right(uploaded_file.read(HEAD_BYTES)):
                raise wrong
        if kind.encodings:
            if _has_nul(uploaded_file):
                raise wrong
            if not any(_decodes(uploaded_file, e) for e in kind.encodings):
                raise ServiceError(
                    f"“{name}” is not saved as UTF-8 text. Save it again with the "
                    "encoding set to UTF-8 and upload that.",
                    field="file",
                )
    finally:
        uploaded_file.seek(0)
    return kind.content_type, size
