"""Documents (issue 21): the metadata of the documents a token may see, one
document with its versions, uploads on a matter or a task, and downloads.

Who sees what is the library's rule (``Document.scope_filter``): the firm's
people every document not on a matter they are screened from, provider staff
those of matters opened to them or attached to a task given to them. Uploads
go through the same services and checks as the pages (type, size, macros,
ClamAV), so a refused file gets the page's words; downloads are streamed,
decrypted a chunk at a time, and audited as the page's are."""

import datetime
import enum
import uuid

from django.db.models import Exists, OuterRef, Q
from django.http import Http404, HttpRequest, HttpResponse, StreamingHttpResponse
from django.urls import reverse
from django.utils.http import content_disposition_header
from ninja import File, Form, Path, Query, Router, Status
from ninja.files import UploadedFile

from firmdesk.access.selectors import access_matter
from firmdesk.documents import selectors
from firmdesk.documents.models import Document, DocumentVersion
from firmdesk.documents.services import document_upload
from firmdesk.documents.storage import (
    Unreadable,
    open_checked,
    reason_of,
    record_unreadable,
)
from firmdesk.work import services as work_services
from firmdesk.work.models import Task
from firmdesk.work.selectors import access_task

from ..errors import ErrorOut, Unprocessable, error_response
from ..etags import etag_of
from ..pagination import Instant, ListQuery, Page, paginate
from ..reading import PersonOut, audit_read, scope_of
from ..schema import Schema

router = Router(tags=["Documents"])

WHERE = "the API"


class DocumentStatus(enum.StrEnum):
    """Draft → in review → approved → final (docs/documents.md)."""

    DRAFT = "draft"
    IN_REVIEW = "in_review"
    APPROVED = "approved"
    FINAL = "final"


class DocumentMatter(Schema):
    id: uuid.UUID
    number: str
    title: str


class DocumentVersionOut(Schema):
    number: int
    file_name: str
    content_type: str
    size: int
    sha256: str
    uploaded_by: PersonOut | None
    uploaded_at: datetime.datetime
    download_url: str

    @staticmethod
    def of(version: DocumentVersion) -> "DocumentVersionOut":
        document = version.document
        return DocumentVersionOut(
            number=version.number,
            file_name=version.original_name,
            content_type=version.content_type,
            size=version.size,
            sha256=version.sha256,
            uploaded_by=PersonOut.of(version.uploaded_by),
            uploaded_at=version.uploaded_at,
            download_url=reverse(
                "api:download_document_version",
                kwargs={
                    "firm_slug": document.firm.slug,
                    "document_id": document.public_id,
                    "number": version.number,
                },
            ),
        )


class DocumentOut(Schema):
    id: uuid.UUID
    title: str
    status: DocumentStatus
    matter: DocumentMatter | None
    current_version: DocumentVersionOut | None
    created_by: PersonOut | None
    created_at: datetime.datetime
    updated_at: datetime.datetime

    @staticmethod
    def fields_of(scope, document: Document) -> dict:
        matter = document.matter
        # A document reached through a task on a matter the token may not open
        # does not name that matter.
        shown = matter is not None and scope.can_see_matter(matter)
        current = document.current_version
        return {
            "id": document.public_id,
            "title": document.title,
            "status": document.status,
            "matter": DocumentMatter(
                id=matter.public_id, number=matter.number, title=matter.title
            )
            if shown and matter is not None
            else None,
            "current_version": DocumentVersionOut.of(current) if current else None,
            "created_by": PersonOut.of(document.created_by),
            "created_at": document.created_at,
            "updated_at": document.updated_at,
        }

    @staticmethod
    def of(scope, document: Document) -> "DocumentOut":
        return DocumentOut(**DocumentOut.fields_of(scope, document))


class DocumentDetailOut(DocumentOut):
    versions: list[DocumentVersionOut]

    @staticmethod
    def of(scope, document: Document) -> "DocumentDetailOut":
        versions = [
            DocumentVersionOut.of(v) for v in selectors.versions_of(scope, document)
        ]
        return DocumentDetailOut(
            **DocumentOut.fields_of(scope, document), versions=versions
        )


