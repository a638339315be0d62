"""Matters (issue 21). Part "matters" adds contacts, parties, conflict checks
and opening a matter; this module is the example the other areas follow:
a list with filters, order and cursor, a detail with its ETag and an audited
read, an update under If-Match."""

import datetime
import uuid

from django.db import transaction
from django.http import HttpRequest, HttpResponse
from ninja import Path, Query, Router, Schema

from firmdesk.access.selectors import access_matter
from firmdesk.matters import services
from firmdesk.matters.models import Matter
from firmdesk.orgs.models import User

from ..errors import ErrorOut, Unprocessable
from ..etags import check_if_match, etag_of
from ..pagination import Page, paginate
from ..reading import PersonOut, audit_read, scope_of

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


class MatterFilters(Schema):
    status: Matter.Status | None = None
    responsible_attorney: uuid.UUID | None = None
    opened_after: datetime.date | None = None
    opened_before: datetime.date | None = None
    updated_after: datetime.datetime | None = None
    order: str | None = None
    cursor: str | None = None
    limit: int | None = None


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
    rows = Matter.objects.in_scope(scope).select_related("responsible_attorney")
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
        cursor=filters.cursor,
        limit=filters.limit,
        order=filters.order,
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
