"""Intake (issue 21): leads and reception's call log.

A lead pushed by an integration (a website's contact form, say) goes through
``intake.services.lead_create``, the service of the lead entry page: the same
checks of name, e-mail and phone, the first-response clock started from the
firm's agreed terms, the conflict screen and the intake team told after the
commit. It is left to the intake team unless ``owner`` names someone. The
duplicate a retried push would make is what ``Idempotency-Key`` is for.

Calls are logged with ``intake.reception.call_log``, as the call entry page
does: the recipient (or the matter's responsible attorney) is told, and the
on-call attorney too when it is urgent.

Who may use these routes is who may open the pages: leads for the firm's
people and its intake staff, calls for the firm's people and its reception
staff; anyone else gets 404.
"""

import datetime
import enum
import uuid
from typing import Any

from django.db import transaction
from django.db.models import Q
from django.http import Http404, HttpRequest, HttpResponse
from ninja import Field, Path, Query, Router
from ninja.responses import Status

from firmdesk.access.selectors import access_matter, access_object
from firmdesk.intake import reception, services
from firmdesk.intake.models import CallLog, Lead
from firmdesk.intake.selectors import lead_owner_choices

from ..errors import ErrorOut, Unprocessable
from ..etags import check_if_match, etag_of
from ..pagination import Instant, ListQuery, Page, paginate
from ..reading import PersonOut, audit_read, list_columns, scope_of
from ..rendering import page_response
from ..schema import Schema

router = Router(tags=["Leads and calls"])


# Named for the API (ninja names an enum's schema after its class, and several
# models have a "Status"); tests/api/test_leads_api.py keeps them equal to the
# model's choices.
class LeadStatus(enum.StrEnum):
    NEW = "new"
    CONTACTED = "contacted"
    QUALIFIED = "qualified"
    CONSULTATION = "consultation"
    RETAINED = "retained"
    DECLINED = "declined"
    NO_RESPONSE = "no_response"


class LeadSource(enum.StrEnum):
    WEB_FORM = "web_form"
    PHONE = "phone"
    EMAIL = "email"
    REFERRAL = "referral"
    BOOKING = "booking"


class CallUrgency(enum.StrEnum):
    NORMAL = "normal"
    URGENT = "urgent"


# Moved to on the lead's page with the two buttons that do more than move it.
_RETAIN_OR_DECLINE = {LeadStatus.RETAINED, LeadStatus.DECLINED}


def _may_work_leads(request: HttpRequest):
    scope = scope_of(request)
    if not services.may_work_leads(scope):
        raise Http404  # as the lead pages: no intake, no leads
    return scope


def _may_take_calls(request: HttpRequest):
    scope = scope_of(request)
    if not reception.may_take_calls(scope):
        raise Http404  # as the reception pages
    return scope


# --- Leads --------------------------------------------------------------------------


class LeadAnswer(Schema):
    question: str
    answer: Any = None


class LeadOut(Schema):
    id: uuid.UUID
    name: str
    email: str
    phone: str = Field(description="E.164, e.g. +13125550142; empty if none.")
    status: LeadStatus
    source: LeadSource
    practice_area: str
    description: str
    adverse_parties: list[str]
    answers: list[LeadAnswer]
    owner: PersonOut | None
    received_at: datetime.datetime
    response_due_at: datetime.datetime | None = Field(
        description="When the first response is due under the firm's agreed "
        "terms; null when no time was agreed."
    )
    first_response_at: datetime.datetime | None = Field(
        description="When the first call, e-mail or text to them was logged: "
        "this stops the first-response clock."
    )
    closed_at: datetime.datetime | None
    close_reason: str
    matter: uuid.UUID | None = Field(description="The matter it became, if any.")
    created_at: datetime.datetime
    updated_at: datetime.datetime

    @staticmethod
    def of(lead: Lead) -> "LeadOut":
        return LeadOut.model_validate(LeadOut.row(lead))

    @staticmethod
    def row(lead: Lead) -> dict:
        """The lead as plain values, in the order of the fields above: what
        ``of`` validates, and what the list sends as it is
        (``api.rendering.page_response``)."""
        return {
            "id": lead.public_id,
            "name": lead.name,
            "email": lead.email,
            "phone": lead.phone,
            "status": lead.status,
            "source": lead.source,
            "practice_area": lead.practice_area,
            "description": lead.description,
            "adverse_parties": [str(p) for p in lead.adverse_parties or []],
            "answers": [
                {"question": str(a.get("question", "")), "answer": a.get("answer")}
                for a in lead.answers or []
                if isinstance(a, dict)
            ],
            "owner": PersonOut.row(lead.owner),
            "received_at": lead.received_at,
            "response_due_at": lead.response_due_at,
            "first_response_at": lead.first_response_at,
            "closed_at": lead.closed_at,
            "close_reason": lead.close_reason,
            "matter": lead.matter.public_id if lead.matter_id else None,
            "created_at": lead.created_at,
            "updated_at": lead.updated_at,
        }


