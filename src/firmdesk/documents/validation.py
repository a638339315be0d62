"""What FirmDesk accepts as an upload: the kinds of file a firm works with, each
checked by its name AND by its first bytes, so a program renamed to .pdf is
refused. Programs (by name or by content) and Office files carrying macros
(small programs that run when the file is opened) are refused too, and, where
ClamAV is installed, whatever it flags (scanning.py). Every refusal says what
was wrong and what to do, in plain words.
docs/documents-storage.md, "What uploads are accepted", lists the checks;
docs/security-hardening.md the virus scanning."""

import codecs
import logging
import re
import zipfile
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import PurePath
from struct import error as struct_error

import olefile
from django.conf import settings

from firmdesk.common.errors import ServiceError

from . import scanning

logger = logging.getLogger(__name__)

ACCEPTED = "a PDF, Word, Excel, PowerPoint, text, image or e-mail file"

ZIP = b"PK\x03\x04"  # .docx, .xlsx and .pptx are ZIP packages
OLE = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"  # .doc, .xls, .ppt and Outlook .msg
HEAD_BYTES = 4096
# RFC 5322 header field: printable ASCII up to a colon. Thunderbird may put an
# mbox "From " line first.
EMAIL_HEADER = re.compile(rb"^(From [^\r\n]*\r?\n)?[!-9;-~]+:")


# Programs, by the first bytes of what is inside: Windows (MZ), Linux (ELF),
# macOS (Mach-O, 32/64-bit either byte order, and universal binaries) and
# scripts that name their interpreter (#!).
PROGRAM_SIGNATURES = (
    b"MZ",
    b"\x7fELF",
    b"\xfe\xed\xfa\xce",
    b"\xfe\xed\xfa\xcf",
    b"\xce\xfa\xed\xfe",
    b"\xcf\xfa\xed\xfe",
    b"\xca\xfe\xba\xbe",
    b"#!",
)
# Programs and scripts by name: Windows executables and installers, scripts
# Windows runs when double-clicked, shortcuts, Java, macOS and Linux ones.
# fmt: off
PROGRAM_EXTENSIONS = frozenset({
    "exe", "dll", "com", "scr", "msi", "msp", "pif", "cpl", "sys", "drv", "ocx",
    "bat", "cmd", "ps1", "psm1", "psd1", "vbs", "vbe", "js", "jse", "mjs", "wsf",
    "wsh", "wsc", "hta", "lnk", "reg", "inf", "scf", "jar", "class", "apk", "app",
    "dmg", "pkg", "sh", "bash", "zsh", "csh", "ksh", "command", "run", "bin", "elf",
    "py", "pyw", "pl", "rb", "php",
})
# fmt: on
# Office formats that hold macros by design, and the macro-free one to save as.
MACRO_EXTENSIONS = {
    "docm": ("Word", "Word Document (.docx)"),
    "dotm": ("Word", "Word Document (.docx)"),
    "xlsm": ("Excel", "Excel Workbook (.xlsx)"),
    "xltm": ("Excel", "Excel Workbook (.xlsx)"),
    "xlam": ("Excel", "Excel Workbook (.xlsx)"),
    "xlsb": ("Excel", "Excel Workbook (.xlsx)"),
    "pptm": ("PowerPoint", "PowerPoint Presentation (.pptx)"),
    "potm": ("PowerPoint", "PowerPoint Presentation (.pptx)"),
    "ppsm": ("PowerPoint", "PowerPoint Presentation (.pptx)"),
    "ppam": ("PowerPoint", "PowerPoint Presentation (.pptx)"),
}
# How far into a package's [Content_Types].xml to look: it is a few KB.
CONTENT_TYPES_MAX = 1024 * 1024
# An OLE file's VBA project lives in one of these storages (Word: Macros,
# Excel: _VBA_PROJECT_CUR, both with a VBA storage inside; PowerPoint 97-2003
# and other writers: _VBA_PROJECT or VBA).
OLE_MACRO_STORAGES = frozenset({"macros", "_vba_project_cur", "_vba_project", "vba"})


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
    # Office files: the program and the macro-free format to save them as.
    office: tuple[str, str] | None = None


WORD = "a Word document"
EXCEL = "an Excel workbook"
POWERPOINT = "a PowerPoint presentation"
OOXML = "application/vnd.openxmlformats-officedocument"

