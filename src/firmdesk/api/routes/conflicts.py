"""Conflict checks (issue 21): run a check, list and read checks with their
hits, and record an attorney's decision, through ``conflicts.services`` as
the conflict check pages do.

Who: the firm's people and outside staff with the intake function
(``conflicts.services.may_run_checks``); for anyone else conflict checks do
not exist (404). Attorneys and firm admins decide (``may_decide``); others
who may see the check are told so (422).

Ethical screens hold as on the pages (``conflicts.selectors``): a check that
opened a matter the token's person may not open keeps its dates, people and
decision but shows neither the names searched, its purpose, its note nor its
hits; a hit on a party of such a matter says that there is one without
naming it. Such a check is decided by an attorney who can open the matter.
"""

import datetime
import uuid
from typing import Literal

from django.http import Http404, HttpRequest
from ninja import Field, Path, Query, Router, Status

from firmdesk.conflicts import selectors
from firmdesk.conflicts import services as conflicts
from firmdesk.conflicts.models import ConflictCheck
from firmdesk.conflicts.selectors import CheckShown

from ..errors import ErrorOut, Unprocessable
from ..pagination import Instant, ListQuery, Page, paginate
from ..reading import PersonOut, audit_read, scope_of
from ..schema import Schema

router = Router(tags=["Conflicts"])


class ConflictMatterOut(Schema):
    id: uuid.UUID
    number: str


class ConflictHitRoleOut(Schema):
    matter: str = Field(
        description="The matter's number, or “a matter you cannot open”."
    )
    matter_id: uuid.UUID | None = None
    matter_title: str = ""
    matter_status: str = ""
    role: str = ""


class ConflictHitOut(Schema):
    name: str = Field(description="The name searched.")
    contact_id: uuid.UUID | None = Field(
        None, description="The contact found; null when you may not see it."
    )
    contact_name: str
    contact_kind: str = ""
    matched_name: str = ""
    matched_as: str = ""
    score: int
    reason: str = ""
    matter: str = ""
    matter_id: uuid.UUID | None = None
    matter_title: str = ""
    matter_status: str = ""
    role: str = ""
    roles: list[ConflictHitRoleOut] = []
    path: str = Field("", description="For a related party: how it is related.")
    related: bool = False
    is_prospective: bool = False
    hidden: bool = Field(
        False,
        description="A party of a matter you cannot open: an attorney who can "
        "open it must review this hit.",
    )

    @staticmethod
    def of(hit: dict) -> "ConflictHitOut":
        return ConflictHitOut(
            **{
                name: hit[name]
                for name in ConflictHitOut.model_fields
                if name in hit and not name.endswith("_id") and name != "roles"
            },
            contact_id=hit.get("contact") or None,
            matter_id=hit.get("matter_id") or None,
            roles=[
                ConflictHitRoleOut(
                    **{k: v for k, v in role.items() if k != "matter_id"},
                    matter_id=role.get("matter_id") or None,
                )
                for role in hit.get("roles", [])
            ],
        )


class ConflictCheckOut(Schema):
    id: uuid.UUID
    kind: str = Field(description="opening (a new matter) or party (a party added).")
    names: list[str] = Field(description="Empty when matter_hidden.")
    purpose: str
    run_at: datetime.datetime
    run_by: PersonOut | None
    hit_count: int
    decision: str = Field(description="pending, clear, conflict or waived.")
    decision_note: str
    decided_by: PersonOut | None
    decided_at: datetime.datetime | None
    matter: ConflictMatterOut | None = Field(
        description="The matter it opened, or the matter a party check is about."
    )
    matter_hidden: bool = Field(
        description="About a matter you cannot open: names, purpose, note and "
        "hits are not shown."
    )
    may_open_matter: bool = Field(
        description="Cleared or waived and no matter opened on it yet."
    )

    @staticmethod
    def of(shown: CheckShown) -> "ConflictCheckOut":
        check = shown.check
        hidden = shown.matter_hidden
        matter = None
        if shown.matter_public_id:
            matter = ConflictMatterOut(
                id=uuid.UUID(shown.matter_public_id), number=shown.matter_number
            )
        return ConflictCheckOut(
            id=check.public_id,
            kind=check.kind,
            names=shown.names,
            # A party check's purpose names the matter and the party.
            purpose="" if hidden else check.purpose,
            run_at=check.run_at,
            run_by=PersonOut.of(check.run_by),
            hit_count=len(check.hits),
            decision=check.decision,
            decision_note="" if hidden else check.decision_note,
            decided_by=PersonOut.of(check.decided_by),
            decided_at=check.decided_at,
            matter=matter,
            matter_hidden=hidden,
            may_open_matter=check.allows_opening and check.matter_id is None,
        )


class ConflictCheckDetailOut(ConflictCheckOut):
    hits: list[ConflictHitOut]


def _check_area(scope) -> None:
    """Conflict checks exist only for those who may run them (the pages)."""
    if not conflicts.may_run_checks(scope):
        raise Http404


