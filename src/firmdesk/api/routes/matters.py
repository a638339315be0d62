"""Matters (issue 21). Part "matters" adds contacts, parties, conflict checks
and opening a matter; this module is the example the other areas follow:
a list with filters, order and cursor, a detail with its ETag and an audited
read, an update under If-Match.

Opening a matter and its parties go through ``conflicts.services``, as the
pages do: a matter opens only on a cleared (or waived) conflict check that
searched every party, and a party added later is searched at once (a party
check an attorney decides). 404: the matter (or conflict checks) are out of
the token's reach; 422 with a message: it may see them, but its person's role
may not do this (only attorneys and firm admins change parties).
"""

import datetime
import uuid
from typing import Literal

from django.db import transaction
from django.http import Http404, HttpRequest, HttpResponse
from ninja import Field, Path, Query, Router, Status

from firmdesk.access.selectors import access_matter, access_object
from firmdesk.common.phones import firm_region
from firmdesk.conflicts import selectors as conflict_selectors
from firmdesk.conflicts import services as conflicts
from firmdesk.matters import services
from firmdesk.matters.models import Contact, Matter, MatterParty
from firmdesk.orgs.models import User

from ..errors import ErrorOut, Unprocessable
from ..etags import check_if_match, etag_of
from ..pagination import Instant, ListQuery, Page, paginate
from ..reading import PersonOut, audit_read, list_columns, scope_of
from ..schema import Schema
from .conflicts import ConflictCheckDetailOut, check_detail_out, conflict_check_of

router = Router(tags=["Matters"])


class MatterOut(Schema):
    id: uuid.UUID
    number: str
    title: str
    status: str
    practice_area: str
    responsible_attorney: PersonOut | None
    opened_on: datetime.date | None
    closed_on: datetime.date | None
    updated_at: datetime.datetime

    @staticmethod
    def of(matter: Matter) -> "MatterOut":
        return MatterOut(
            id=matter.public_id,
            number=matter.number,
            title=matter.title,
            status=matter.status,
            practice_area=matter.practice_area,
            responsible_attorney=PersonOut.of(matter.responsible_attorney),
            opened_on=matter.opened_on,
            closed_on=matter.closed_on,
            updated_at=matter.updated_at,
        )


# A Literal, not Matter.Status: ninja names an enum's schema after its class,
# and other areas have a "Status" of their own.
MatterStatus = Literal["open", "pending", "closed", "pre_existing"]


class MatterFilters(ListQuery):
    status: MatterStatus | None = None
    responsible_attorney: uuid.UUID | None = None
    opened_after: datetime.date | None = None
    opened_before: datetime.date | None = None
    updated_after: Instant | None = None


MATTER_ORDERINGS = {
    "number": "number",
    "created": "created_at",
    "updated": "updated_at",
}


@router.get(
    "matters",
    response={200: Page[MatterOut], 422: ErrorOut},
    summary="List matters",
    description="The matters this token may see, newest first by default. "
    f"order: one of {', '.join(MATTER_ORDERINGS)} (prefix “-” to reverse).",
)
def list_matters(
    request: HttpRequest, firm_slug: Path[str], filters: Query[MatterFilters]
):
    scope = scope_of(request)
    rows = (
        Matter.objects.in_scope(scope)
        .select_related("responsible_attorney")
        .only(*list_columns(Matter, *PersonOut.columns("responsible_attorney")))
    )
    if filters.status:
        rows = rows.filter(status=filters.status)
    if filters.responsible_attorney:
        rows = rows.filter(responsible_attorney__public_id=filters.responsible_attorney)
    if filters.opened_after:
        rows = rows.filter(opened_on__gte=filters.opened_after)
    if filters.opened_before:
        rows = rows.filter(opened_on__lte=filters.opened_before)
    if filters.updated_after:
        rows = rows.filter(updated_at__gt=filters.updated_after)
    page = paginate(
        rows,
        filters,
        orderings=MATTER_ORDERINGS,
        default="-created",
    )
    page["items"] = [MatterOut.of(m) for m in page["items"]]
    return page


@router.get(
    "matters/{matter_id}",
    response={200: MatterOut, 404: ErrorOut},
    summary="One matter",
    description="Sends an ETag: pass it as If-Match when you change the matter.",
)
def get_matter(
    request: HttpRequest,
    firm_slug: Path[str],
    matter_id: uuid.UUID,
    response: HttpResponse,
):
    scope = scope_of(request)
    matter = access_matter(scope, matter_id)
    out = MatterOut.of(matter)
    audit_read(
        request,
        matter,
        action="matter.viewed",
        matter=matter,
        summary=f"Read {matter.number} through the API",
    )
    response["ETag"] = etag_of(out)
    return out