def _documents(scope):
    """The library's documents: a template's file and a signed agreement have
    routes of their own (none in the API yet) and stay out, as on the page."""
    return (
        Document.objects.in_scope(scope)
        .filter(as_template__isnull=True, signatures__isnull=True)
        .select_related("firm", "matter", "created_by", "current_version__uploaded_by")
    )


class DocumentFilters(ListQuery):
    matter: uuid.UUID | None = None
    task: uuid.UUID | None = None
    status: DocumentStatus | None = None
    updated_after: Instant | None = None


DOCUMENT_ORDERINGS = {"created": "created_at", "updated": "updated_at"}


@router.get(
    "documents",
    response={200: Page[DocumentOut], 422: ErrorOut},
    summary="List documents",
    description="The documents this token may see (metadata and current "
    "version; no file), most recently changed first. Filters: matter (its id), "
    "task (its id: the task's attachments), status, updated_after (to pick up "
    "what changed since your last pull). "
    f"order: one of {', '.join(DOCUMENT_ORDERINGS)} (prefix “-” to reverse).",
)
def list_documents(
    request: HttpRequest, firm_slug: Path[str], filters: Query[DocumentFilters]
):
    scope = scope_of(request)
    rows = _documents(scope)
    if filters.matter:
        # Only matters the token may open: a document seen through a task on
        # a hidden matter must not be found by that matter's id.
        rows = rows.filter(
            Q(matter__public_id=filters.matter) & scope.matter_q("matter")
        )
    if filters.task:
        tasks = Task.objects.in_scope(scope).filter(
            public_id=filters.task, attachments=OuterRef("pk")
        )
        rows = rows.filter(Exists(tasks))
    if filters.status:
        rows = rows.filter(status=filters.status)
    if filters.updated_after:
        rows = rows.filter(updated_at__gt=filters.updated_after)
    page = paginate(
        rows,
        filters,
        orderings=DOCUMENT_ORDERINGS,
        default="-updated",
    )
    page["items"] = [DocumentOut.of(scope, d) for d in page["items"]]
    return page


def _document(scope, document_id) -> Document:
    return selectors.access_document(scope, document_id)


@router.get(
    "documents/{document_id}",
    response={200: DocumentDetailOut, 404: ErrorOut},
    summary="One document, with its versions",
    description="Its metadata and every version, newest first, each with the "
    "address to download it. Reading it is recorded in the firm's audit trail. "
    "Sends an ETag.",
)
def get_document(
    request: HttpRequest,
    firm_slug: Path[str],
    document_id: uuid.UUID,
    response: HttpResponse,
):
    scope = scope_of(request)
    document = _document(scope, document_id)
    out = DocumentDetailOut.of(scope, document)
    audit_read(
        request,
        document,
        action="document.viewed",
        matter=document.matter,
        summary=f"Opened document “{document.title}” through the API",
    )
    response["ETag"] = etag_of(out)
    return out


class DocumentUpload(Schema):
    matter: uuid.UUID | None = None
    task: uuid.UUID | None = None
    title: str = ""


@router.post(
    "documents",
    response={201: DocumentOut, 404: ErrorOut, 422: ErrorOut},
    summary="Upload a document",
    description="multipart/form-data with the file in “file” and either "
    "“matter” (the matter's id: whoever may open the matter may upload on it) "
    "or “task” (the task's id: its assignee or the firm's people; the file is "
    "attached to the task and kept on the task's matter), and an optional "
    "“title” (else the file's name). The file is checked as on the upload page: "
    "kind (PDF, Word, Excel, text, images…), size, no macros, and the virus "
    "scanner where one is set up; a refused file answers 422 saying why in "
    "“fields.file”. The new document is a draft at version 1.",
)
def create_document(
    request: HttpRequest,
    firm_slug: Path[str],
    payload: Form[DocumentUpload],
    file: File[UploadedFile],
):
    scope = scope_of(request)
    if (payload.matter is None) == (payload.task is None):
        raise Unprocessable(
            "Say where the document belongs: give either “matter” or “task” "
            "(a task's files are kept on the task's matter), not both.",
            fields={
                "matter": ["Give a matter's id, or a task instead."],
                "task": ["Give a task's id, or a matter instead."],
            },
        )
    if payload.task is not None:
        task = _body_ref(access_task, scope, payload.task, "task")
        document = work_services.task_attach(
            scope=scope, task=task, uploaded_file=file, title=payload.title
        )
    else:
        matter = _body_ref(access_matter, scope, payload.matter, "matter")
        document = document_upload(
            firm=scope.firm,
            actor=scope.user,
            uploaded_file=file,
            title=payload.title,
            matter=matter,
        )
    document = _document(scope, document.public_id)
    return Status(201, DocumentOut.of(scope, document))