def conflict_check_of(scope, check_id) -> ConflictCheck:
    check = selectors.check_get(scope=scope, public_id=check_id)
    if check is None:
        raise Http404
    return check


def check_detail_out(scope, check: ConflictCheck) -> ConflictCheckDetailOut:
    shown = selectors.check_for_viewer(scope=scope, check=check)
    hits = selectors.check_hits_for(scope=scope, check=check)
    return ConflictCheckDetailOut(
        **ConflictCheckOut.of(shown).model_dump(),
        hits=[ConflictHitOut.of(h) for h in hits],
    )


class ConflictCheckFilters(ListQuery):
    decision: Literal["pending", "clear", "conflict", "waived"] | None = None
    kind: Literal["opening", "party"] | None = None
    run_after: Instant | None = None


CHECK_ORDERINGS = {"run": "run_at", "updated": "updated_at"}


@router.get(
    "conflict-checks",
    response={200: Page[ConflictCheckOut], 404: ErrorOut, 422: ErrorOut},
    summary="List conflict checks",
    description="Every check of the firm, newest first by default; filter by "
    "decision (pending lists those waiting for an attorney). "
    f"order: one of {', '.join(CHECK_ORDERINGS)} (prefix “-” to reverse).",
)
def list_conflict_checks(
    request: HttpRequest, firm_slug: Path[str], filters: Query[ConflictCheckFilters]
):
    scope = scope_of(request)
    _check_area(scope)
    rows = selectors.check_list(scope=scope, decision=filters.decision).select_related(
        "run_by", "decided_by", "matter"
    )
    if filters.kind:
        rows = rows.filter(kind=filters.kind)
    if filters.run_after:
        rows = rows.filter(run_at__gt=filters.run_after)
    page = paginate(
        rows,
        filters,
        orderings=CHECK_ORDERINGS,
        default="-run",
    )
    shown = selectors.checks_for_viewer(scope=scope, checks=page["items"])
    page["items"] = [ConflictCheckOut.of(s) for s in shown]
    return page


@router.get(
    "conflict-checks/{check_id}",
    response={200: ConflictCheckDetailOut, 404: ErrorOut},
    summary="One conflict check with its hits",
    description="The names searched and every possible match, best first, with "
    "why it matched and the matters the contact is in. The read is recorded "
    "in the firm's audit trail, as opening the check's page is.",
)
def get_conflict_check(request: HttpRequest, firm_slug: Path[str], check_id: uuid.UUID):
    scope = scope_of(request)
    _check_area(scope)
    check = conflict_check_of(scope, check_id)
    out = check_detail_out(scope, check)
    audit_read(
        request,
        check,
        action="conflict.check_viewed",
        matter=check.matter if check.matter_id else None,
        summary="Read a conflict check and its hits",
    )
    return out


class ConflictCheckIn(Schema):
    names: list[str] = Field(
        ...,
        description="The prospective client, every adverse party, their counsel "
        "and related people or companies.",
        min_length=1,
    )
    purpose: str = Field("", max_length=200)


@router.post(
    "conflict-checks",
    response={201: ConflictCheckDetailOut, 404: ErrorOut, 422: ErrorOut},
    summary="Run a conflict check",
    description="Searches every contact and alias of the firm (closed matters, "
    "former and prospective clients included) and records the check with its "
    "hits, waiting for an attorney's decision, even with no hits. A matter "
    "opens only on a cleared or waived check (POST /matters).",
)
def run_conflict_check(
    request: HttpRequest, firm_slug: Path[str], payload: ConflictCheckIn
):
    scope = scope_of(request)
    _check_area(scope)
    check = conflicts.conflict_check_run(
        scope=scope, names=payload.names, purpose=payload.purpose
    )
    return Status(201, check_detail_out(scope, check))


class ConflictDecisionIn(Schema):
    decision: Literal["clear", "conflict", "waived"]
    note: str = Field(
        "",
        description="Required for a waiver (who consented, when, how it was "
        "confirmed in writing) and for clearing a check that found matches "
        "(why none is a conflict).",
    )


@router.post(
    "conflict-checks/{check_id}/decision",
    response={200: ConflictCheckDetailOut, 404: ErrorOut, 422: ErrorOut},
    summary="Decide a conflict check",
    description="Attorneys and firm admins: clear, conflict, or waived with the "
    "consent in the note. A decision may be changed until a matter opens on "
    "the check.",
)
def decide_conflict_check(
    request: HttpRequest,
    firm_slug: Path[str],
    check_id: uuid.UUID,
    payload: ConflictDecisionIn,
):
    scope = scope_of(request)
    _check_area(scope)
    check = conflict_check_of(scope, check_id)
    if not conflicts.may_decide(scope):
        raise Unprocessable("Only an attorney of the firm can decide a conflict check.")
    if selectors.check_for_viewer(scope=scope, check=check).matter_hidden:
        raise Unprocessable(
            "This check is about a matter you cannot open: an attorney who can "
            "open it must decide it."
        )
    check = conflicts.conflict_decide(
        scope=scope, check=check, decision=payload.decision, note=payload.note
    )
    return check_detail_out(scope, check)
