"""Isolation registry entries for documents: the page a share link opens (public: the
token is the key) (format: registry.py).

Nobody signs in, and anyone, signed in or not, gets the same answer: the token in
the address is the credential, and a link of any firm opens for whoever holds it.
The routes take no firm slug, so no firm can be swapped in; an unknown or
malformed token is 404 and a dead link 410, naming no firm
(tests/web/test_documents_shares.py)."""

from firmdesk.documents.models import ShareLink

from .registry import ANONYMOUS, Route

ANYONE = (ANONYMOUS, "attorney", "assistant", "outsider")


def _token(f) -> dict:
    return {"token": f.share_token}


def _downloads(f) -> int:
    return ShareLink.unscoped.get(pk=f.share_link.pk).downloads


ROUTES: list = [
    Route(
        "shared:share_page",
        kwargs=_token,
        allowed=ANYONE,
        public=True,
        why="the firm's name, the file's name and size, expiry and downloads left",
    ),
    Route(
        "shared:share_download",
        kwargs=_token,
        method="POST",
        state=_downloads,
        allowed=ANYONE,
        public=True,
        why="streams the shared version and counts one download",
    ),
]
