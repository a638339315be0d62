"""What every route shares: the Scope of the request, audited reads, and the
representation of a person."""

import uuid

from django.http import Http404, HttpRequest
from ninja import Schema

from firmdesk.audit.services import audit_record_read


def scope_of(request: HttpRequest):
    """The Scope ``api.auth.TokenAuth`` resolved for the path's firm."""
    scope = getattr(request, "scope", None)
    if scope is None:
        raise Http404
    return scope


def token_note(request: HttpRequest) -> str:
    """ " (API token “Clio sync”)": which of the person's tokens did it."""
    token = getattr(request, "api_token", None)
    return f" (API token “{token.name}”)" if token else ""


def audit_read(
    request: HttpRequest,
    obj,
    *,
    action: str,
    summary: str,
    matter=None,
    detail: dict | None = None,
):
    """An API read of client data leaves the same event its page does, plus
    the token it came through (DESIGN.md: reads of client data are audited)."""
    scope = scope_of(request)
    audit_record_read(
        org=scope.firm,
        actor=scope.user,
        action=action,
        obj=obj,
        matter=matter,
        summary=summary + token_note(request),
        detail=detail,
    )


class PersonOut(Schema):
    id: uuid.UUID
    name: str
    email: str

    @staticmethod
    def of(user) -> "PersonOut | None":
        if user is None:
            return None
        return PersonOut(id=user.public_id, name=user.full_name, email=user.email)
