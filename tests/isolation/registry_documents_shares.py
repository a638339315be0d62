"""Isolation registry entries for documents: share links as the firm makes and revokes
them (format: registry.py).

Firm members see a document's links; its attorneys and admins make and revoke them
(``documents.sharing.may_share``); provider staff, even those who see the document,
get 404. Firm B's document and link under firm A's slug are the foreign cases. A
firm member screened from the document's matter gets 404 too
(tests/web/test_documents_shares.py)."""

from firmdesk.documents.models import ShareLink

from .registry import FIRM_MEMBERS, NO_FIRM_ACCESS, PROVIDER_STAFF_IN_FIRM, Route, _firm

SHARERS = ("firm_admin", "attorney")
NOT_SHARERS = (*NO_FIRM_ACCESS, *PROVIDER_STAFF_IN_FIRM, "firm_staff")


def _document(f) -> dict:
    return {**_firm(f), "document_id": f.share_document.public_id}


def _other_document(f) -> dict:
    return {**_firm(f), "document_id": f.share_other_document.public_id}


def _link(f) -> dict:
    return {**_document(f), "share_id": f.share_link.public_id}


def _other_link(f) -> dict:
    return {**_other_document(f), "share_id": f.share_other_link.public_id}


def _revoked(f) -> bool:
    return ShareLink.unscoped.get(pk=f.share_link.pk).revoked_at is not None


ROUTES: list = [
    Route(
        "documents:share_list",
        kwargs=_document,
        foreign_kwargs=_other_document,
        allowed=FIRM_MEMBERS,
        denied=NO_FIRM_ACCESS + PROVIDER_STAFF_IN_FIRM,
        why="who a document was sent to is the firm's business, not the provider's",
    ),
    Route(
        "documents:share_new",
        kwargs=_document,
        foreign_kwargs=_other_document,
        allowed=SHARERS,
        denied=NOT_SHARERS,
    ),
    Route(
        "documents:share_revoke",
        kwargs=_link,
        foreign_kwargs=_other_link,
        method="POST",
        success=302,
        state=_revoked,
        allowed=SHARERS,
        denied=NOT_SHARERS,
        why="POST revokes at once; firm B's link under firm B's document (and firm "
        "A's slug) is the foreign case",
    ),
]
