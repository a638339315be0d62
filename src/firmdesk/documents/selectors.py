from firmdesk.access.selectors import access_object

from .models import Document, Exhibit, ShareLink, Submission


def access_document(scope, public_id, *, for_write=False) -> Document:
    return access_object(Document, scope, public_id, for_write=for_write)


def documents_on_matter(scope, matter):
    """The matter's documents the scope may see, newest first, with their
    current version and who made them."""
    return (
        Document.objects.in_scope(scope)
        .filter(matter=matter)
        .select_related("current_version__uploaded_by", "created_by")
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
