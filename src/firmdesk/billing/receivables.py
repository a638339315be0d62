"""Receivables: what clients owe and how late it is (ageing), the follow-up
schedule that turns a late invoice into a reminder task with its letter, and
the collection notes kept on an invoice.

"Days past due" on a day is the number of calendar days from the invoice's due
date to that day, both read as dates in the firm's time zone: an invoice due on
1 March is 0 days past due on 1 March (current), 1 day on 2 March, 30 days on
31 March. An invoice with no due date is taken as due on the day it was issued.
Open invoices are those sent or partly paid; what is owed on one is its total
less what has been paid or credited (``Invoice.balance``).
"""

import datetime
from dataclasses import dataclass, field
from decimal import Decimal

from django.db import IntegrityError, transaction
from django.db.models import Case, Count, DecimalField, Max, Q, Sum, Value, When
from django.db.models.functions import Coalesce
from django.http import Http404
from django.utils import timezone

from firmdesk.access.selectors import access_object
from firmdesk.access.system import job_row, sweep
from firmdesk.audit.services import audit_record
from firmdesk.common.errors import ServiceError

from .models import BILLING, CollectionNote, Invoice, PaymentReminder
from .money import ZERO, money

OPEN = (Invoice.Status.SENT, Invoice.Status.PARTLY_PAID)
NOTE_MAX = 4000


@dataclass(frozen=True)
class Bucket:
    key: str
    label: str
    # Days past due, inclusive; ``None`` is open-ended.
    low: int | None
    high: int | None


BUCKETS = (
    Bucket("current", "Current (not yet due)", None, 0),
    Bucket("d1_30", "1–30 days", 1, 30),
    Bucket("d31_60", "31–60 days", 31, 60),
    Bucket("d61_90", "61–90 days", 61, 90),
    Bucket("over_90", "Over 90 days", 91, None),
)


def days_past_due(due_on: datetime.date, as_of: datetime.date) -> int:
    """Calendar days from ``due_on`` to ``as_of``; zero or less is not late."""
    return (as_of - due_on).days


def bucket_for(days: int) -> Bucket:
    for bucket in BUCKETS:
        if (bucket.low is None or days >= bucket.low) and (
            bucket.high is None or days <= bucket.high
        ):
            return bucket
    raise AssertionError(days)  # the buckets cover every integer


def firm_today(firm, now: datetime.datetime | None = None) -> datetime.date:
    return timezone.localdate(now or timezone.now(), timezone=firm.tz)


def _due_q(bucket: Bucket, as_of: datetime.date) -> Q:
    """The invoices of ``bucket`` on ``as_of``, as a condition on the due date
    (so the database sorts them, not Python): ``days`` past due means due on
    ``as_of - days``. An invoice with neither a due nor an issue date is
    current: nothing says it is late."""
    q = Q()
    if bucket.low is not None:
        q &= Q(due_day__lte=as_of - datetime.timedelta(days=bucket.low))
    if bucket.high is not None:
        q &= Q(due_day__gte=as_of - datetime.timedelta(days=bucket.high))
    if bucket.low is None:
        q |= Q(due_day__isnull=True)
    return q


def open_invoices(scope, *, as_of: datetime.date):
    """The open invoices ``scope`` may see, issued by ``as_of``, with
    ``due_day`` (the due date, else the issue date)."""
    return (
        Invoice.objects.in_scope(scope)
        .filter(status__in=OPEN)
        .filter(Q(issued_on__isnull=True) | Q(issued_on__lte=as_of))
        .annotate(due_day=Coalesce("due_on", "issued_on"))
    )


@dataclass
class AgeingRow:
    """Money owed by bucket for one matter, one client or the whole firm."""

    label: str
    amounts: dict[str, Decimal] = field(
        default_factory=lambda: {b.key: ZERO for b in BUCKETS}
    )
    invoices: int = 0
    matter_public_id: object = None
    matter_number: str = ""
    client_id: int | None = None
    matters: list["AgeingRow"] = field(default_factory=list)

    @property
    def total(self) -> Decimal:
        return sum(self.amounts.values(), ZERO)

    @property
    def cells(self) -> list[Decimal]:
        return [self.amounts[b.key] for b in BUCKETS]

    def add(self, other: "AgeingRow") -> None:
        for key, amount in other.amounts.items():
            self.amounts[key] += amount
        self.invoices += other.invoices


