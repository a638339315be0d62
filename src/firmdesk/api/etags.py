"""ETag and If-Match against lost updates (issue 21).

The ETag is a hash of the object's representation as the API sends it, so it
changes whenever anything the client sees changes. ``check_if_match`` is
called with the row locked (``access_*(…, for_write=True)``) inside the
update's transaction: two clients that read the same version cannot both
write over it. If-Match is optional; a client that sends it is protected.
"""

import hashlib

from django.http import HttpRequest

from .errors import PreconditionFailed
from .schema import Schema


def etag_of(representation: Schema) -> str:
    body = representation.model_dump_json().encode()
    return '"' + hashlib.sha256(body).hexdigest()[:40] + '"'


def _bare(tag: str) -> str:
    """A tag as compared: without ``W/`` (a proxy that compresses answers
    weakens ETags, and the client cannot help it) and without its quotes (a
    script that dropped them means the same tag)."""
    return tag.strip().removeprefix("W/").strip('"')


def _tags(header: str) -> list[str]:
    return [_bare(t) for t in header.split(",") if t.strip()]


def check_if_match(request: HttpRequest, current: str, *, what: str) -> None:
    header = request.headers.get("If-Match")
    if header is None:
        return
    tags = _tags(header)
    if "*" in tags or _bare(current) in tags:
        return
    raise PreconditionFailed(
        f"This {what} changed since you read it (If-Match no longer matches its "
        "ETag). Fetch it again, apply your change to what it is now, and send "
        "the new ETag."
    )


def not_modified(request: HttpRequest, current: str) -> bool:
    header = request.headers.get("If-None-Match")
    return header is not None and _bare(current) in _tags(header)
