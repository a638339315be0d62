"""Billing (issue 21): time entries and expenses (list and record), invoices
(list, detail, their LEDES 1998B file and PDF) and an invoice's payments.

Who sees what is billing's rule: the firm's people every row not on a matter
they are screened from; provider staff their own time and expenses and, when
billing is one of their functions, those of the matters they may see.
Invoices and payments are for billing people only (``invoicing.may_bill``),
as on the pages; anyone else gets 404. Writes go through the same services as
the pages, so the same checks and messages apply.

Hours and money are decimal strings with two decimals (``"1.50"``,
``"405.00"``), never floats."""

import datetime
import enum
import uuid
from decimal import Decimal

from django.db import transaction
from django.http import Http404, HttpRequest, HttpResponse
from ninja import Field, Path, Query, Router, Status

from firmdesk.access.selectors import access_object
from firmdesk.billing import invoicing, selectors
from firmdesk.billing import time_entries as services
from firmdesk.billing.ledes import FIELD_HINTS, FIELD_LABELS, ledes_export
from firmdesk.billing.models import Expense, Invoice, InvoiceLine, Payment, TimeEntry
from firmdesk.billing.pdf import invoice_pdf
from firmdesk.matters.models import Contact

from ..errors import ErrorOut, Unprocessable
from ..etags import etag_of
from ..pagination import Instant, ListQuery, Page, paginate
from ..reading import (
    PersonOut,
    audit_read,
    list_columns,
    route_url,
    scope_of,
    token_note,
)
from ..rendering import page_response
from ..schema import Schema

router = Router(tags=["Billing"])

# The days FirmDesk's pages accept: any real matter's, well inside Python's.
EARLIEST_DAY, LATEST_DAY = datetime.date(1900, 1, 1), datetime.date(2199, 12, 31)


def _day(value: datetime.date | None, field: str) -> None:
    if value is not None and not EARLIEST_DAY <= value <= LATEST_DAY:
        raise Unprocessable(
            f"Give a date between {EARLIEST_DAY} and {LATEST_DAY}.",
            fields={field: ["Out of range."]},
        )


class BillingMatter(Schema):
    id: uuid.UUID
    number: str
    title: str

    @staticmethod
    def of(scope, matter) -> "BillingMatter | None":
        # Time reached through a task on a matter the token may not open does
        # not name that matter.
        if matter is None or not scope.can_see_matter(matter):
            return None
        return BillingMatter(
            id=matter.public_id, number=matter.number, title=matter.title
        )

    @staticmethod
    def row(scope, matter) -> dict | None:
        """``of`` as plain values (``api.rendering.page_response``)."""
        if matter is None or not scope.can_see_matter(matter):
            return None
        return {"id": matter.public_id, "number": matter.number, "title": matter.title}


class EntryStatus(enum.StrEnum):
    """Where a time entry or an expense is on its way to a bill: draft, then
    submitted for the pre-bill review, reviewed (approved there: ready to
    bill), billed (on an invoice)."""

    DRAFT = "draft"
    SUBMITTED = "submitted"
    REVIEWED = "reviewed"
    BILLED = "billed"


class EntryStatusFilter(enum.StrEnum):
    """An ``EntryStatus``, or ``approved``: the same as ``reviewed`` (the
    pre-bill review approved it), the status a billing system pulls."""

    DRAFT = "draft"
    SUBMITTED = "submitted"
    APPROVED = "approved"
    REVIEWED = "reviewed"
    BILLED = "billed"


def _status_value(status: EntryStatusFilter) -> str:
    if status == EntryStatusFilter.APPROVED:
        return TimeEntry.Status.REVIEWED
    return status.value


def _person(scope, value: str | None):
    """``person=me`` or a person's id → a filter on the row's person field."""
    if value is None:
        return None
    if value.strip().lower() == "me":
        return {"public_id": scope.user.public_id}
    try:
        return {"public_id": uuid.UUID(value)}
    except ValueError:
        raise Unprocessable(
            "Give “me” or a person's id for person.",
            fields={"person": ["“me” or a person's id."]},
        ) from None


