"""Uploads are scanned by ClamAV where it is installed, and what it flags is
refused with a message that names what it found (issue 20, Build item 7).

A real clamd runs for these tests: started in the foreground with a temporary
configuration whose database holds one signature written here (the EICAR test
string, as an .ndb body signature), on a Unix socket and a local TCP port. No
freshclam, no network. Without clamd installed (``make clamav`` installs it)
the tests that need it are skipped; the ones about a scanner that does not
answer run everywhere.
"""

import shutil
import socket
import subprocess
import time
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils.html import escape

from firmdesk.access.scope import resolve_scope
from firmdesk.common.errors import ServiceError
from firmdesk.documents import scanning
from firmdesk.documents.models import Document
from firmdesk.documents.services import document_upload
from firmdesk.documents.validation import check_upload
from firmdesk.intake.models import IntakeForm, IntakeQuestion, Lead
from firmdesk.work import services as work_services
from tests import factories as f

CLAMD = shutil.which("clamd") or shutil.which("clamd", path="/usr/sbin:/usr/bin")
needs_clamd = pytest.mark.skipif(
    CLAMD is None,
    reason="clamd is not installed (make clamav, or apt-get install clamav-daemon)",
)
# The EICAR test string, in two halves so that this file is not itself flagged
# by a scanner that reads the repository.
EICAR = rb"X5O!P%@AP[4\PZX54(P^)7CC)7}$EICAR-STANDARD-" + rb"ANTIVIRUS-TEST-FILE!$H+H*"
SIGNATURE = "FirmDesk.Test.Eicar"
STREAM_MAX = 1024 * 1024


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def _answers(path: Path) -> bool:
    try:
        with socket.socket(socket.AF_UNIX) as sock:
            sock.settimeout(1)
            sock.connect(str(path))
            sock.sendall(b"zPING\0")
            return sock.recv(16).startswith(b"PONG")
    except OSError:
        return False


class Clamd:
    def __init__(self, root: Path):
        self.root = root
        self.socket = root / "clamd.sock"
        self.port = _free_port()
        self.log = root / "clamd.log"

    def scans_logged(self) -> int:
        return self.log.read_text().count("instream(")


@pytest.fixture(scope="module")
def clamd(tmp_path_factory):
    if CLAMD is None:
        pytest.skip("clamd is not installed")
    root = tmp_path_factory.mktemp("clamd")
    (root / "db").mkdir()
    (root / "db" / "firmdesk-test.ndb").write_text(f"{SIGNATURE}:0:*:{EICAR.hex()}\n")
    daemon = Clamd(root)
    (root / "clamd.conf").write_text(
        "\n".join(
            [
                "Foreground yes",
                f"LocalSocket {daemon.socket}",
                f"TCPSocket {daemon.port}",
                "TCPAddr 127.0.0.1",
                f"DatabaseDirectory {root / 'db'}",
                f"TemporaryDirectory {root}",
                f"LogFile {daemon.log}",
                "LogClean yes",
                f"StreamMaxLength {STREAM_MAX // 1024}K",
                "",
            ]
        )
    )
    started = time.monotonic()
    process = subprocess.Popen(
        [CLAMD, "--config-file", str(root / "clamd.conf")],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )
    try:
        while not _answers(daemon.socket):
            if process.poll() is not None or time.monotonic() - started > 30:
                pytest.fail(f"clamd did not start: {process.stderr.read()!r}")
            time.sleep(0.05)
        yield daemon
    finally:
        process.terminate()
        process.wait(timeout=10)


@pytest.fixture
def scanning_on(settings, clamd):
    settings.FIRMDESK_CLAMAV_SOCKET = str(clamd.socket)
    return clamd