@dataclass
class Ageing:
    as_of: datetime.date
    clients: list[AgeingRow]
    total: AgeingRow
    buckets: tuple[Bucket, ...] = BUCKETS


def _sum_in(bucket: Bucket, as_of: datetime.date, column: str):
    return Coalesce(
        Sum(Case(When(_due_q(bucket, as_of), then=column))),
        Value(ZERO),
        output_field=DecimalField(max_digits=16, decimal_places=2),
    )


def ageing(scope, *, as_of: datetime.date) -> Ageing:
    """What is owed on ``as_of`` by bucket, per matter within each client, with
    the client and firm totals: one query, grouped by the database.

    Balances are today's (total less paid so far), aged as of ``as_of``."""
    sums = {}
    for bucket in BUCKETS:
        sums[f"{bucket.key}_total"] = _sum_in(bucket, as_of, "total")
        sums[f"{bucket.key}_paid"] = _sum_in(bucket, as_of, "paid")
    rows = (
        open_invoices(scope, as_of=as_of)
        .values(
            "client_id",
            "client__name",
            "matter_id",
            "matter__public_id",
            "matter__number",
            "matter__title",
        )
        .annotate(count=Count("pk"), **sums)
        .order_by("client__name", "client_id", "matter__number")
    )
    clients: dict[int | None, AgeingRow] = {}
    total = AgeingRow(label="All clients")
    for row in rows:
        matter = AgeingRow(
            label=f"{row['matter__number']} {row['matter__title']}",
            matter_public_id=row["matter__public_id"],
            matter_number=row["matter__number"],
            invoices=row["count"],
        )
        for bucket in BUCKETS:
            matter.amounts[bucket.key] = money(
                row[f"{bucket.key}_total"] - row[f"{bucket.key}_paid"]
            )
        client = clients.get(row["client_id"])
        if client is None:
            client = clients[row["client_id"]] = AgeingRow(
                label=row["client__name"] or "No client recorded",
                client_id=row["client_id"],
            )
        client.matters.append(matter)
        client.add(matter)
        total.add(matter)
    return Ageing(as_of=as_of, clients=list(clients.values()), total=total)


@dataclass
class OpenInvoice:
    invoice: Invoice
    days_late: int
    bucket: Bucket


def matter_open_invoices(scope, *, as_of: datetime.date, matter_public_id):
    """The drill-down under one matter: its open invoices, oldest due first,
    each with its days past due and bucket."""
    found = open_invoices(scope, as_of=as_of).filter(matter__public_id=matter_public_id)
    out = []
    for invoice in found.order_by("due_day", "number"):
        days = (
            days_past_due(invoice.due_day, as_of) if invoice.due_day is not None else 0
        )
        out.append(OpenInvoice(invoice, days, bucket_for(days)))
    return out


# --- The collection page ---------------------------------------------------------


def may_collect(scope) -> bool:
    """Receivables are billing work: the firm's people, and outside staff whose
    engagement and assignment cover billing."""
    return scope.works_on(BILLING)


def access_invoice_for_collection(scope, public_id) -> Invoice:
    """An invoice of ``scope``'s firm it may work on; 404 otherwise, the same
    for an invoice that does not exist, is not visible, or is still a draft
    (a draft is owed by nobody yet)."""
    if not may_collect(scope):
        raise Http404("No invoice here.")
    sent = (
        Invoice.objects.in_scope(scope)
        .exclude(status__in=[Invoice.Status.DRAFT, Invoice.Status.APPROVED])
        .select_related("matter", "client")
    )
    return access_object(Invoice, scope, public_id, queryset=sent)


