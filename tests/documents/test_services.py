import hashlib

import pytest

from firmdesk.audit.models import AuditEvent
from firmdesk.audit.services import audit_verify
from firmdesk.common.errors import ServiceError
from firmdesk.documents import services
from firmdesk.documents.models import Document, DocumentVersion
from firmdesk.documents.services import document_add_version, document_upload
from firmdesk.documents.storage import read_plaintext

from .helpers import EXE, PDF, docx_bytes, stored_files, upload


def test_upload_stores_the_bytes_with_their_size_and_sha256(firm, attorney, matter):
    content = PDF + bytes(range(256)) * 1000
    document = document_upload(
        firm=firm,
        actor=attorney,
        uploaded_file=upload("Lease.pdf", content),
        matter=matter,
    )
    version = document.current_version
    assert version.number == 1
    assert version.firm == firm and version.uploaded_by == attorney
    assert version.original_name == "Lease.pdf"
    assert version.content_type == "application/pdf"
    assert version.size == len(content)
    assert version.sha256 == hashlib.sha256(content).hexdigest()
    assert read_plaintext(version) == content
    document.refresh_from_db()
    assert document.current_version == version
    assert document.matter == matter and document.created_by == attorney


def test_title_defaults_to_the_file_name(firm, attorney):
    named = document_upload(
        firm=firm, actor=attorney, uploaded_file=upload("Lease.pdf"), title="  "
    )
    titled = document_upload(
        firm=firm,
        actor=attorney,
        uploaded_file=upload("Lease.pdf"),
        title="Signed lease",
    )
    assert (named.title, titled.title) == ("Lease.pdf", "Signed lease")


def test_a_title_too_long_is_refused(firm, attorney):
    with pytest.raises(ServiceError) as refused:
        document_upload(
            firm=firm, actor=attorney, uploaded_file=upload("a.pdf"), title="x" * 201
        )
    assert refused.value.field == "title"


def test_stored_path_uses_public_ids_and_a_safe_name(firm, attorney, media_root):
    document = document_upload(
        firm=firm,
        actor=attorney,
        uploaded_file=upload("../Résumé final (2).PDF"),
    )
    version = document.current_version
    assert version.original_name == "Résumé final (2).PDF"
    assert version.file.name == (
        f"documents/{firm.public_id}/{document.public_id}/1-resume-final-2.pdf"
    )
    assert (media_root / version.file.name).is_file()


@pytest.mark.parametrize(
    "refused_file",
    [
        upload("setup.exe", EXE),
        upload("brief.pdf", EXE),
        upload("blank.pdf", b""),
    ],
    ids=["exe", "pdf-that-is-not", "empty"],
)
def test_a_refused_upload_leaves_no_rows_and_no_file(
    firm, attorney, media_root, refused_file
):
    with pytest.raises(ServiceError):
        document_upload(firm=firm, actor=attorney, uploaded_file=refused_file)
    assert not Document.unscoped.exists()
    assert not DocumentVersion.unscoped.exists()
    assert stored_files(media_root) == []


def test_a_failure_after_the_file_is_written_removes_it_again(
    firm, attorney, media_root, monkeypatch
):
    def failing_audit(**kwargs):
        assert stored_files(media_root), "the file is written before the audit"
        raise RuntimeError("disk full")

    monkeypatch.setattr(services, "audit_record", failing_audit)
    with pytest.raises(RuntimeError):
        document_upload(firm=firm, actor=attorney, uploaded_file=upload("a.pdf"))
    assert not Document.unscoped.exists()
    assert not DocumentVersion.unscoped.exists()
    assert stored_files(media_root) == []


def test_a_matter_of_another_firm_is_refused(firm, attorney, other_matter, media_root):
    with pytest.raises(ServiceError) as refused:
        document_upload(
            firm=firm,
            actor=attorney,
            uploaded_file=upload("a.pdf"),
            matter=other_matter,
        )
    assert refused.value.field == "matter"
    assert not Document.unscoped.exists()
    assert stored_files(media_root) == []


def test_new_versions_are_numbered_on_and_become_current(firm, attorney, assistant):
    document = document_upload(
        firm=firm, actor=attorney, uploaded_file=upload("Motion.docx", docx_bytes())
    )
    second = document_add_version(
        document=document, actor=assistant, uploaded_file=upload("Motion v2.pdf")
    )
    third = document_add_version(
        document=document, actor=attorney, uploaded_file=upload("Motion v3.pdf")
    )
    assert (second.number, third.number) == (2, 3)
    assert second.uploaded_by == assistant
    document.refresh_from_db()
    assert document.current_version == third
    assert [v.number for v in document.versions.all()] == [3, 2, 1]
    assert len({v.file.name for v in document.versions.all()}) == 3
    assert document.title == "Motion.docx"


def test_a_refused_version_keeps_the_current_one(firm, attorney, media_root):
    document = document_upload(
        firm=firm, actor=attorney, uploaded_file=upload("Motion.pdf")
    )
    first = document.current_version
    with pytest.raises(ServiceError):
        document_add_version(
            document=document, actor=attorney, uploaded_file=upload("v2.pdf", EXE)
        )
    document.refresh_from_db()
    assert document.current_version == first
    assert document.versions.count() == 1
    assert stored_files(media_root) == [media_root / first.file.name]


def test_uploads_and_versions_are_audited_with_their_hash(firm, attorney, matter):
    document = document_upload(
        firm=firm,
        actor=attorney,
        uploaded_file=upload("Lease.pdf"),
        matter=matter,
    )
    version = document_add_version(
        document=document, actor=attorney, uploaded_file=upload("Lease signed.pdf")
    )
    events = list(
        AuditEvent.objects.filter(org=firm, action__startswith="document.").order_by(
            "seq"
        )
    )
    assert [e.action for e in events] == [
        "document.uploaded",
        "document.version_added",
    ]
    for event in events:
        assert event.actor == attorney
        assert event.object_type == "documents.Document"
        assert event.object_id == str(document.public_id)
        assert event.matter_id == str(matter.public_id)
    assert events[0].detail["sha256"] == hashlib.sha256(PDF).hexdigest()
    assert events[1].detail["version"] == version.number == 2
    assert "“Lease signed.pdf”" in events[1].summary
    assert audit_verify(org=firm).ok