def _body_ref(access, scope, public_id, field: str):
    """A row named in the body: one the token may not see is a field to
    correct (422), as on the pages, not a missing address."""
    try:
        return access(scope, public_id)
    except Http404:
        raise Unprocessable(
            f"No {field} with that id that this token may see: give the id of "
            f"one of the firm's {field}s you can open.",
            fields={field: [f"Unknown {field}."]},
        ) from None


FILE_RESPONSE = {
    "responses": {
        200: {
            "description": "The file's bytes, as uploaded, with its name in "
            "Content-Disposition and its kind (application/pdf…) in Content-Type.",
            "content": {"*/*": {"schema": {"type": "string", "format": "binary"}}},
        }
    }
}


def _send(request: HttpRequest, scope, document: Document, version: DocumentVersion):
    """The version's file, streamed and decrypted a verified chunk at a time,
    its download audited first as the page's is. A stored copy that cannot be
    read answers 500 saying so (audited, the firm's admins told)."""
    try:
        chunks = open_checked(version)
    except Unreadable as error:
        record_unreadable(version, actor=scope.user, reason=error.reason, where=WHERE)
        return error_response(
            500,
            f"The stored copy of “{version.original_name}” cannot be read, so it "
            "was not sent. The firm's admins have been told; they restore it "
            "from a backup. Try again later.",
        )
    audit_read(
        request,
        document,
        action="document.downloaded",
        matter=document.matter,
        summary=f"Downloaded “{version.original_name}” from {WHERE}",
        detail={"document": str(document.public_id), "version": version.number},
    )
    response = StreamingHttpResponse(
        _stopping_at_damage(version, chunks, actor=scope.user),
        content_type=version.content_type,
    )
    response["Content-Length"] = str(version.size)
    response["Content-Disposition"] = content_disposition_header(
        True, version.original_name
    )
    response["X-Content-Type-Options"] = "nosniff"
    return response


def _stopping_at_damage(version, chunks, *, actor):
    """Damage found part way ends the download short of its Content-Length
    (the client sees it fail) and is recorded as such."""
    try:
        yield from chunks
    except Exception as error:
        reason = reason_of(error)
        if reason is not None:
            record_unreadable(
                version, actor=actor, reason=reason, where="an API download"
            )
        raise


@router.get(
    "documents/{document_id}/download",
    response={404: ErrorOut, 500: ErrorOut},
    summary="Download a document's current version",
    description="The file itself (not JSON), streamed. Recorded in the firm's "
    "audit trail as a download, as on the document's page.",
    openapi_extra=FILE_RESPONSE,
)
def download_document(
    request: HttpRequest, firm_slug: Path[str], document_id: uuid.UUID
):
    scope = scope_of(request)
    document = _document(scope, document_id)
    version = document.current_version
    if version is None:
        return error_response(404, "This document has no file yet.")
    return _send(request, scope, document, version)


@router.get(
    "documents/{document_id}/versions/{number}/download",
    response={404: ErrorOut, 500: ErrorOut},
    summary="Download one version of a document",
    description="Version “number” (1 is the first upload) as a file, "
    "streamed and audited like the current one.",
    openapi_extra=FILE_RESPONSE,
)
def download_document_version(
    request: HttpRequest,
    firm_slug: Path[str],
    document_id: uuid.UUID,
    number: int,
):
    scope = scope_of(request)
    document = _document(scope, document_id)
    version = selectors.access_version(scope, document, number)
    return _send(request, scope, document, version)