class MatterChange(Schema):
    title: str | None = None
    practice_area: str | None = None
    responsible_attorney: uuid.UUID | None = None


@router.patch(
    "matters/{matter_id}",
    response={200: MatterOut, 404: ErrorOut, 412: ErrorOut, 422: ErrorOut},
    summary="Change a matter",
    description="Title, practice area, responsible attorney (attorneys and "
    "admins of the firm). Send If-Match with the ETag you read: a matter "
    "changed since answers 412 and keeps the other change.",
)
def update_matter(
    request: HttpRequest,
    firm_slug: Path[str],
    matter_id: uuid.UUID,
    change: MatterChange,
    response: HttpResponse,
):
    scope = scope_of(request)
    with transaction.atomic():
        matter = access_matter(scope, matter_id, for_write=True)
        check_if_match(request, etag_of(MatterOut.of(matter)), what="matter")
        attorney = matter.responsible_attorney
        if change.responsible_attorney is not None:
            attorney = User.objects.filter(
                public_id=change.responsible_attorney
            ).first()
            if attorney is None:
                raise Unprocessable(
                    "No such person: give the id of an attorney of the firm.",
                    fields={"responsible_attorney": ["Unknown person."]},
                )
        matter = services.matter_update(
            scope=scope,
            matter=matter,
            title=matter.title if change.title is None else change.title,
            practice_area=matter.practice_area
            if change.practice_area is None
            else change.practice_area,
            responsible_attorney=attorney,
        )
    matter.refresh_from_db()
    out = MatterOut.of(matter)
    response["ETag"] = etag_of(out)
    return out


# --- Opening a matter ----------------------------------------------------------

PartyRole = Literal[
    "client",
    "adverse",
    "co_party",
    "opposing_counsel",
    "related",
    "witness",
    "expert",
]
PartyKind = Literal["person", "organization"]


class MatterOpenParty(Schema):
    name: str | None = Field(
        None,
        description="For a new contact: the name as the check searched it.",
        max_length=300,
    )
    kind: PartyKind = "person"
    contact: uuid.UUID | None = Field(
        None, description="An existing contact instead (one the check found)."
    )
    role: PartyRole


class MatterOpenIn(Schema):
    conflict_check: uuid.UUID = Field(
        ..., description="A cleared or waived check that searched every party."
    )
    title: str = Field(..., max_length=200)
    practice_area: str = Field("", max_length=80)
    responsible_attorney: uuid.UUID | None = None
    description: str = ""
    key_facts: str = ""
    parties: list[MatterOpenParty] = []


def _attorney(scope, public_id):
    if public_id is None:
        return None
    attorney = (
        conflict_selectors.responsible_attorneys(scope=scope)
        .filter(public_id=public_id)
        .first()
    )
    if attorney is None:
        raise Unprocessable(
            "No attorney of the firm has this id: give the id of one of the "
            "firm's attorneys, or leave it out.",
            fields={"responsible_attorney": ["Not an attorney of the firm."]},
        )
    return attorney


def _party_contact(scope, index: int, party: MatterOpenParty) -> Contact:
    field = f"parties.{index}"
    if party.contact is not None:
        try:
            return access_object(Contact, scope, party.contact)
        except Http404:
            raise Unprocessable(
                "No contact you may see has this id: give a contact the check "
                "found, or a name and kind for a new contact.",
                fields={f"{field}.contact": ["Unknown contact."]},
            ) from None
    if not (party.name or "").strip():
        raise Unprocessable(
            "Each party needs either the id of an existing contact or the name "
            "of a new one (as the check searched it).",
            fields={f"{field}.name": ["Give a name or a contact id."]},
        )
    return conflicts.contact_save(
        firm=scope.firm,
        actor=scope.user,
        kind=party.kind,
        name=party.name or "",
        phone_region=firm_region(scope.firm),
    )


@router.post(
    "matters",
    response={201: MatterOut, 404: ErrorOut, 422: ErrorOut},
    summary="Open a matter",
    description="On a cleared or waived conflict check that has not opened a "
    "matter yet (run one with POST /conflict-checks, an attorney decides it). "
    "Each party is a new contact (name and kind, a name the check searched) "
    "or an existing contact the check found (contact). The number comes from "
    "the firm's scheme. Everything is written in one transaction: a refused "
    "opening leaves no new contact behind.",
)
def open_matter(
    request: HttpRequest,
    firm_slug: Path[str],
    payload: MatterOpenIn,
    response: HttpResponse,
):
    scope = scope_of(request)
    if not conflicts.may_run_checks(scope):
        raise Http404
    check = conflict_check_of(scope, payload.conflict_check)
    attorney = _attorney(scope, payload.responsible_attorney)
    with transaction.atomic():
        parties = [
            (_party_contact(scope, i, party), party.role)
            for i, party in enumerate(payload.parties)
        ]
        matter = conflicts.matter_open(
            scope=scope,
            check=check,
            parties=parties,
            title=payload.title,
            practice_area=payload.practice_area,
            responsible_attorney=attorney,
            description=payload.description,
            key_facts=payload.key_facts,
        )
    out = MatterOut.of(matter)
    response["ETag"] = etag_of(out)
    return Status(201, out)