def _matter_for_entry(scope, matter_id: uuid.UUID):
    """A matter named in the body, among the open ones the token may record
    time and expenses on (the page's list)."""
    matter = selectors.matters_for_time(scope).filter(public_id=matter_id).first()
    if matter is None:
        raise Unprocessable(
            "No open matter with that id that this token may record time or "
            "expenses on: give the id of one of the firm's matters you can open.",
            fields={"matter": ["Unknown or closed matter."]},
        )
    return matter


# --- Time entries ------------------------------------------------------------


class TimeEntryOut(Schema):
    id: uuid.UUID
    date: datetime.date
    hours: Decimal
    minutes: int | None
    timekeeper: PersonOut | None
    matter: BillingMatter | None
    narrative: str
    task_code: str
    activity_code: str
    billable: bool
    outside_staff: bool
    status: EntryStatus
    written_off: bool
    rate: Decimal | None = Field(
        description="Per hour; only for tokens of people who do the firm's billing."
    )
    amount: Decimal | None = Field(
        description="What the client is billed for it (hours × rate + adjustment; "
        "0 when not billable or written off); billing people only."
    )
    source: str
    created_at: datetime.datetime
    updated_at: datetime.datetime

    @staticmethod
    def of(scope, entry: TimeEntry) -> "TimeEntryOut":
        billing = selectors.may_bill(scope)
        return TimeEntryOut(
            id=entry.public_id,
            date=entry.date,
            hours=entry.hours,
            minutes=entry.minutes,
            timekeeper=PersonOut.of(entry.timekeeper),
            matter=BillingMatter.of(scope, entry.matter),
            narrative=entry.narrative,
            task_code=entry.task_code,
            activity_code=entry.activity_code,
            billable=entry.billable,
            outside_staff=entry.outside_staff,
            status=EntryStatus(entry.status),
            written_off=entry.written_off,
            rate=entry.rate if billing else None,
            amount=entry.amount if billing else None,
            source=entry.source,
            created_at=entry.created_at,
            updated_at=entry.updated_at,
        )


class TimeEntryFilters(ListQuery):
    matter: uuid.UUID | None = None
    person: str | None = Field(None, description="A person's id, or “me”.")
    status: EntryStatusFilter | None = None
    worked_after: datetime.date | None = Field(None, description="On or after.")
    worked_before: datetime.date | None = Field(None, description="On or before.")
    updated_after: Instant | None = None


TIME_ORDERINGS = {"worked": "date", "created": "created_at", "updated": "updated_at"}


@router.get(
    "time-entries",
    response={200: Page[TimeEntryOut], 422: ErrorOut},
    summary="List time entries",
    description="The time this token may see: a person's own, and everyone's "
    "for the firm's billing people. Running timers are left out until stopped. "
    "Filters: matter, person (an id or “me”), status (draft, submitted, "
    "approved = reviewed, billed), worked_after / worked_before (days, "
    "inclusive), updated_after. To pull approved time into a billing system: "
    "status=approved&updated_after=<your last pull>&order=updated. "
    f"order: one of {', '.join(TIME_ORDERINGS)} (prefix “-” to reverse); "
    "newest day first by default.",
)
def list_time_entries(
    request: HttpRequest, firm_slug: Path[str], filters: Query[TimeEntryFilters]
):
    scope = scope_of(request)
    rows = (
        TimeEntry.objects.in_scope(scope)
        .filter(timer_started_at__isnull=True)
        .select_related("matter", "timekeeper")
    )
    if filters.matter:
        rows = rows.filter(matter__public_id=filters.matter)
    person = _person(scope, filters.person)
    if person:
        rows = rows.filter(**{f"timekeeper__{k}": v for k, v in person.items()})
    if filters.status:
        rows = rows.filter(status=_status_value(filters.status))
    if filters.worked_after:
        rows = rows.filter(date__gte=filters.worked_after)
    if filters.worked_before:
        rows = rows.filter(date__lte=filters.worked_before)
    if filters.updated_after:
        rows = rows.filter(updated_at__gt=filters.updated_after)
    page = paginate(
        rows,
        filters,
        orderings=TIME_ORDERINGS,
        default="-worked",
    )
    page["items"] = [TimeEntryOut.of(scope, e) for e in page["items"]]
    return page


