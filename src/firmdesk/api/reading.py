"""What every route shares: the Scope of the request, audited reads, and the
representation of a person."""

import uuid

from django.db.models import F
from django.http import Http404, HttpRequest

from firmdesk.audit.services import audit_record_read
from firmdesk.common.links import row_link

from .schema import Schema


def route_url(name: str, firm_slug: str, **one_id: uuid.UUID) -> str:
    """``reverse(name, kwargs={"firm_slug": …, "<x>_id": …})`` for a route of
    one object of one firm, reversed once per firm and route, not once per
    row: a list of 50 invoices, each with two links, spent a quarter of its
    time in ``reverse`` (issue 22; ``common.links.row_link``)."""
    ((id_name, value),) = one_id.items()
    return row_link(name, value, kwargs={"firm_slug": firm_slug}, id_name=id_name)


def list_columns(model, *related: str) -> list[str]:
    """For ``QuerySet.only()`` on a list route: every column of ``model`` and,
    of the rows joined to it by ``select_related``, only ``related`` (the
    columns its representation reads). A list of 50 rows otherwise decodes
    every column of every joined table (a person's password hash, a playbook's
    whole text) and builds Python values of them; issue 22 measured it. A
    column left out and read anyway costs a query per row:
    tests/api/test_list_queries.py catches it for the relations its rows
    have."""
    return [f.name for f in model._meta.concrete_fields] + list(related)


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
    def columns(relation: str) -> list[str]:
        """What ``of`` reads of the person at ``relation``, for ``only()``."""
        return [f"{relation}__{name}" for name in ("public_id", "full_name", "email")]

    @staticmethod
    def values(relation: str) -> dict:
        """What ``row_of`` reads of the person at ``relation``, as annotations
        (``QuerySet.annotate``) named ``<relation>_public_id``, ``_name``,
        ``_email``."""
        return {
            f"{relation}_{name}": F(f"{relation}__{column}")
            for name, column in (
                ("public_id", "public_id"),
                ("name", "full_name"),
                ("email", "email"),
            )
        }

    @staticmethod
    def row_of(row, relation: str) -> dict | None:
        """The person at ``relation`` of ``row`` annotated with ``values``;
        None when there is none."""
        public_id = getattr(row, f"{relation}_public_id")
        if public_id is None:
            return None
        return {
            "id": public_id,
            "name": getattr(row, f"{relation}_name"),
            "email": getattr(row, f"{relation}_email"),
        }

    @staticmethod
    def row(user) -> dict | None:
        """The person as plain values (``api.rendering.page_response``)."""
        if user is None:
            return None
        return {"id": user.public_id, "name": user.full_name, "email": user.email}

    @staticmethod
    def of(user) -> "PersonOut | None":
        if user is None:
            return None
        return PersonOut(id=user.public_id, name=user.full_name, email=user.email)