# --- Parties -----------------------------------------------------------------


class PartyContactOut(Schema):
    id: uuid.UUID
    name: str
    kind: str


class PartyOut(Schema):
    id: uuid.UUID
    role: PartyRole
    note: str
    contact: PartyContactOut
    created_at: datetime.datetime

    @staticmethod
    def of(party: MatterParty) -> "PartyOut":
        contact = party.contact
        return PartyOut(
            id=party.public_id,
            role=party.role,  # type: ignore[arg-type]
            note=party.note,
            contact=PartyContactOut(
                id=contact.public_id, name=contact.name, kind=contact.kind
            ),
            created_at=party.created_at,
        )


class PartyFilters(ListQuery):
    role: PartyRole | None = None


PARTY_ORDERINGS = {"role": "role", "created": "created_at"}


@router.get(
    "matters/{matter_id}/parties",
    response={200: Page[PartyOut], 404: ErrorOut, 422: ErrorOut},
    summary="List a matter's parties",
    description="Clients, adverse parties, counsel, witnesses… with their "
    f"contacts. order: one of {', '.join(PARTY_ORDERINGS)} (prefix “-” to "
    "reverse).",
)
def list_matter_parties(
    request: HttpRequest,
    firm_slug: Path[str],
    matter_id: uuid.UUID,
    filters: Query[PartyFilters],
):
    scope = scope_of(request)
    matter = access_matter(scope, matter_id)
    rows = (
        MatterParty.objects.in_scope(scope)
        .filter(matter=matter)
        .select_related("contact")
    )
    if filters.role:
        rows = rows.filter(role=filters.role)
    page = paginate(
        rows,
        filters,
        orderings=PARTY_ORDERINGS,
        default="created",
    )
    page["items"] = [PartyOut.of(p) for p in page["items"]]
    return page


class PartyIn(Schema):
    name: str = Field(..., max_length=300, description="The name as written.")
    kind: PartyKind = "person"
    role: PartyRole


class PartyAddedOut(Schema):
    party: PartyOut
    conflict_check: ConflictCheckDetailOut = Field(
        description="The name searched at once, as at opening: an attorney "
        "decides it (POST /conflict-checks/{id}/decision)."
    )


@router.post(
    "matters/{matter_id}/parties",
    response={201: PartyAddedOut, 404: ErrorOut, 422: ErrorOut},
    summary="Add a party to a matter",
    description="Attorneys and firm admins, on an open matter. The name is "
    "searched against every contact first (a party conflict check, answered "
    "with its hits, that waits for an attorney's decision); an existing "
    "contact of the same kind and name is reused, otherwise one is added.",
)
def add_matter_party(
    request: HttpRequest,
    firm_slug: Path[str],
    matter_id: uuid.UUID,
    payload: PartyIn,
):
    scope = scope_of(request)
    with transaction.atomic():
        matter = access_matter(scope, matter_id, for_write=True)
        party, check = conflicts.matter_party_add(
            scope=scope,
            matter=matter,
            name=payload.name,
            kind=payload.kind,
            role=payload.role,
        )
    return Status(
        201,
        PartyAddedOut(
            party=PartyOut.of(party), conflict_check=check_detail_out(scope, check)
        ),
    )


@router.delete(
    "matters/{matter_id}/parties/{party_id}",
    response={204: None, 404: ErrorOut, 422: ErrorOut},
    summary="Remove a party from a matter",
    description="Attorneys and firm admins, on an open matter. The contact "
    "stays on file and in the conflict index. The only client stays: add the "
    "new client first.",
)
def remove_matter_party(
    request: HttpRequest,
    firm_slug: Path[str],
    matter_id: uuid.UUID,
    party_id: uuid.UUID,
):
    scope = scope_of(request)
    with transaction.atomic():
        matter = access_matter(scope, matter_id, for_write=True)
        party = access_object(
            MatterParty,
            scope,
            party_id,
            queryset=MatterParty.objects.in_scope(scope)
            .filter(matter=matter)
            .select_related("contact", "matter"),
        )
        conflicts.matter_party_remove(scope=scope, party=party)
    return Status(204, None)