class TimeEntryIn(Schema):
    matter: uuid.UUID
    date: datetime.date
    hours: Decimal = Field(description="Hours worked, e.g. 1.5; at most 24.")
    narrative: str = ""
    task_code: str = Field("", description="UTBMS task code, e.g. L120.")
    activity_code: str = Field("", description="UTBMS activity code, e.g. A103.")
    billable: bool | None = Field(
        None, description="false: no charge. Empty: as the firm's terms say."
    )
    rate: Decimal | None = Field(
        None,
        ge=0,
        max_digits=14,
        decimal_places=2,
        description="Billing people only; empty: the firm's rate.",
    )
    submit: bool = Field(
        False, description="true: submit it for the pre-bill review at once."
    )


@router.post(
    "time-entries",
    response={201: TimeEntryOut, 422: ErrorOut},
    summary="Record time",
    description="A time entry of the token's own person, as on the time page: "
    "the firm's rate for them on the matter, UTBMS codes checked against the "
    "code sets, a draft unless submit is true (then the client's rules, such "
    "as codes on every entry, are checked and nothing is saved if they fail).",
)
def create_time_entry(request: HttpRequest, firm_slug: Path[str], payload: TimeEntryIn):
    scope = scope_of(request)
    _day(payload.date, "date")
    matter = _matter_for_entry(scope, payload.matter)
    fields = services.EntryFields(
        date=payload.date,
        hours=payload.hours,
        matter=matter,
        narrative=payload.narrative,
        task_code=payload.task_code.strip().upper(),
        activity_code=payload.activity_code.strip().upper(),
        billable=payload.billable,
        rate=payload.rate,
    )
    with transaction.atomic():
        entry = services.time_entry_create(scope=scope, fields=fields)
        if payload.submit:
            entry = services.time_entry_submit(scope=scope, entry=entry)
    entry = selectors.access_time_entry(scope, entry.public_id)
    return Status(201, TimeEntryOut.of(scope, entry))


# --- Expenses ----------------------------------------------------------------


class ExpenseOut(Schema):
    id: uuid.UUID
    date: datetime.date
    matter: BillingMatter | None
    incurred_by: PersonOut | None
    expense_code: str
    description: str
    quantity: Decimal
    unit_cost: Decimal
    adjustment: Decimal
    amount: Decimal
    billable: bool
    status: EntryStatus
    written_off: bool
    receipt: uuid.UUID | None = Field(
        description="The receipt's document id (GET documents/{id}), if any."
    )
    created_at: datetime.datetime
    updated_at: datetime.datetime

    @staticmethod
    def of(scope, expense: Expense) -> "ExpenseOut":
        receipt = expense.receipt
        return ExpenseOut(
            id=expense.public_id,
            date=expense.date,
            matter=BillingMatter.of(scope, expense.matter),
            incurred_by=PersonOut.of(expense.incurred_by),
            expense_code=expense.expense_code,
            description=expense.description,
            quantity=expense.quantity,
            unit_cost=expense.unit_cost,
            adjustment=expense.adjustment,
            amount=expense.amount,
            billable=expense.billable,
            status=EntryStatus(expense.status),
            written_off=expense.written_off,
            receipt=receipt.public_id if receipt else None,
            created_at=expense.created_at,
            updated_at=expense.updated_at,
        )


class ExpenseFilters(ListQuery):
    matter: uuid.UUID | None = None
    person: str | None = Field(None, description="Who incurred it: an id or “me”.")
    status: EntryStatusFilter | None = None
    incurred_after: datetime.date | None = Field(None, description="On or after.")
    incurred_before: datetime.date | None = Field(None, description="On or before.")
    updated_after: Instant | None = None


EXPENSE_ORDERINGS = {
    "incurred": "date",
    "created": "created_at",
    "updated": "updated_at",
}


