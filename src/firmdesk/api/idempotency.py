"""``Idempotency-Key`` on POST (issue 21).

A client that sends a POST with ``Idempotency-Key: <its own unique string>``
may send it again (a timeout, a retried job) and is answered exactly as the
first time, and nothing is created twice. The same key with a different body
is refused (422). Keys are per person and firm, kept 24 hours.

How: the whole POST runs in one transaction that first inserts the key's row.
A concurrent POST with the same key waits on that insert (PostgreSQL's unique
index; SQLite's single writer) until the first commits, then finds the row
and replays its answer. Answers worth replaying are stored: every 2xx and
4xx that reached the route. Server errors, 401, 404 and 429 are not: their
transaction rolls back with the key, so a retry really runs again.
"""

import datetime
import hashlib
from functools import wraps

from django.db import IntegrityError, transaction
from django.http import HttpResponse
from django.utils import timezone

from firmdesk.access.system import sweep
from firmdesk.integrations.tokens import token_for_secret

from .errors import error_response
from .models import IdempotencyKey

HEADER = "Idempotency-Key"
REPLAY_HEADER = "Idempotent-Replayed"
KEEP = datetime.timedelta(hours=24)
MAX_KEY_LENGTH = 255
_NOT_STORED = {401, 404, 409, 429}


def _fingerprint(request) -> str:
    digest = hashlib.sha256()
    for part in (request.method, request.get_full_path()):
        digest.update(part.encode() + b"\0")
    if request.content_type == "multipart/form-data":
        # An upload's body may be larger than Django lets ``request.body`` hold
        # (DATA_UPLOAD_MAX_MEMORY_SIZE): hash its fields and files as parsed.
        for name, values in sorted(request.POST.lists()):
            digest.update(repr((name, values)).encode() + b"\0")
        for name, files in sorted(request.FILES.lists()):
            for upload in files:
                digest.update(repr((name, upload.name)).encode() + b"\0")
                for chunk in upload.chunks():
                    digest.update(chunk)
                upload.seek(0)
    else:
        digest.update(request.body)
    return digest.hexdigest()


def _replay(row: IdempotencyKey) -> HttpResponse:
    response = HttpResponse(
        row.response_body, status=row.status_code, content_type=row.content_type
    )
    response[REPLAY_HEADER] = "true"
    return response


def idempotent(view):
    """Wrap an API view: POSTs with an Idempotency-Key run once per key."""

    @wraps(view)
    def wrapper(request, *args, **kwargs):
        key = request.headers.get(HEADER)
        if request.method != "POST" or key is None:
            return view(request, *args, **kwargs)
        if not key.strip() or len(key) > MAX_KEY_LENGTH:
            return error_response(
                422,
                f"An Idempotency-Key has 1 to {MAX_KEY_LENGTH} characters; a "
                "fresh UUID per operation is a good choice.",
                {HEADER: ["1 to 255 characters."]},
            )
        auth = request.headers.get("Authorization", "")
        token = token_for_secret(auth.removeprefix("Bearer ").strip())
        if token is None:
            return view(request, *args, **kwargs)  # refused by the route's auth
        fingerprint = _fingerprint(request)
        with transaction.atomic():
            try:
                with transaction.atomic():
                    row = IdempotencyKey.objects.create(
                        firm=token.firm,
                        user=token.user,
                        key=key,
                        method=request.method,
                        path=request.path[:500],
                        request_sha256=fingerprint,
                        status_code=0,
                        response_body="",
                    )
            except IntegrityError:
                row = (
                    IdempotencyKey.objects.for_firm(token.firm)
                    .filter(user=token.user, key=key)
                    .first()
                )
                if row is None:  # expired and removed in between: run afresh
                    return view(request, *args, **kwargs)
                if row.request_sha256 != fingerprint:
                    return error_response(
                        422,
                        "This Idempotency-Key was already used for a different "
                        "request. Use a new key for each new operation.",
                        {HEADER: ["Already used with another request."]},
                    )
                return _replay(row)
            response = view(request, *args, **kwargs)
            if response.status_code >= 500 or response.status_code in _NOT_STORED:
                transaction.set_rollback(True)
                return response
            row.status_code = response.status_code
            row.response_body = response.content.decode()
            row.content_type = response.get("Content-Type", "application/json")[:100]
            row.save(update_fields=["status_code", "response_body", "content_type"])
        return response

    return wrapper


def forget_expired(now=None) -> int:
    """Remove keys older than ``KEEP`` (a scheduled job, ``api.tasks``)."""
    cutoff = (now or timezone.now()) - KEEP
    return sweep(IdempotencyKey).filter(created_at__lt=cutoff).delete()[0]