def days_late(invoice: Invoice, *, today: datetime.date) -> int:
    """Days past due today, never below zero; zero for an invoice with no
    due or issue date, or one no longer open."""
    due = invoice.due_on or invoice.issued_on
    if due is None or invoice.status not in OPEN:
        return 0
    return max(0, days_past_due(due, today))


def reminders_of(scope, invoice: Invoice):
    return (
        PaymentReminder.objects.in_scope(scope)
        .filter(invoice=invoice)
        .select_related("task", "letter")
        .order_by("days_past_due")
    )


def collection_notes_of(scope, invoice: Invoice):
    """Newest first."""
    return (
        CollectionNote.objects.in_scope(scope)
        .filter(invoice=invoice)
        .select_related("author")
        .order_by("-created_at", "-pk")
    )


def collection_note_add(
    *, scope, invoice: Invoice, text: str, next_step_on: datetime.date | None = None
) -> CollectionNote:
    """Record what was done to collect ``invoice`` and, optionally, the day
    of the next step."""
    if not may_collect(scope) or invoice.firm_id != scope.firm.pk:
        raise ServiceError("Only the firm's billing people can add notes here.")
    text = (text or "").strip()
    if not text:
        raise ServiceError(
            "Write what was done or agreed, for example “Called the client's "
            "accounts payable; payment promised by Friday”.",
            field="text",
        )
    if len(text) > NOTE_MAX:
        raise ServiceError(
            f"Keep the note to {NOTE_MAX} characters; this one has {len(text)}.",
            field="text",
        )
    if next_step_on is not None and next_step_on < firm_today(scope.firm):
        raise ServiceError(
            "The next step date has already passed. Choose today or a later day, "
            "or leave it empty.",
            field="next_step_on",
        )
    with transaction.atomic():
        note = CollectionNote.objects.create(
            firm=scope.firm,
            invoice=invoice,
            author=scope.user,
            text=text,
            next_step_on=next_step_on,
        )
        audit_record(
            org=scope.firm,
            actor=scope.user,
            action="billing.collection_note_added",
            obj=invoice,
            matter=invoice.matter,
            summary=f"Collection note on invoice {invoice.number}",
            detail={
                "note": str(note.public_id),
                "next_step_on": next_step_on.isoformat() if next_step_on else None,
            },
        )
    return note


# --- The follow-up schedule ------------------------------------------------------


def reminder_steps(settings) -> list[int]:
    """The firm's steps (days past due), positive, without repeats, in order."""
    steps = set()
    for value in settings.reminder_days or []:
        try:
            day = int(value)
        except (TypeError, ValueError):
            continue
        if day > 0:
            steps.add(day)
    return sorted(steps)


def step_reached(steps: list[int], days: int) -> int | None:
    """The latest step ``days`` past due has reached, if any."""
    reached = [s for s in steps if s <= days]
    return reached[-1] if reached else None


def firms_with_open_invoices():
    """The firms the daily sweep looks at: only those with something open."""
    return sweep(Invoice).filter(status__in=OPEN).values_list("firm_id", flat=True)


def reminders_due(*, firm, today: datetime.date, steps: list[int]):
    """(invoice id, step) for each open invoice of ``firm`` that has reached a
    step on ``today`` with no reminder for that step or a later one. One query.

    A step skipped (the worker was down, the schedule changed, the invoice was
    entered late) is not made up: the invoice gets one reminder, for the latest
    step it has reached, rather than several tasks at once."""
    if not steps:
        return []
    latest_due = today - datetime.timedelta(days=steps[0])
    rows = (
        sweep(Invoice)
        .filter(firm=firm, status__in=OPEN)
        .annotate(due_day=Coalesce("due_on", "issued_on"))
        .filter(due_day__lte=latest_due)
        .annotate(last_step=Max("reminders__days_past_due"))
        .values_list("pk", "due_day", "last_step")
        .order_by("due_day", "pk")
    )
    due = []
    for pk, due_day, last_step in rows:
        step = step_reached(steps, days_past_due(due_day, today))
        if step is not None and step > (last_step or 0):
            due.append((pk, step))
    return due


