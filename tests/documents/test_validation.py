import pytest

from firmdesk.common.errors import ServiceError
from firmdesk.documents.validation import check_upload, human_size

from .helpers import EXE, OLE, PDF, docx_bytes, upload

MIB = 1024 * 1024
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
        ("old brief.doc", OLE, "application/msword"),
        ("ledger.xls", OLE, "application/vnd.ms-excel"),
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


@pytest.mark.parametrize("name", ["scan.exe", "scan", "invoice.pdf.exe", "m.docm"])
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