# What LeadOut.of reads of the related rows.
LIST_COLUMNS = list_columns(Lead, *PersonOut.columns("owner"), "matter__public_id")


def _leads(scope):
    return Lead.objects.in_scope(scope).select_related("owner", "matter")


def _lead(scope, lead_id: uuid.UUID, *, for_write: bool = False) -> Lead:
    rows = _leads(scope)
    if for_write:
        # Only the lead's row: its owner and matter may be null (an outer join,
        # which PostgreSQL will not lock).
        rows = rows.select_for_update(of=("self",))
    return access_object(Lead, scope, lead_id, queryset=rows)


class LeadFilters(ListQuery):
    status: LeadStatus | None = None
    source: LeadSource | None = None
    practice_area: str | None = Field(
        None, description="Exactly this practice area (case does not matter)."
    )
    owner: str | None = Field(
        None, description="A person's id, “me”, or “none” for leads no one owns."
    )
    created_after: Instant | None = Field(
        None, description="ISO 8601 with its offset, e.g. 2026-03-01T00:00:00Z."
    )


LEAD_ORDERINGS = {"created": "created_at", "updated": "updated_at"}


@router.get(
    "leads",
    response={200: Page[LeadOut], 404: ErrorOut, 422: ErrorOut},
    summary="List leads",
    description="The firm's leads (prospective clients), newest first by "
    f"default. order: one of {', '.join(LEAD_ORDERINGS)} (prefix “-” to "
    "reverse). For the firm's people and its intake staff; others get 404.",
)
def list_leads(request: HttpRequest, firm_slug: Path[str], filters: Query[LeadFilters]):
    scope = _may_work_leads(request)
    rows = _leads(scope).only(*LIST_COLUMNS)
    if filters.status:
        rows = rows.filter(status=filters.status.value)
    if filters.source:
        rows = rows.filter(source=filters.source.value)
    if filters.practice_area:
        rows = rows.filter(practice_area__iexact=filters.practice_area.strip())
    if filters.owner == "me":
        rows = rows.filter(owner=scope.user)
    elif filters.owner == "none":
        rows = rows.filter(owner__isnull=True)
    elif filters.owner:
        rows = rows.filter(owner__public_id=_uuid(filters.owner, field="owner"))
    if filters.created_after:
        rows = rows.filter(created_at__gt=filters.created_after)
    page = paginate(
        rows,
        filters,
        orderings=LEAD_ORDERINGS,
        default="-created",
        keys_first=True,
    )
    page["items"] = [LeadOut.row(lead) for lead in page["items"]]
    return page_response(request, page)


def _uuid(value: str, *, field: str) -> uuid.UUID:
    try:
        return uuid.UUID(value)
    except ValueError:
        raise Unprocessable(
            f"“{value}” is not a person's id: give the id (a UUID) the API shows "
            "for them, “me” or “none”.",
            fields={field: ["A person's id, “me” or “none”."]},
        ) from None


@router.get(
    "leads/{lead_id}",
    response={200: LeadOut, 404: ErrorOut},
    summary="One lead",
    description="Recorded in the firm's audit trail as opening the lead's page "
    "is. Sends an ETag: pass it as If-Match when you change the lead.",
)
def get_lead(
    request: HttpRequest,
    firm_slug: Path[str],
    lead_id: uuid.UUID,
    response: HttpResponse,
):
    scope = _may_work_leads(request)
    lead = _lead(scope, lead_id)
    out = LeadOut.of(lead)
    audit_read(
        request,
        lead,
        action="intake.lead_viewed",
        summary=f"Opened the lead of {lead.name}",
    )
    response["ETag"] = etag_of(out)
    return out


def _owner(scope, owner_id: uuid.UUID | None):
    if owner_id is None:
        return None
    for user, _label in lead_owner_choices(scope=scope):
        if user.public_id == owner_id:
            return user
    raise Unprocessable(
        "No one of that id works this firm's leads: give the id of someone of "
        "the firm or of its intake team, or leave owner out.",
        fields={"owner": ["Not someone who works this firm's leads."]},
    )