def reminder_make(*, invoice_id: int, step: int, today: datetime.date):
    """The reminder for ``step``: a PaymentReminder, its letter as a document
    and a billing task on the invoice's matter with the letter attached, all in
    one transaction. Returns the reminder, or None when there is nothing to do
    (the invoice was paid or voided, or this step or a later one has its
    reminder already: by an earlier run, or a concurrent one)."""
    from .letters import reminder_letter

    with transaction.atomic():
        invoice = job_row(
            Invoice, invoice_id, related=("firm", "matter", "client"), for_update=True
        )
        if invoice is None or invoice.status not in OPEN or invoice.balance <= 0:
            return None
        done = PaymentReminder.objects.for_firm(invoice.firm).filter(
            invoice=invoice, days_past_due__gte=step
        )
        if done.exists():
            return None
        try:
            # The savepoint keeps the transaction usable if a concurrent run
            # made the same step first (the unique constraint refuses it).
            with transaction.atomic():
                reminder = PaymentReminder.objects.create(
                    firm=invoice.firm, invoice=invoice, days_past_due=step
                )
        except IntegrityError:
            return None
        late = days_late(invoice, today=today)
        letter = _store_letter(invoice, reminder_letter(invoice, today=today), step)
        reminder.letter = letter
        reminder.task = _reminder_task(invoice, letter, late)
        reminder.save(update_fields=["letter", "task", "updated_at"])
        audit_record(
            org=invoice.firm,
            actor=None,
            action="billing.payment_reminder_made",
            obj=invoice,
            matter=invoice.matter,
            summary=f"Payment reminder for invoice {invoice.number}, {late} days late",
            detail={"step": step, "task": str(reminder.task.public_id)},
        )
    return reminder


def _store_letter(invoice: Invoice, content: bytes, step: int):
    from django.core.files.uploadedfile import SimpleUploadedFile

    from firmdesk.documents.services import document_upload

    name = f"Payment reminder {invoice.number} ({step} days).docx"
    upload = SimpleUploadedFile(
        name,
        content,
        content_type="application/vnd.openxmlformats-officedocument."
        "wordprocessingml.document",
    )
    return document_upload(
        firm=invoice.firm,
        actor=None,
        uploaded_file=upload,
        title=f"Payment reminder for invoice {invoice.number}",
        matter=invoice.matter,
    )


def _reminder_task(invoice: Invoice, letter, late: int):
    from django.urls import reverse

    from firmdesk.work import services as work

    from .letters import long_date, money_text

    due = money_text(invoice.balance, invoice.currency)
    matter = invoice.matter
    client = invoice.client.name if invoice.client_id else "the client"
    page = reverse(
        "billing:receivables_invoice",
        kwargs={"firm_slug": invoice.firm.slug, "invoice_id": invoice.public_id},
    )
    instructions = (
        f"Invoice {invoice.number} to {client} (matter {matter.number}, "
        f"{matter.title}) was due on {long_date(invoice.due_on or invoice.issued_on)} "
        f"and is {late} days late. {due} is still unpaid of "
        f"{money_text(invoice.total, invoice.currency)}.\n\n"
        "1. Check that no payment has come in that is not recorded yet. If it "
        "has, record it and cancel this task.\n"
        "2. Read the attached reminder letter and correct anything that is "
        "not right.\n"
        "3. Submit the task: the letter is sent only after the attorney's "
        "approval.\n"
        "4. Once sent, add a collection note on the invoice's collection page "
        f"({page}) saying how and when it went out."
    )
    # Billing staff of the engagement take it when the firm has one covering
    # billing; otherwise it waits, unassigned, in the firm's billing queue. A
    # matter whose client has not agreed to outside help stays in-house.
    in_house = bool(
        invoice.firm.require_client_consent and not matter.client_consent_on
    )
    return work._task_create(
        firm=invoice.firm,
        requester=matter.responsible_attorney,
        requester_is_admin=False,
        title=f"Payment reminder: invoice {invoice.number}, {due} due, "
        f"{late} days late",
        function=BILLING,
        instructions=instructions,
        matter=matter,
        in_house=in_house,
        documents=(letter,),
    )
