from dataclasses import dataclass

from django.db.models import Exists, OuterRef, Q
from django.http import Http404

from firmdesk.access.selectors import access_object
from firmdesk.audit.models import AuditEvent
from firmdesk.orgs.models import User

from .models import Document, DocumentVersion, Exhibit, ShareLink, Submission


def access_document(scope, public_id, *, for_write=False) -> Document:
    return access_object(Document, scope, public_id, for_write=for_write)


def documents_on_matter(scope, matter):
    """The matter's documents the scope may see, newest first, with their
    current version and who made them."""
    return (
        Document.objects.in_scope(scope)
        .filter(matter=matter)
        .select_related("matter", "current_version__uploaded_by", "created_by")
        .order_by("-updated_at")
    )


def exhibits_on_matter(scope, matter):
    return (
        Exhibit.objects.in_scope(scope)
        .filter(matter=matter)
        .select_related("document")
        .order_by("number")
    )


def submissions_of(scope, document):
    return (
        Submission.objects.in_scope(scope)
        .filter(document=document)
        .select_related("version", "submitted_by", "decided_by")
        .order_by("-created_at")
    )


def share_links_of(scope, document):
    return (
        ShareLink.objects.in_scope(scope)
        .filter(document=document)
        .select_related("version", "created_by", "revoked_by")
        .order_by("-created_at")
    )


def library_documents(scope, *, q="", matter="", status="", who=None):
    """The documents of the firm's library the scope may see, newest change
    first, with what a list row shows; narrowed by words of the title (``q``),
    the matter's number or words of its title (``matter``), a status, and who
    uploaded a version (``who``). A template's file and a signed agreement
    have pages of their own and stay out."""
    rows = (
        Document.objects.in_scope(scope)
        .filter(as_template__isnull=True, signatures__isnull=True)
        .select_related("matter", "created_by", "current_version__uploaded_by")
        .order_by("-updated_at", "-pk")
    )
    for word in q.split():
        rows = rows.filter(title__icontains=word)
    if matter.split():
        # Only matters the scope may open: a document seen through a task on a
        # hidden matter must not let its matter's words be guessed.
        rows = rows.filter(Q(matter__isnull=False) & scope.matter_q("matter"))
    for word in matter.split():
        rows = rows.filter(
            Q(matter__number__icontains=word) | Q(matter__title__icontains=word)
        )
    if status in Document.Status.values:
        rows = rows.filter(status=status)
    if who is not None:
        rows = rows.filter(
            Exists(
                DocumentVersion.objects.in_scope(scope).filter(
                    document=OuterRef("pk"), uploaded_by=who
                )
            )
        )
    return rows


def library_uploaders(scope):
    """Everyone who uploaded a version the scope may see, by name: the
    choices of the list's "who" filter."""
    ids = (
        DocumentVersion.objects.in_scope(scope)
        .exclude(uploaded_by=None)
        .values("uploaded_by")
    )
    return User.objects.filter(pk__in=ids).order_by("full_name", "email")


def versions_of(scope, document):
    return (
        DocumentVersion.objects.in_scope(scope)
        .filter(document=document)
        .select_related("uploaded_by")
        .order_by("-number")
    )


def access_version(scope, document, number) -> DocumentVersion:
    """Version ``number`` of a document the scope sees (404 otherwise)."""
    try:
        return versions_of(scope, document).get(number=int(number))
    except (DocumentVersion.DoesNotExist, ValueError, TypeError):
        raise Http404("No such version.") from None


HISTORY_LIMIT = 200

# What each event of a document is, in words, where its own summary may not be
# shown (below).
HISTORY_LABELS = {
    "document.uploaded": "Uploaded",
    "document.version_added": "Uploaded a new version",
    "document.submitted": "Submitted for review",
    "document.approved": "Approved",
    "document.returned": "Returned to draft",
    "document.back_to_draft": "Back to draft",
    "document.finalised": "Marked final",
    "document.downloaded": "Downloaded",
}
# Events whose summary is made only of the document's own facts (its title,
# versions, the reviewer's comment).
OWN_SUMMARIES = frozenset(HISTORY_LABELS) - {"document.downloaded"}


@dataclass(frozen=True)
class HistoryRow:
    at: object
    who: str
    what: str


def _history_line(scope, event) -> str:
    """The event as the viewer may read it. A summary that names a task (a
    download from a task's page, a review that came with a task's) is shown
    in general words, since the viewer may not see that task; outside staff
    read only the library's own events, in the words of its summaries."""
    detail = event.detail or {}
    through_task = "task" in detail
    if not through_task and (
        event.action in OWN_SUMMARIES
        or (scope.is_firm_member and event.action != "document.downloaded")
    ):
        return event.summary or HISTORY_LABELS.get(event.action, event.action)
    words = HISTORY_LABELS.get(event.action, "Changed")
    if detail.get("version"):
        words += f" version {detail['version']}"
    if through_task:
        words += (
            " from a task's page"
            if event.action == "document.downloaded"
            else " with its task's review"
        )
    return words


def document_history(scope, document) -> list[HistoryRow]:
    """Who did what to the document, newest first: its events on the firm's
    audit trail (the page's own openings left out: they are in the audit
    trail). Only for a document the scope sees, so the caller passes one
    reached through ``access_document``."""
    events = (
        AuditEvent.objects.filter(
            org=scope.firm,
            matter_id=str(document.matter.public_id) if document.matter_id else "",
            object_type=Document._meta.label,
            object_id=str(document.public_id),
        )
        .exclude(action="document.viewed")
        .select_related("actor")
        .order_by("-seq")[:HISTORY_LIMIT]
    )
    return [
        HistoryRow(
            at=event.at,
            who=str(event.actor) if event.actor else event.actor_label,
            what=_history_line(scope, event),
        )
        for event in events
    ]


# Reading a document is in the trail too, but it is not a change to it.
NOT_CHANGES = ("document.viewed", "document.downloaded")


def with_last_change(scope, documents) -> list:
    """``documents`` (already seen through ``scope``) as a list, each with
    ``last_change``: the newest audit event that changed it (who and when),
    or None. One query for the lot, through the trail's (firm, matter) index."""
    documents = list(documents)
    if not documents:
        return documents
    matters = {str(d.matter.public_id) if d.matter_id else "" for d in documents}
    events = (
        AuditEvent.objects.filter(
            org=scope.firm,
            matter_id__in=matters,
            object_type=Document._meta.label,
            object_id__in=[str(d.public_id) for d in documents],
        )
        .exclude(action__in=NOT_CHANGES)
        .select_related("actor")
        .order_by("-seq")
    )
    last: dict[str, AuditEvent] = {}
    for event in events:
        last.setdefault(event.object_id, event)
    for document in documents:
        document.last_change = last.get(str(document.public_id))
    return documents


def documents_for_matter_page(scope, matter) -> list:
    """The matter page's Documents section: ``documents_on_matter`` with who
    changed each last, and when."""
    return with_last_change(scope, documents_on_matter(scope, matter))