@pytest.fixture(autouse=True)
def media_root(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


def _pdf(name="Demand.pdf", extra=b""):
    body = b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\n" + extra + b"\n%%EOF\n"
    return SimpleUploadedFile(name, body, "application/pdf")


def _infected_note(name="Notes.txt"):
    return SimpleUploadedFile(name, b"Call notes\n" + EICAR + b"\n", "text/plain")


def _stored_files(root: Path) -> list[Path]:
    return [p for p in root.rglob("*") if p.is_file()] if root.exists() else []


# --- With clamd --------------------------------------------------------------------


@needs_clamd
def test_a_clean_upload_is_scanned_and_kept(scanning_on, firm, attorney):
    before = scanning_on.scans_logged()
    document = document_upload(firm=firm, actor=attorney, uploaded_file=_pdf())
    assert document.current_version.size > 0
    assert scanning_on.scans_logged() == before + 1


@needs_clamd
def test_a_flagged_file_is_refused_naming_what_clamav_found(scanning_on):
    with pytest.raises(ServiceError) as refused:
        check_upload(_infected_note())
    message = refused.value.message
    assert f"The virus scanner (ClamAV) found “{SIGNATURE}" in message
    assert "“Notes.txt”" in message
    assert "Do not open the file" in message and "clean copy" in message
    assert refused.value.field == "file"


@needs_clamd
def test_a_flagged_pdf_upload_leaves_no_document_and_no_file(
    scanning_on, firm, attorney, media_root
):
    with pytest.raises(ServiceError, match=SIGNATURE):
        document_upload(
            firm=firm,
            actor=attorney,
            uploaded_file=_pdf("Scan.pdf", extra=b"% " + EICAR),
        )
    assert not Document.objects.for_firm(firm).exists()
    assert _stored_files(media_root) == []


@needs_clamd
def test_a_flagged_task_attachment_is_refused(
    scanning_on, firm, matter, assistant, attorney
):
    task = f.task(
        firm, matter=matter, assignee=assistant, requester=attorney, title="Scan in"
    )
    with pytest.raises(ServiceError, match=SIGNATURE):
        work_services.task_attach(
            scope=resolve_scope(assistant, firm),
            task=task,
            uploaded_file=_infected_note(),
        )
    assert not Document.objects.for_firm(firm).exists()


@needs_clamd
def test_the_public_intake_form_refuses_a_flagged_file_and_keeps_the_text(
    scanning_on, client, firm
):
    form = IntakeForm.unscoped.create(firm=firm, title="Injury", slug="injury")
    IntakeQuestion.unscoped.create(
        firm=firm, form=form, position=0, label="Photos or report", kind="file"
    )
    url = reverse("public_intake:public_intake_form", args=[firm.slug, form.slug])
    response = client.post(
        url,
        {
            "name": "Maria Lopez",
            "email": "maria@example.com",
            "description": "A truck hit my car.",
            "website": "",
            "q1": _infected_note("report.txt"),
        },
    )
    body = response.content.decode()
    assert response.status_code == 200
    assert escape(f"found “{SIGNATURE}") in body
    assert 'value="Maria Lopez"' in body
    assert not Lead.objects.for_firm(firm).exists()


@needs_clamd
def test_a_file_larger_than_the_scanner_accepts_is_refused_as_unchecked(
    scanning_on, firm, attorney
):
    big = _pdf("Big.pdf", extra=b"0" * (2 * STREAM_MAX))
    with pytest.raises(ServiceError) as refused:
        document_upload(firm=firm, actor=attorney, uploaded_file=big)
    assert "could not check “Big.pdf” for viruses" in refused.value.message
    assert "larger than the virus scanner is set to accept" in refused.value.message
    assert not Document.objects.for_firm(firm).exists()


@needs_clamd
def test_clamd_over_tcp_is_used_the_same_way(settings, clamd):
    settings.FIRMDESK_CLAMAV_ADDRESS = f"127.0.0.1:{clamd.port}"
    with pytest.raises(ServiceError, match=SIGNATURE):
        check_upload(_infected_note())
    assert check_upload(_pdf())[0] == "application/pdf"


@needs_clamd
def test_debians_socket_is_found_without_a_setting_and_off_turns_it_off(
    settings, clamd
):
    settings.FIRMDESK_CLAMAV_DEFAULT_SOCKET = str(clamd.socket)
    with pytest.raises(ServiceError, match=SIGNATURE):
        check_upload(_infected_note())
    settings.FIRMDESK_CLAMAV_SOCKET = "off"
    assert check_upload(_infected_note())[0] == "text/plain"


@needs_clamd
def test_scan_reports_the_signature_for_bytes_sent_in_many_chunks(clamd):
    scanner = scanning.Scanner(path=str(clamd.socket))
    chunks = [b"x" * 100_000, EICAR[:10], EICAR[10:], b"y" * 70_000]
    assert scanning.scan(scanner, chunks) == f"{SIGNATURE}.UNOFFICIAL"
    assert scanning.scan(scanner, [b"nothing to see"]) is None


# --- Without clamd: a scanner configured but not answering ------------------------


def test_without_a_scanner_uploads_are_not_scanned(settings, tmp_path):
    settings.FIRMDESK_CLAMAV_DEFAULT_SOCKET = str(tmp_path / "no-clamd.ctl")
    assert scanning.configured_scanner() is None
    assert check_upload(_infected_note())[0] == "text/plain"


@pytest.mark.parametrize("where", ["socket", "address", "bad address"])
def test_a_configured_scanner_that_does_not_answer_refuses_with_try_again(
    settings, tmp_path, firm, attorney, media_root, caplog, where
):
    if where == "socket":
        settings.FIRMDESK_CLAMAV_SOCKET = str(tmp_path / "clamd.sock")
    elif where == "address":
        settings.FIRMDESK_CLAMAV_ADDRESS = f"127.0.0.1:{_free_port()}"
    else:
        settings.FIRMDESK_CLAMAV_ADDRESS = "clamav-without-a-port"
    with pytest.raises(ServiceError) as refused:
        document_upload(firm=firm, actor=attorney, uploaded_file=_pdf())
    message = refused.value.message
    assert "could not check “Demand.pdf” for viruses just now" in message
    assert "the file was not saved. Try again in a few minutes" in message
    assert not Document.objects.for_firm(firm).exists()
    assert _stored_files(media_root) == []
    assert "refused a .pdf file unscanned" in caplog.text