@router.get(
    "expenses",
    response={200: Page[ExpenseOut], 422: ErrorOut},
    summary="List expenses",
    description="The expenses this token may see: a person's own, and "
    "everyone's for the firm's billing people. Filters: matter, person (an id "
    "or “me”), status (as for time), incurred_after / incurred_before "
    "(inclusive), updated_after. "
    f"order: one of {', '.join(EXPENSE_ORDERINGS)} (prefix “-” to reverse).",
)
def list_expenses(
    request: HttpRequest, firm_slug: Path[str], filters: Query[ExpenseFilters]
):
    scope = scope_of(request)
    rows = Expense.objects.in_scope(scope).select_related(
        "matter", "incurred_by", "receipt"
    )
    if filters.matter:
        rows = rows.filter(matter__public_id=filters.matter)
    person = _person(scope, filters.person)
    if person:
        rows = rows.filter(**{f"incurred_by__{k}": v for k, v in person.items()})
    if filters.status:
        rows = rows.filter(status=_status_value(filters.status))
    if filters.incurred_after:
        rows = rows.filter(date__gte=filters.incurred_after)
    if filters.incurred_before:
        rows = rows.filter(date__lte=filters.incurred_before)
    if filters.updated_after:
        rows = rows.filter(updated_at__gt=filters.updated_after)
    page = paginate(
        rows,
        filters,
        orderings=EXPENSE_ORDERINGS,
        default="-incurred",
    )
    page["items"] = [ExpenseOut.of(scope, e) for e in page["items"]]
    return page


class ExpenseIn(Schema):
    matter: uuid.UUID
    date: datetime.date
    description: str
    # The columns' sizes: larger numbers are typing mistakes, told as such.
    quantity: Decimal = Field(Decimal("1"), gt=0, max_digits=10, decimal_places=2)
    unit_cost: Decimal = Field(
        ge=0, max_digits=14, decimal_places=2, description="Per unit, e.g. 405.00."
    )
    expense_code: str = Field("", description="UTBMS expense code, e.g. E112.")
    billable: bool = True
    submit: bool = Field(
        False, description="true: submit it for the pre-bill review at once."
    )


@router.post(
    "expenses",
    response={201: ExpenseOut, 422: ErrorOut},
    summary="Record an expense",
    description="An expense of the token's own person on a matter, as on the "
    "expenses page (a receipt is added there, or uploaded as a document on "
    "the matter). A draft unless submit is true.",
)
def create_expense(request: HttpRequest, firm_slug: Path[str], payload: ExpenseIn):
    scope = scope_of(request)
    _day(payload.date, "date")
    matter = _matter_for_entry(scope, payload.matter)
    fields = services.ExpenseFields(
        date=payload.date,
        matter=matter,
        description=payload.description,
        quantity=payload.quantity,
        unit_cost=payload.unit_cost,
        expense_code=payload.expense_code.strip().upper(),
        billable=payload.billable,
    )
    with transaction.atomic():
        expense = services.expense_create(scope=scope, fields=fields)
        if payload.submit:
            expense = services.expense_submit(scope=scope, expense=expense)
    expense = selectors.access_expense(scope, expense.public_id)
    return Status(201, ExpenseOut.of(scope, expense))


# --- Invoices ------------------------------------------------------------------


class InvoiceStatus(enum.StrEnum):
    DRAFT = "draft"
    APPROVED = "approved"
    SENT = "sent"
    PARTLY_PAID = "partly_paid"
    PAID = "paid"
    VOID = "void"


class InvoiceClient(Schema):
    id: uuid.UUID
    name: str


