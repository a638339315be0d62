"""Isolation registry entries for documents: the firm's and a matter's documents, a
document's page, uploads, downloads and review (format: registry.py).

Who sees a document: ``Document.scope_filter`` (firm members, but not on a matter
they are screened from; provider staff on matters opened to them or attached to
a task given to them). The entries point at a document on the matter opened to
the assistant; task-only access, screens and hidden matters for every route are
proved in tests/web/test_documents_library.py
(``test_every_library_route_follows_the_access_rule``)."""

from firmdesk.documents.models import Document

from .registry import (
    FIRM_MEMBERS,
    NO_FIRM_ACCESS,
    PROVIDER_STAFF_IN_FIRM,
    Route,
    _firm,
)

REVIEWERS = ("firm_admin", "attorney")
SEE_MATTER = (*FIRM_MEMBERS, "assistant")
NOT_MATTER = (*NO_FIRM_ACCESS, "ungranted_assistant")
NOT_REVIEWERS = (*NO_FIRM_ACCESS, *PROVIDER_STAFF_IN_FIRM, "firm_staff")


def _doc(attr: str):
    return lambda f: {**_firm(f), "document_id": getattr(f, attr).public_id}


_library = _doc("library_document")
_other = _doc("other_library_document")


def _status_of(attr: str):
    return lambda f: (
        Document.unscoped.filter(pk=getattr(f, attr).pk)
        .values_list("status", flat=True)
        .first()
    )


ROUTES: list = [
    Route(
        "documents:document_list",
        kwargs=_firm,
        allowed=FIRM_MEMBERS + PROVIDER_STAFF_IN_FIRM,
        denied=NO_FIRM_ACCESS,
        why="provider staff see the documents of their matters and tasks only",
    ),
    Route(
        "documents:document_upload",
        kwargs=lambda f: {**_firm(f), "matter_id": f.matter.public_id},
        foreign_kwargs=lambda f: {**_firm(f), "matter_id": f.other_matter.public_id},
        allowed=SEE_MATTER,
        denied=NOT_MATTER,
        why="whoever may open the matter uploads on it",
    ),
    Route(
        "documents:document_detail",
        kwargs=_library,
        foreign_kwargs=_other,
        allowed=SEE_MATTER,
        denied=NOT_MATTER,
    ),
    Route(
        "documents:version_download",
        kwargs=lambda f: {**_library(f), "number": 1},
        foreign_kwargs=lambda f: {**_other(f), "number": 1},
        allowed=SEE_MATTER,
        denied=NOT_MATTER,
        why="every version, to whoever sees the document; audited",
    ),
    Route(
        "documents:version_new",
        kwargs=_library,
        foreign_kwargs=_other,
        allowed=SEE_MATTER,
        denied=NOT_MATTER,
        why="anyone who sees the document adds a version while it is not final",
    ),
    Route(
        "documents:document_submit",
        kwargs=_library,
        foreign_kwargs=_other,
        allowed=SEE_MATTER,
        denied=NOT_MATTER,
        why="GET shows what the quality checks found; the POST and who may make "
        "it are tested in tests/web/test_documents_library.py",
    ),
    Route(
        "documents:document_review",
        kwargs=_doc("review_document"),
        foreign_kwargs=_other,
        allowed=REVIEWERS,
        denied=NOT_REVIEWERS,
        why="attorneys and firm admins approve or return",
    ),
    Route(
        "documents:document_finalise",
        kwargs=_doc("approved_document"),
        foreign_kwargs=_other,
        method="POST",
        success=303,
        state=_status_of("approved_document"),
        allowed=REVIEWERS,
        denied=NOT_REVIEWERS,
        why="attorneys and firm admins mark an approved document final",
    ),
    Route(
        "documents:document_delete",
        kwargs=_library,
        foreign_kwargs=_other,
        method="POST",
        success=303,
        state=_status_of("library_document"),
        allowed=REVIEWERS,
        denied=(*NOT_MATTER, "assistant", "firm_staff"),
        why="a draft, by whoever added it (here the attorney) or an attorney or "
        "admin; the state is None once deleted",
    ),
]