class LeadIn(Schema):
    name: str = Field(description="The prospective client's name.")
    email: str = ""
    phone: str = Field(
        "",
        description="As they gave it; with the area code, or with the country "
        "code. Give an e-mail, a phone or both.",
    )
    description: str = Field("", description="What happened, in their words.")
    adverse_parties: list[str] = Field(
        default_factory=list,
        description="Everyone they name on the other side (at most 10): each is "
        "checked for conflicts.",
    )
    practice_area: str = Field(
        "",
        description="Its qualification checklist comes from the firm's intake "
        "form of the same area.",
    )
    source: LeadSource = LeadSource.WEB_FORM
    answers: list[LeadAnswer] = Field(
        default_factory=list,
        description="Your form's own questions and what they answered, kept on "
        "the lead as asked.",
    )
    owner: uuid.UUID | None = Field(
        None,
        description="Who answers it. Left out, the intake team is told of it, "
        "as of a lead from the firm's own intake form.",
    )


@router.post(
    "leads",
    response={201: LeadOut, 404: ErrorOut, 422: ErrorOut},
    summary="Add a lead",
    description="Push an inquiry from your website's form, a call or an e-mail. "
    "Checked as on the lead entry page; the first-response clock starts now, "
    "the conflict screen runs and the intake team (or owner) is told. Send an "
    "Idempotency-Key (your form submission's id) so a retry never makes a "
    "second lead.",
)
def create_lead(request: HttpRequest, firm_slug: Path[str], lead: LeadIn):
    scope = _may_work_leads(request)
    made = services.lead_create(
        scope=scope,
        actor=scope.user,
        source=lead.source.value,
        practice_area=lead.practice_area.strip(),
        owner=_owner(scope, lead.owner),
        submission=services.Submission(
            name=lead.name,
            email=lead.email,
            phone=lead.phone,
            description=lead.description,
            adverse_parties=tuple(lead.adverse_parties),
            answers=tuple(a.model_dump() for a in lead.answers),
        ),
    )
    return Status(201, LeadOut.of(_lead(scope, made.public_id)))


class LeadChange(Schema):
    status: LeadStatus | None = Field(
        None,
        description="new, contacted, qualified, consultation or no_response. "
        "Retaining and declining are done on the lead's page (they open the "
        "matter or start the letter).",
    )
    reason: str = Field("", description="Why, kept on the lead with the move.")
    owner: uuid.UUID | None = Field(
        None, description="Who answers it; null to give it to no one."
    )


@router.patch(
    "leads/{lead_id}",
    response={200: LeadOut, 404: ErrorOut, 412: ErrorOut, 422: ErrorOut},
    summary="Move or assign a lead",
    description="Move it along the pipeline (status, with an optional reason) "
    "and/or give it to someone (owner; null for no one), as on the lead's page. "
    "Send If-Match with the ETag you read: a lead changed since answers 412 "
    "and nothing changes.",
)
def update_lead(
    request: HttpRequest,
    firm_slug: Path[str],
    lead_id: uuid.UUID,
    change: LeadChange,
    response: HttpResponse,
):
    scope = _may_work_leads(request)
    if change.status in _RETAIN_OR_DECLINE:
        raise Unprocessable(
            "Retain or decline a lead on its page in FirmDesk: retaining opens "
            "the matter, declining starts the non-engagement letter.",
            fields={
                "status": ["new, contacted, qualified, consultation or no_response."]
            },
        )
    with transaction.atomic():
        lead = _lead(scope, lead_id, for_write=True)
        check_if_match(request, etag_of(LeadOut.of(lead)), what="lead")
        if "owner" in change.model_fields_set:
            if not lead.is_open:
                raise Unprocessable(
                    f"This lead is closed ({lead.get_status_display().lower()}): "
                    "only an open lead is given to someone.",
                    fields={"owner": ["The lead is closed."]},
                )
            lead = services.lead_assign(
                scope=scope,
                lead=lead,
                actor=scope.user,
                owner=_owner(scope, change.owner),
            )
        if change.status is not None and change.status.value != lead.status:
            services.lead_set_status(
                scope=scope,
                lead=lead,
                actor=scope.user,
                status=change.status.value,
                reason=change.reason,
            )
    out = LeadOut.of(_lead(scope, lead_id))
    response["ETag"] = etag_of(out)
    return out


# --- Calls ----------------------------------------------------------------------------


class CallOut(Schema):
    id: uuid.UUID
    caller_name: str
    number: str = Field(description="E.164, e.g. +12125550142; empty if none.")
    received_at: datetime.datetime
    matter: uuid.UUID | None
    message: str
    urgency: CallUrgency
    callback_wanted: bool
    taken_by: PersonOut | None
    recipient: PersonOut | None
    acknowledged_at: datetime.datetime | None
    escalated_at: datetime.datetime | None
    escalated_to: PersonOut | None

    @staticmethod
    def of(call: CallLog, scope) -> "CallOut":
        visible = call.matter_id is not None and scope.can_see_matter(call.matter)
        return CallOut(
            id=call.public_id,
            caller_name=call.caller_name,
            number=call.number,
            received_at=call.received_at,
            matter=call.matter.public_id if visible else None,
            message=call.message,
            urgency=CallUrgency(call.urgency),
            callback_wanted=call.callback_wanted,
            taken_by=PersonOut.of(call.taken_by),
            recipient=PersonOut.of(call.recipient),
            acknowledged_at=call.acknowledged_at,
            escalated_at=call.escalated_at,
            escalated_to=PersonOut.of(call.escalated_to),
        )