class InvoiceOut(Schema):
    id: uuid.UUID
    number: str
    status: InvoiceStatus
    matter: BillingMatter | None
    client: InvoiceClient | None
    period_start: datetime.date
    period_end: datetime.date
    issued_on: datetime.date | None
    due_on: datetime.date | None
    description: str
    currency: str
    total: Decimal
    paid: Decimal
    balance: Decimal
    approved_at: datetime.datetime | None
    sent_at: datetime.datetime | None
    created_at: datetime.datetime
    updated_at: datetime.datetime
    pdf_url: str
    ledes_url: str

    @staticmethod
    def fields_of(scope, invoice: Invoice) -> dict:
        """The invoice as plain values, in the order of the fields above: what
        ``of`` (and ``InvoiceDetailOut.of``) validates, and what the list
        sends as it is (``api.rendering.page_response``)."""
        client = invoice.client
        slug, invoice_id = invoice.firm.slug, invoice.public_id
        return {
            "id": invoice.public_id,
            "number": invoice.number,
            "status": invoice.status,
            "matter": BillingMatter.row(scope, invoice.matter),
            "client": {"id": client.public_id, "name": client.name} if client else None,
            "period_start": invoice.period_start,
            "period_end": invoice.period_end,
            "issued_on": invoice.issued_on,
            "due_on": invoice.due_on,
            "description": invoice.description,
            "currency": invoice.currency,
            "total": invoice.total,
            "paid": invoice.paid,
            "balance": invoice.balance,
            "approved_at": invoice.approved_at,
            "sent_at": invoice.sent_at,
            "created_at": invoice.created_at,
            "updated_at": invoice.updated_at,
            "pdf_url": route_url("api:get_invoice_pdf", slug, invoice_id=invoice_id),
            "ledes_url": route_url(
                "api:get_invoice_ledes", slug, invoice_id=invoice_id
            ),
        }

    @staticmethod
    def of(scope, invoice: Invoice) -> "InvoiceOut":
        return InvoiceOut.model_validate(InvoiceOut.fields_of(scope, invoice))


class InvoiceLineOut(Schema):
    position: int
    kind: str = Field(
        description="F fee, E expense, IF adjustment to fees, IE to expenses "
        "(LEDES 1998B's EXP/FEE/INV_ADJ_TYPE)."
    )
    date: datetime.date
    timekeeper_name: str
    timekeeper_classification: str
    task_code: str
    activity_code: str
    expense_code: str
    description: str
    units: Decimal
    unit_cost: Decimal
    adjustment: Decimal
    total: Decimal

    @staticmethod
    def of(line: InvoiceLine) -> "InvoiceLineOut":
        return InvoiceLineOut(
            position=line.position,
            kind=line.kind,
            date=line.date,
            timekeeper_name=line.timekeeper_name,
            timekeeper_classification=line.timekeeper_classification,
            task_code=line.task_code,
            activity_code=line.activity_code,
            expense_code=line.expense_code,
            description=line.description,
            units=line.units,
            unit_cost=line.unit_cost,
            adjustment=line.adjustment,
            total=line.total,
        )


class InvoiceDetailOut(InvoiceOut):
    lines: list[InvoiceLineOut]

    @staticmethod
    def of(scope, invoice: Invoice) -> "InvoiceDetailOut":
        lines = InvoiceLine.objects.in_scope(scope).filter(invoice=invoice)
        return InvoiceDetailOut(
            **InvoiceOut.fields_of(scope, invoice),
            lines=[InvoiceLineOut.of(line) for line in lines.order_by("position")],
        )


def _billing_scope(request: HttpRequest):
    """Invoices are for the firm's billing people, as their pages are."""
    scope = scope_of(request)
    if not invoicing.may_bill(scope):
        raise Http404
    return scope


# What InvoiceOut.fields_of reads of the related rows (Scope.can_see_matter
# included).
INVOICE_LIST_COLUMNS = list_columns(
    Invoice,
    "firm__slug",
    "matter__public_id",
    "matter__number",
    "matter__title",
    "matter__firm_id",
    "matter__client_consent_on",
    "client__public_id",
    "client__name",
)


def _invoices(scope):
    return Invoice.objects.in_scope(scope).select_related("firm", "matter", "client")


def _invoice(scope, invoice_id) -> Invoice:
    return access_object(Invoice, scope, invoice_id, queryset=_invoices(scope))


class InvoiceFilters(ListQuery):
    status: InvoiceStatus | None = None
    matter: uuid.UUID | None = None
    client: uuid.UUID | None = None
    issued_after: datetime.date | None = Field(None, description="On or after.")
    issued_before: datetime.date | None = Field(None, description="On or before.")
    updated_after: Instant | None = None


INVOICE_ORDERINGS = {
    "number": "number",
    "created": "created_at",
    "updated": "updated_at",
}