KINDS = {
    "pdf": Kind("a PDF", "application/pdf", _pdf),
    "docx": Kind(
        WORD,
        f"{OOXML}.wordprocessingml.document",
        _starts(ZIP),
        office=MACRO_EXTENSIONS["docm"],
    ),
    "doc": Kind(
        WORD, "application/msword", _starts(OLE), office=MACRO_EXTENSIONS["docm"]
    ),
    "rtf": Kind(WORD, "application/rtf", _starts(b"{\\rtf")),
    "xlsx": Kind(
        EXCEL,
        f"{OOXML}.spreadsheetml.sheet",
        _starts(ZIP),
        office=MACRO_EXTENSIONS["xlsm"],
    ),
    "xls": Kind(
        EXCEL, "application/vnd.ms-excel", _starts(OLE), office=MACRO_EXTENSIONS["xlsm"]
    ),
    "pptx": Kind(
        POWERPOINT,
        f"{OOXML}.presentationml.presentation",
        _starts(ZIP),
        office=MACRO_EXTENSIONS["pptm"],
    ),
    "ppt": Kind(
        POWERPOINT,
        "application/vnd.ms-powerpoint",
        _starts(OLE),
        office=MACRO_EXTENSIONS["pptm"],
    ),
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
    if extension in PROGRAM_EXTENSIONS:
        raise ServiceError(
            f"“{name}” is not a kind of file FirmDesk accepts: it is a program or "
            "script, not a document, and programs are refused so that no one "
            f"opens one by mistake. Upload {ACCEPTED}.",
            field="file",
        )
    if extension in MACRO_EXTENSIONS:
        app, save_as = MACRO_EXTENSIONS[extension]
        raise ServiceError(
            f"“{name}” is {app} file with macros, and FirmDesk refuses macros: "
            "they are small programs that run when the file is opened. Open it in "
            f"{app}, choose File › Save As › {save_as} (that leaves the macros "
            "out) and upload that.",
            field="file",
        )
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
        uploaded_file.seek(0)
        head = uploaded_file.read(HEAD_BYTES)
        # A text file has no signature of its own, and "MZ" may begin a
        # note; a binary program in it fails the NUL check below anyway.
        signatures = (b"#!",) if kind.encodings else PROGRAM_SIGNATURES
        if head.startswith(signatures):
            raise ServiceError(
                f"The file “{name}” does not look like {kind.label}: what is inside "
                "is a program, not a document, and FirmDesk refuses programs. If "
                f"you expected {kind.label}, ask whoever sent it to send the "
                "document itself.",
                field="file",
            )
        if kind.looks_right is not None and not kind.looks_right(head):
            raise wrong
        if kind.office is not None:
            _refuse_macros(uploaded_file, name, kind, wrong)
        if kind.encodings:
            if _has_nul(uploaded_file):
                raise wrong
            if not any(_decodes(uploaded_file, e) for e in kind.encodings):
                raise ServiceError(
                    f"“{name}” is not saved as UTF-8 text. Save it again with the "
                    "encoding set to UTF-8 and upload that.",
                    field="file",
                )
        uploaded_file.seek(0)
        _refuse_what_clamav_flags(uploaded_file, name, extension)
    finally:
        uploaded_file.seek(0)
    return kind.content_type, size


# Why a file could not be checked, and what the person can do about it.
UNCHECKED = {
    scanning.TooLargeToScan: (
        "FirmDesk could not check “{name}” for viruses: it is larger than the "
        "virus scanner is set to accept, so it was not saved. Split or compress "
        "it and upload the parts, or ask your FirmDesk administrator to raise "
        "ClamAV's StreamMaxLength to FirmDesk's upload limit."
    ),
    scanning.ScannerUnavailable: (
        "FirmDesk could not check “{name}” for viruses just now: the virus "
        "scanner did not answer, so the file was not saved. Try again in a few "
        "minutes; if it keeps happening, tell your FirmDesk administrator."
    ),
}


def _refuse_what_clamav_flags(uploaded_file, name: str, extension: str) -> None:
    """Last, after the cheap checks: ClamAV's verdict, where it is installed.
    A file the scanner could not check is refused too (a firm would rather a
    person try again than take an unchecked file); the log says why, for the
    administrator."""
    try:
        scanner = scanning.configured_scanner()
        if scanner is None:
            return
        found = scanning.scan(scanner, uploaded_file.chunks())
    except (scanning.TooLargeToScan, scanning.ScannerUnavailable) as error:
        logger.error("upload scan: refused a .%s file unscanned: %s", extension, error)
        message = UNCHECKED[type(error)].format(name=name)
        raise ServiceError(message, field="file") from error
    if found is not None:
        logger.warning("upload scan: ClamAV found %s in a .%s file", found, extension)
        raise ServiceError(
            f"The virus scanner (ClamAV) found “{found}” in “{name}”, so "
            "FirmDesk refused it. Do not open the file on your computer. Ask "
            "whoever sent it for a clean copy, and tell your IT contact if you "
            "opened it already.",
            field="file",
        )


def _refuse_macros(uploaded_file, name: str, kind: Kind, wrong: ServiceError) -> None:
    """A Word, Excel or PowerPoint file that carries a VBA project is refused,
    whatever its name: a .docx package with ``vbaProject.bin`` or a
    macro-enabled content type inside (a .docm renamed), or a 97-2003 file
    with a VBA storage. A package or compound file that cannot be read is not
    the document its name says."""
    assert kind.office is not None
    app, save_as = kind.office
    uploaded_file.seek(0)
    if kind.looks_right is not None and kind.looks_right(ZIP):
        has_macros = _package_has_macros(uploaded_file)
    else:
        has_macros = _compound_has_macros(uploaded_file)
    if has_macros is None:
        raise wrong
    if has_macros:
        raise ServiceError(
            f"“{name}” contains macros (small programs that run when the file is "
            f"opened), and FirmDesk refuses them. Open it in {app}, choose File › "
            f"Save As › {save_as} (that leaves the macros out) and upload that.",
            field="file",
        )


def _package_has_macros(uploaded_file) -> bool | None:
    try:
        with zipfile.ZipFile(uploaded_file) as package:
            names = package.namelist()
            if any(n.lower().endswith("vbaproject.bin") for n in names):
                return True
            try:
                info = package.getinfo("[Content_Types].xml")
            except KeyError:
                return None
            with package.open(info) as types:
                listed = types.read(CONTENT_TYPES_MAX).lower()
    except (zipfile.BadZipFile, zipfile.LargeZipFile, OSError, EOFError):
        return None
    return b"macroenabled" in listed or b"vbaproject" in listed


def _compound_has_macros(uploaded_file) -> bool | None:
    try:
        with olefile.OleFileIO(uploaded_file) as compound:
            paths = compound.listdir(streams=True, storages=True)
    except (OSError, ValueError, IndexError, struct_error):
        return None
    return any(part.lower() in OLE_MACRO_STORAGES for path in paths for part in path)