class CallFilters(ListQuery):
    for_me: bool = Field(
        False,
        description="Only messages for me, or escalated to me: the ones I may "
        "acknowledge.",
    )
    acknowledged: bool | None = None
    urgency: CallUrgency | None = None
    matter: uuid.UUID | None = None
    received_after: Instant | None = Field(
        None, description="ISO 8601 with its offset, e.g. 2026-03-01T09:00:00-05:00."
    )


CALL_ORDERINGS = {"received": "received_at", "created": "created_at"}


@router.get(
    "calls",
    response={200: Page[CallOut], 404: ErrorOut, 422: ErrorOut},
    summary="List phone messages",
    description="Messages reception took, newest first by default. The firm's "
    "people see the firm's messages; reception staff the ones they took. "
    f"order: one of {', '.join(CALL_ORDERINGS)} (prefix “-” to reverse).",
)
def list_calls(request: HttpRequest, firm_slug: Path[str], filters: Query[CallFilters]):
    scope = _may_take_calls(request)
    rows = CallLog.objects.in_scope(scope).select_related(
        "matter", "taken_by", "recipient", "escalated_to"
    )
    if filters.for_me:
        rows = rows.filter(Q(recipient=scope.user) | Q(escalated_to=scope.user))
    if filters.acknowledged is not None:
        rows = rows.filter(acknowledged_at__isnull=not filters.acknowledged)
    if filters.urgency:
        rows = rows.filter(urgency=filters.urgency.value)
    if filters.matter:
        rows = rows.filter(matter__public_id=filters.matter)
    if filters.received_after:
        rows = rows.filter(received_at__gt=filters.received_after)
    page = paginate(
        rows,
        filters,
        orderings=CALL_ORDERINGS,
        default="-received",
    )
    page["items"] = [CallOut.of(call, scope) for call in page["items"]]
    return page


class CallIn(Schema):
    caller_name: str = Field(
        description="Who called (“unknown caller” if they would not say)."
    )
    number: str = Field("", description="As the caller gave it, with the area code.")
    message: str = Field(description="What the caller wants, in their words.")
    matter: uuid.UUID | None = Field(None, description="The matter it is about.")
    recipient: uuid.UUID | None = Field(
        None,
        description="Who it is for (a person of the firm). Left out, it goes to "
        "the matter's responsible attorney.",
    )
    urgency: CallUrgency = CallUrgency.NORMAL
    callback_wanted: bool = True
    received_at: Instant | None = Field(
        None, description="When the call came in; now if left out."
    )


def _recipient(firm, recipient_id: uuid.UUID | None):
    if recipient_id is None:
        return None
    for user, _roles in reception.firm_people(firm):
        if user.public_id == recipient_id:
            return user
    raise Unprocessable(
        "No one of the firm has that id: give the id of a person of the firm, or "
        "leave recipient out to send it to the matter's responsible attorney.",
        fields={"recipient": ["Not a person of the firm."]},
    )


def _call_matter(scope, matter_id: uuid.UUID | None):
    if matter_id is None:
        return None
    try:
        return access_matter(scope, matter_id)
    except Http404:
        raise Unprocessable(
            "That matter is not one this token can see: check its id, or leave "
            "matter out.",
            fields={"matter": ["Not a matter you can see."]},
        ) from None


@router.post(
    "calls",
    response={201: CallOut, 404: ErrorOut, 422: ErrorOut},
    summary="Log a phone message",
    description="As reception does on the call entry page: the recipient is told "
    "at once, and the on-call attorney too when it is urgent. For the firm's "
    "people and its reception staff; others get 404.",
)
def log_call(request: HttpRequest, firm_slug: Path[str], call: CallIn):
    scope = _may_take_calls(request)
    logged = reception.call_log(
        scope=scope,
        actor=scope.user,
        caller_name=call.caller_name,
        number=call.number,
        matter=_call_matter(scope, call.matter),
        message=call.message,
        urgency=call.urgency.value,
        callback_wanted=call.callback_wanted,
        recipient=_recipient(scope.firm, call.recipient),
        received_at=call.received_at,
    )
    return Status(201, CallOut.of(logged, scope))