@router.get(
    "invoices",
    response={200: Page[InvoiceOut], 404: ErrorOut, 422: ErrorOut},
    summary="List invoices",
    description="For the firm's billing people (others get 404, as on the "
    "pages). Filters: status, matter, client (the contact's id), issued_after "
    "/ issued_before (inclusive), updated_after. "
    f"order: one of {', '.join(INVOICE_ORDERINGS)} (prefix “-” to reverse); "
    "newest first by default.",
)
def list_invoices(
    request: HttpRequest, firm_slug: Path[str], filters: Query[InvoiceFilters]
):
    scope = _billing_scope(request)
    rows = _invoices(scope).only(*INVOICE_LIST_COLUMNS)
    if filters.status:
        rows = rows.filter(status=filters.status.value)
    if filters.matter:
        rows = rows.filter(matter__public_id=filters.matter)
    if filters.client:
        clients = Contact.objects.in_scope(scope).filter(public_id=filters.client)
        rows = rows.filter(client__in=clients)
    if filters.issued_after:
        rows = rows.filter(issued_on__gte=filters.issued_after)
    if filters.issued_before:
        rows = rows.filter(issued_on__lte=filters.issued_before)
    if filters.updated_after:
        rows = rows.filter(updated_at__gt=filters.updated_after)
    page = paginate(
        rows,
        filters,
        orderings=INVOICE_ORDERINGS,
        default="-created",
    )
    page["items"] = [InvoiceOut.fields_of(scope, i) for i in page["items"]]
    return page_response(request, page)


@router.get(
    "invoices/{invoice_id}",
    response={200: InvoiceDetailOut, 404: ErrorOut},
    summary="One invoice, with its lines",
    description="Reading it is recorded in the firm's audit trail, as opening "
    "its page is. Sends an ETag.",
)
def get_invoice(
    request: HttpRequest,
    firm_slug: Path[str],
    invoice_id: uuid.UUID,
    response: HttpResponse,
):
    scope = _billing_scope(request)
    invoice = _invoice(scope, invoice_id)
    out = InvoiceDetailOut.of(scope, invoice)
    audit_read(
        request,
        invoice,
        action="invoice.viewed",
        matter=invoice.matter,
        summary=f"Opened invoice {invoice.number} through the API",
    )
    response["ETag"] = etag_of(out)
    return out


def _file_response(content_type: str) -> dict:
    return {
        "responses": {
            200: {
                "description": "The file itself, with its name in Content-Disposition.",
                "content": {content_type: {"schema": {"type": "string"}}},
            }
        }
    }


@router.get(
    "invoices/{invoice_id}/ledes",
    response={404: ErrorOut, 422: ErrorOut},
    summary="The invoice as LEDES 1998B",
    description="The same file as the invoice page's LEDES export (plain "
    "ASCII text, “|”-separated, “[]” at the end of each line), checked by "
    "the validator first and recorded in the firm's audit trail. An invoice "
    "the validator refuses answers 422: “fields” names each LEDES field to "
    "correct, with the line and what to do.",
    openapi_extra=_file_response("text/plain"),
)
def get_invoice_ledes(
    request: HttpRequest, firm_slug: Path[str], invoice_id: uuid.UUID
):
    scope = _billing_scope(request)
    invoice = _invoice(scope, invoice_id)
    result = ledes_export(
        firm=scope.firm,
        invoices=[invoice],
        actor=scope.user,
        where="the API" + token_note(request),
    )
    if result.refused:
        raise Unprocessable(result.refused)
    if result.problems:
        fields: dict[str, list[str]] = {}
        for problem in result.problems:
            hint = FIELD_HINTS.get(problem.field, "")
            text = f"Line {problem.line}: {problem.message}" + (
                f" {hint}" if hint else ""
            )
            fields.setdefault(problem.field or "invoice", []).append(text)
        named = ", ".join(FIELD_LABELS.get(k, k) for k in fields)
        raise Unprocessable(
            f"Invoice {invoice.number} cannot be given out as LEDES 1998B yet: "
            f"an e-billing system would reject it. Correct {named} (see fields), "
            "then ask again.",
            fields=fields,
        )
    response = HttpResponse(result.text, content_type="text/plain; charset=us-ascii")
    safe = "".join(ch if ch.isalnum() or ch in "-_" else "-" for ch in invoice.number)
    response["Content-Disposition"] = f'attachment; filename="LEDES-{safe}.ledes.txt"'
    return response


