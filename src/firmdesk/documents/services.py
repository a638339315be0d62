"""Writes for documents. Each runs in one transaction with its audit event, and
a file stored by a write that then fails is deleted again."""

import hashlib
from contextlib import contextmanager
from pathlib import PurePath

from django.db import transaction
from django.db.models import Max

from firmdesk.audit.services import audit_record
from firmdesk.common.errors import ServiceError

from . import storage
from .models import Document, DocumentVersion
from .validation import check_upload, human_size
from .workflow import back_to_draft

TITLE_MAX = Document._meta.get_field("title").max_length
NAME_MAX = DocumentVersion._meta.get_field("original_name").max_length


def _original_name(uploaded_file) -> str:
    return PurePath(uploaded_file.name or "").name[:NAME_MAX]


def _checked_version(*, document, actor, uploaded_file) -> DocumentVersion:
    """An unsaved version of ``document`` for an acceptable file, with the
    SHA-256 and size of its bytes, read in chunks so that a large upload is
    never held in memory whole."""
    content_type, _ = check_upload(uploaded_file)
    digest = hashlib.sha256()
    size = 0
    for chunk in uploaded_file.chunks():
        digest.update(chunk)
        size += len(chunk)
    uploaded_file.seek(0)
    return DocumentVersion(
        firm=document.firm,
        document=document,
        original_name=_original_name(uploaded_file),
        content_type=content_type,
        size=size,
        sha256=digest.hexdigest(),
        uploaded_by=actor,
    )


def _store(version: DocumentVersion, uploaded_file) -> None:
    """Seal and write the file, then its row, and make it the document's
    current one."""
    keep_version(version, uploaded_file.chunks())


def keep_version(version: DocumentVersion, chunks) -> None:
    """Seal ``chunks`` (``version.size`` bytes) as ``version``'s file, save the
    row and make it its document's current version. For files FirmDesk makes
    itself (a generated draft), whose caller checks and audits; uploads go
    through ``document_upload`` / ``document_add_version``. Storage is not
    transactional: on failure the caller deletes the stored file
    (``storage.delete_stored``)."""
    storage.store(version, chunks, version.size)
    version.save()
    document = version.document
    document.current_version = version
    document.save(update_fields=["current_version", "updated_at"])


@contextmanager
def _file_removed_on_failure(version: DocumentVersion):
    """Storage is not transactional: delete the file when the rows are not
    written. (If a caller's enclosing transaction rolls back after this one
    succeeded, the file stays behind unreferenced.)"""
    try:
        yield
    except Exception:
        storage.delete_stored(version)
        raise


def document_upload(
    *, firm, actor, uploaded_file, title: str = "", matter=None
) -> Document:
    """A new document with the file as its version 1. The title defaults to the
    file's name."""
    if matter is not None and matter.firm_id != firm.pk:
        raise ServiceError("Choose one of this firm's matters.", field="matter")
    title = title.strip()
    if len(title) > TITLE_MAX:
        raise ServiceError(
            f"Keep the title to {TITLE_MAX} characters; this one has {len(title)}.",
            field="title",
        )
    document = Document(firm=firm, matter=matter, created_by=actor)
    version = _checked_version(
        document=document, actor=actor, uploaded_file=uploaded_file
    )
    version.number = 1
    document.title = title or version.original_name[:TITLE_MAX]
    with _file_removed_on_failure(version), transaction.atomic():
        document.save()
        _store(version, uploaded_file)
        audit_record(
            org=firm,
            actor=actor,
            action="document.uploaded",
            obj=document,
            matter=matter,
            summary=f"Uploaded “{version.original_name}” ({human_size(version.size)})",
            detail={"version": 1, "size": version.size, "sha256": version.sha256},
        )
    return document


FINAL_IS_FIXED = (
    "This document is final: it takes no new version. Upload the changed file "
    "as a new document instead."
)


def document_add_version(*, document, actor, uploaded_file) -> DocumentVersion:
    """The file as the document's next version, which becomes its current one.

    A final document takes none. A document in review or approved goes back to
    draft: what was reviewed is no longer what is current, so it is reviewed
    again (a submission still waiting is withdrawn, workflow.py)."""
    if document.is_final:
        raise ServiceError(FINAL_IS_FIXED)
    version = _checked_version(
        document=document, actor=actor, uploaded_file=uploaded_file
    )
    with _file_removed_on_failure(version), transaction.atomic():
        # The lock serialises concurrent uploads to one document on PostgreSQL
        # (SQLite's IMMEDIATE transactions already do), so numbers never clash,
        # and the status read under it is the one that holds.
        locked = (
            Document.objects.for_firm(document.firm)
            .select_for_update()
            .get(pk=document.pk)
        )
        if locked.is_final:
            raise ServiceError(FINAL_IS_FIXED)
        last = document.versions.aggregate(last=Max("number"))["last"] or 0
        version.number = last + 1
        _store(version, uploaded_file)
        document.status = locked.status
        if locked.status != Document.Status.DRAFT:
            back_to_draft(
                document=document,
                actor=actor,
                why=f"version {version.number} was uploaded",
            )
        audit_record(
            org=document.firm,
            actor=actor,
            action="document.version_added",
            obj=document,
            matter=document.matter,
            summary=(
                f"Uploaded “{version.original_name}” as version {version.number} "
                f"({human_size(version.size)})"
            ),
            detail={
                "version": version.number,
                "size": version.size,
                "sha256": version.sha256,
            },
        )
    return version