@router.get(
    "invoices/{invoice_id}/pdf",
    response={404: ErrorOut},
    summary="The invoice as PDF",
    description="The same PDF as the invoice page's, recorded in the firm's "
    "audit trail as a download.",
    openapi_extra=_file_response("application/pdf"),
)
def get_invoice_pdf(request: HttpRequest, firm_slug: Path[str], invoice_id: uuid.UUID):
    scope = _billing_scope(request)
    invoice = _invoice(scope, invoice_id)
    pdf = invoice_pdf(invoice)
    audit_read(
        request,
        invoice,
        action="invoice.pdf_downloaded",
        matter=invoice.matter,
        summary=f"Downloaded the PDF of invoice {invoice.number} through the API",
    )
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = (
        f'attachment; filename="Invoice {invoice.number}.pdf"'
    )
    return response


# --- Payments ------------------------------------------------------------------


class PaymentKind(enum.StrEnum):
    PAYMENT = "payment"
    CREDIT = "credit"


class PaymentOut(Schema):
    id: uuid.UUID
    kind: PaymentKind
    received_on: datetime.date
    amount: Decimal
    method: str
    reference: str
    note: str
    recorded_by: PersonOut | None
    created_at: datetime.datetime

    @staticmethod
    def of(payment: Payment) -> "PaymentOut":
        return PaymentOut(
            id=payment.public_id,
            kind=PaymentKind(payment.kind),
            received_on=payment.received_on,
            amount=payment.amount,
            method=payment.method,
            reference=payment.reference,
            note=payment.note,
            recorded_by=PersonOut.of(payment.recorded_by),
            created_at=payment.created_at,
        )


class PaymentFilters(ListQuery):
    """Only the order, cursor and limit every list takes."""


PAYMENT_ORDERINGS = {"received": "received_on", "created": "created_at"}


@router.get(
    "invoices/{invoice_id}/payments",
    response={200: Page[PaymentOut], 404: ErrorOut, 422: ErrorOut},
    summary="List an invoice's payments",
    description="Payments received and credits given on the invoice, in the "
    f"order they were received. order: one of {', '.join(PAYMENT_ORDERINGS)}.",
)
def list_invoice_payments(
    request: HttpRequest,
    firm_slug: Path[str],
    invoice_id: uuid.UUID,
    filters: Query[PaymentFilters],
):
    scope = _billing_scope(request)
    invoice = _invoice(scope, invoice_id)
    rows = (
        Payment.objects.in_scope(scope)
        .filter(invoice=invoice)
        .select_related("recorded_by")
    )
    page = paginate(
        rows,
        filters,
        orderings=PAYMENT_ORDERINGS,
        default="received",
    )
    page["items"] = [PaymentOut.of(p) for p in page["items"]]
    return page


class PaymentIn(Schema):
    kind: PaymentKind = PaymentKind.PAYMENT
    amount: Decimal = Field(description="Above 0, at most the balance; e.g. 1250.00.")
    received_on: datetime.date
    method: str = Field("", max_length=40, description="Check, wire, card…")
    reference: str = Field("", max_length=80, description="A check number…")
    note: str = ""


@router.post(
    "invoices/{invoice_id}/payments",
    response={201: PaymentOut, 404: ErrorOut, 422: ErrorOut},
    summary="Record a payment or a credit",
    description="On an invoice that was sent and is not fully paid, never more "
    "than its balance; the invoice becomes partly paid or paid. For the firm's "
    "billing people, as on the invoice page.",
)
def create_invoice_payment(
    request: HttpRequest,
    firm_slug: Path[str],
    invoice_id: uuid.UUID,
    payload: PaymentIn,
):
    scope = _billing_scope(request)
    _day(payload.received_on, "received_on")
    invoice = _invoice(scope, invoice_id)
    payment = invoicing.payment_record(
        scope=scope,
        invoice=invoice,
        kind=payload.kind.value,
        amount=payload.amount,
        received_on=payload.received_on,
        method=payload.method,
        reference=payload.reference,
        note=payload.note,
    )
    return Status(201, PaymentOut.of(payment))
