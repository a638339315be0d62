"""Invoices: built from reviewed time and expenses, adjusted while a draft,
approved by an attorney, sent, paid or credited, or voided.

Every change is one transaction with its audit event. An invoice's ``total``
is always the sum of its lines (``_recompute_total``, the one place it is
set), and every line's total is units × unit cost rounded to the cent plus its
adjustment (``billing.money.line_amount``), as LEDES 1998B has it.

Numbers come from the firm's sequence (``BillingSettings.invoice_prefix`` and
``next_invoice_number``), taken with the settings row locked, so two builds
never share a number and a firm's builds happen one at a time.
"""

import datetime
from collections import defaultdict
from decimal import Decimal, InvalidOperation

from django.db import transaction
from django.db.models import (
    DecimalField,
    Exists,
    Max,
    OuterRef,
    Q,
    Subquery,
    Sum,
    Value,
)
from django.db.models.functions import Coalesce
from django.utils import timezone

from firmdesk.access.system import through_scoped
from firmdesk.audit.services import audit_record
from firmdesk.common.errors import ServiceError
from firmdesk.common.times import zone_named
from firmdesk.matters.models import Matter, MatterParty
from firmdesk.notify.hooks import publish

from .models import (
    BillingSettings,
    Expense,
    Invoice,
    InvoiceLine,
    Payment,
    TimeEntry,
    Timekeeper,
)
from .money import ZERO, line_amount, money
from .rates import billing_settings

BILLING = "billing"
Kind = InvoiceLine.Kind
IS = Invoice.Status
# ABA Formal Opinion 08-451: the client is told when outside staff did the work.
OUTSIDE_STAFF_NOTE = "Work by outside staff"
# Statuses whose lines still hold their time and expenses (a void one lets go).
LIVE = [IS.DRAFT, IS.APPROVED, IS.SENT, IS.PARTLY_PAID, IS.PAID]
HUNDRED = Decimal(100)
# Lines per INSERT in the bulk builder: well under SQLite's variable limit.
BATCH = 500


# --- Who may do what ----------------------------------------------------------


def may_bill(scope) -> bool:
    """Build, adjust, send and record payments: the firm's people, and outside
    staff whose engagement and assignment cover billing."""
    return scope.works_on(BILLING)


def may_approve(scope) -> bool:
    """Approve an invoice (and void one that left the draft): the firm's
    attorneys and admins, never outside staff."""
    return scope.is_firm_member and scope.has_role("attorney", "firm_admin")


def _require(allowed: bool, message: str) -> None:
    if not allowed:
        raise ServiceError(message)


def firm_today(firm) -> datetime.date:
    return timezone.now().astimezone(zone_named(firm.time_zone)).date()


# --- What is ready to bill ----------------------------------------------------


def _not_on_live_invoice(field: str) -> Q:
    on_line = through_scoped(InvoiceLine).filter(
        **{field: OuterRef("pk")}, invoice__status__in=LIVE
    )
    return ~Q(Exists(on_line))


def ready_time(queryset, *, period_start, period_end):
    """Reviewed, billable, not written off, dated in the period and on no
    invoice that still stands."""
    return queryset.filter(
        status=TimeEntry.Status.REVIEWED,
        billable=True,
        written_off=False,
        matter__isnull=False,
        date__gte=period_start,
        date__lte=period_end,
    ).filter(_not_on_live_invoice("time_entry"))


def ready_expenses(queryset, *, period_start, period_end):
    return queryset.filter(
        status=Expense.Status.REVIEWED,
        billable=True,
        written_off=False,
        date__gte=period_start,
        date__lte=period_end,
    ).filter(_not_on_live_invoice("expense"))


# --- Building -----------------------------------------------------------------


def _check_period(period_start, period_end) -> None:
    if period_start is None or period_end is None:
        raise ServiceError("Give the first and the last day of the period.")
    if period_end < period_start:
        raise ServiceError(
            "The period ends before it starts: check the two dates.",
            field="period_end",
        )


def _keeper_name(full_name: str) -> str:
    """ "Last, First" as LEDES and invoices show a timekeeper."""
    parts = (full_name or "").split()
    if len(parts) < 2:
        return full_name or ""
    return f"{parts[-1]}, {' '.join(parts[:-1])}"


def _fee_description(narrative: str, outside: bool) -> str:
    narrative = (narrative or "").strip()
    if not outside:
        return narrative
    return f"{OUTSIDE_STAFF_NOTE}: {narrative}" if narrative else OUTSIDE_STAFF_NOTE


def take_numbers(firm, count: int) -> list[str]:
    """``count`` invoice numbers from the firm's sequence, which moves past
    them. A number some invoice already has is skipped (the sequence was set
    back, or an old system's numbers were brought in), so a build never fails
    on it. The caller holds the lock (``lock_settings``) for its transaction."""
    settings = BillingSettings.objects.for_firm(firm).select_for_update().get()
    prefix, n = settings.invoice_prefix, settings.next_invoice_number
    numbers: list[str] = []
    while len(numbers) < count:
        wanted = [f"{prefix}{i}" for i in range(n, n + count - len(numbers))]
        used = set(
            Invoice.objects.for_firm(firm)
            .filter(number__in=wanted)
            .values_list("number", flat=True)
        )
        numbers += [number for number in wanted if number not in used]
        n += len(wanted)
    settings.next_invoice_number = n
    settings.save(update_fields=["next_invoice_number", "updated_at"])
    return numbers


def lock_settings(firm) -> BillingSettings:
    billing_settings(firm)  # made with the defaults on first use
    return BillingSettings.objects.for_firm(firm).select_for_update().get()


def matter_clients(firm, matter_ids) -> dict[int, int]:
    """Each matter's client (its first client party)."""
    found: dict[int, int] = {}
    rows = (
        MatterParty.objects.for_firm(firm)
        .filter(matter_id__in=matter_ids, role=MatterParty.Role.CLIENT)
        .order_by("created_at")
        .values_list("matter_id", "contact_id")
    )
    for matter_id, contact_id in rows:
        found.setdefault(matter_id, contact_id)
    return found


TIME_FIELDS = (
    "pk",
    "matter_id",
    "date",
    "timekeeper_id",
    "timekeeper__full_name",
    "hours",
    "rate",
    "adjustment",
    "task_code",
    "activity_code",
    "narrative",
    "outside_staff",
)
EXPENSE_FIELDS = (
    "pk",
    "matter_id",
    "date",
    "expense_code",
    "description",
    "quantity",
    "unit_cost",
    "adjustment",
)


def fee_line(firm, row: dict, keepers: dict) -> InvoiceLine:
    keeper = keepers.get(row["timekeeper_id"])
    outside = row["outside_staff"] or bool(keeper and keeper.outside_staff)
    return InvoiceLine(
        firm=firm,
        kind=Kind.FEE,
        date=row["date"],
        time_entry_id=row["pk"],
        timekeeper_code=keeper.code if keeper else "",
        timekeeper_name=_keeper_name(row["timekeeper__full_name"]),
        timekeeper_classification=keeper.classification if keeper else "",
        outside_staff=outside,
        task_code=row["task_code"],
        activity_code=row["activity_code"],
        description=_fee_description(row["narrative"], outside),
        units=row["hours"],
        unit_cost=row["rate"],
        adjustment=row["adjustment"],
        total=line_amount(row["hours"], row["rate"], row["adjustment"]),
    )


def expense_line(firm, row: dict) -> InvoiceLine:
    return InvoiceLine(
        firm=firm,
        kind=Kind.EXPENSE,
        date=row["date"],
        expense_id=row["pk"],
        expense_code=row["expense_code"],
        description=row["description"],
        units=row["quantity"],
        unit_cost=row["unit_cost"],
        adjustment=row["adjustment"],
        total=line_amount(row["quantity"], row["unit_cost"], row["adjustment"]),
    )


def _sum_lines_into_totals(invoices_qs) -> None:
    """Each invoice's total set to the sum of its lines, in the database.

    PostgreSQL sums ``numeric`` exactly. SQLite keeps decimals as 8-byte
    floats and sums them so; with 15 significant digits the error stays far
    below half a cent for any real invoice, and Django reads the column back
    rounded to the cent (the bench and the property test check the totals)."""
    line_sum = (
        through_scoped(InvoiceLine)
        .filter(invoice=OuterRef("pk"))
        .order_by()
        .values("invoice")
        .annotate(s=Sum("total"))
        .values("s")
    )
    invoices_qs.update(
        total=Coalesce(
            Subquery(line_sum, output_field=DecimalField(max_digits=14)),
            Value(ZERO),
            output_field=DecimalField(max_digits=14, decimal_places=2),
        )
    )


def _build(
    *, scope, matters: list[Matter], period_start, period_end, description=""
) -> list[Invoice]:
    """One invoice per matter that has anything ready, built with bulk inserts
    and summed in the database. Runs inside the caller's transaction."""
    firm = scope.firm
    settings = lock_settings(firm)
    matter_ids = [m.pk for m in matters]
    times = list(
        ready_time(
            TimeEntry.objects.in_scope(scope).filter(matter_id__in=matter_ids),
            period_start=period_start,
            period_end=period_end,
        )
        .order_by("matter_id", "date", "created_at", "pk")
        .values(*TIME_FIELDS)
    )
    expenses = list(
        ready_expenses(
            Expense.objects.in_scope(scope).filter(matter_id__in=matter_ids),
            period_start=period_start,
            period_end=period_end,
        )
        .order_by("matter_id", "date", "created_at", "pk")
        .values(*EXPENSE_FIELDS)
    )
    by_matter: dict[int, list] = defaultdict(list)
    for row in times:
        by_matter[row["matter_id"]].append(("F", row))
    for row in expenses:
        by_matter[row["matter_id"]].append(("E", row))
    ready = [m for m in matters if by_matter.get(m.pk)]
    if not ready:
        return []
    keepers = {
        k.user_id: k
        for k in Timekeeper.objects.for_firm(firm).filter(
            user_id__in={row["timekeeper_id"] for row in times}
        )
    }
    clients = matter_clients(firm, [m.pk for m in ready])
    numbers = take_numbers(firm, len(ready))
    invoices = Invoice.objects.bulk_create(
        [
            Invoice(
                firm=firm,
                matter=matter,
                client_id=clients.get(matter.pk),
                number=number,
                period_start=period_start,
                period_end=period_end,
                description=description,
                currency=settings.currency,
                created_by=scope.user,
            )
            for matter, number in zip(ready, numbers, strict=True)
        ]
    )
    if any(invoice.pk is None for invoice in invoices):  # no RETURNING
        by_number = dict(
            Invoice.objects.for_firm(firm)
            .filter(number__in=numbers)
            .values_list("number", "pk")
        )
        for invoice in invoices:
            invoice.pk = by_number[invoice.number]
    lines: list[InvoiceLine] = []
    for invoice in invoices:
        for position, (kind, row) in enumerate(by_matter[invoice.matter_id], 1):
            line = (
                fee_line(firm, row, keepers) if kind == "F" else expense_line(firm, row)
            )
            line.invoice_id = invoice.pk
            line.position = position
            lines.append(line)
    InvoiceLine.objects.bulk_create(lines, batch_size=BATCH)
    invoice_ids = [invoice.pk for invoice in invoices]
    billed = TimeEntry.Status.BILLED
    TimeEntry.objects.for_firm(firm).filter(
        Exists(
            through_scoped(InvoiceLine).filter(
                time_entry=OuterRef("pk"), invoice_id__in=invoice_ids
            )
        )
    ).update(status=billed)
    Expense.objects.for_firm(firm).filter(
        Exists(
            through_scoped(InvoiceLine).filter(
                expense=OuterRef("pk"), invoice_id__in=invoice_ids
            )
        )
    ).update(status=billed)
    _sum_lines_into_totals(Invoice.objects.for_firm(firm).filter(pk__in=invoice_ids))
    return list(
        Invoice.objects.for_firm(firm)
        .filter(pk__in=invoice_ids)
        .select_related("matter")
        .order_by("number")
    )


def invoice_build(
    *, scope, matter: Matter, period_start, period_end, description: str = ""
) -> Invoice:
    """The draft invoice of ``matter`` for the period, from everything ready
    to bill on it; a clear error, and no invoice, when nothing is ready."""
    _require(may_bill(scope), "Only people who do the firm's billing build invoices.")
    _check_period(period_start, period_end)
    with transaction.atomic():
        built = _build(
            scope=scope,
            matters=[matter],
            period_start=period_start,
            period_end=period_end,
            description=description,
        )
        if not built:
            raise ServiceError(
                f"Nothing on {matter.number} is ready to bill between "
                f"{period_start:%b %-d, %Y} and {period_end:%b %-d, %Y}. Time and "
                "expenses are billed once they are reviewed, billable, not written "
                "off and on no other invoice.",
                field="matter",
            )
        invoice = built[0]
        _audit(
            scope,
            invoice,
            "built",
            f"Built invoice {invoice.number} for {matter.number}",
            total=str(invoice.total),
            lines=invoice.lines.count(),
        )
    return invoice


def invoices_build_for_period(
    *, scope, period_start, period_end, matters=None
) -> list[Invoice]:
    """Draft invoices for every matter (or each of ``matters``) with work
    ready in the period, in a fixed number of queries however many matters:
    bulk inserts, and totals summed by the database. One audit event names
    them all."""
    _require(may_bill(scope), "Only people who do the firm's billing build invoices.")
    _check_period(period_start, period_end)
    if matters is None:
        matters = Matter.objects.in_scope(scope).order_by("number")
    matters = list(matters)
    with transaction.atomic():
        built = _build(
            scope=scope,
            matters=matters,
            period_start=period_start,
            period_end=period_end,
        )
        if built:
            audit_record(
                org=scope.firm,
                actor=scope.user,
                action="invoice.built_for_period",
                summary=f"Built {len(built)} invoices for {period_start} to "
                f"{period_end}",
                detail={
                    "numbers": [invoice.number for invoice in built],
                    "total": str(sum((i.total for i in built), ZERO)),
                },
            )
    return built


# --- Totals and adjustments ---------------------------------------------------


def _recompute_total(invoice: Invoice) -> None:
    """The one place an invoice's total is set: the sum of its lines."""
    total = (
        InvoiceLine.objects.for_firm(invoice.firm)
        .filter(invoice=invoice)
        .aggregate(s=Sum("total"))["s"]
    )
    invoice.total = money(total or ZERO)
    invoice.save(update_fields=["total", "updated_at"])


def _draft(invoice: Invoice) -> None:
    if invoice.status != IS.DRAFT:
        raise ServiceError(
            f"Invoice {invoice.number} is {invoice.get_status_display().lower()}: "
            "only a draft can be changed."
        )


def _locked(invoice: Invoice) -> Invoice:
    return Invoice.objects.for_firm(invoice.firm).select_for_update().get(pk=invoice.pk)


def _amount(value, field: str = "value") -> Decimal:
    try:
        amount = Decimal(value)
    except (InvalidOperation, TypeError, ValueError):
        raise ServiceError("Give an amount such as -50.00.", field=field) from None
    if not amount.is_finite():
        raise ServiceError("Give an amount such as -50.00.", field=field)
    return amount


def adjustment_from(*, how: str, value, base: Decimal) -> Decimal:
    """An adjustment as an amount, or as a percentage of ``base``; either way
    rounded to the cent (half up)."""
    value = _amount(value)
    if how == "percent":
        if not Decimal(-100) <= value <= Decimal(1000):
            raise ServiceError(
                "A percentage runs from -100 (all of it off) upwards.", field="value"
            )
        return money(base * value / HUNDRED)
    if how == "amount":
        return money(value)
    raise ServiceError("Choose an amount or a percentage.", field="how")


def line_adjust(*, scope, line: InvoiceLine, how: str, value) -> InvoiceLine:
    """Set a fee or expense line's adjustment (negative: a discount), as an
    amount or a percentage of units × unit cost. Replaces what was there."""
    _require(may_bill(scope), "Only people who do the firm's billing adjust invoices.")
    with transaction.atomic():
        invoice = _locked(line.invoice)
        _draft(invoice)
        line = InvoiceLine.objects.for_firm(invoice.firm).get(pk=line.pk)
        if line.kind not in (Kind.FEE, Kind.EXPENSE):
            raise ServiceError("An invoice-level adjustment is removed, not adjusted.")
        before = line.adjustment
        base = money(line.units * line.unit_cost)
        line.adjustment = adjustment_from(how=how, value=value, base=base)
        if base + line.adjustment < 0:
            raise ServiceError(
                f"That takes the line below zero: the most it can come off is {base}.",
                field="value",
            )
        line.total = line_amount(line.units, line.unit_cost, line.adjustment)
        line.save(update_fields=["adjustment", "total", "updated_at"])
        _reprice_percentages(invoice, line.kind)
        _recompute_total(invoice)
        _audit(
            scope,
            invoice,
            "line_adjusted",
            f"Adjusted line {line.position} of {invoice.number}",
            line=line.position,
            before=str(before),
            after=str(line.adjustment),
        )
    return line


def _sum_of(invoice: Invoice, kind: str) -> Decimal:
    found = (
        InvoiceLine.objects.for_firm(invoice.firm)
        .filter(invoice=invoice, kind=kind)
        .aggregate(s=Sum("total"))["s"]
    )
    return money(found or ZERO)


def _reprice_percentages(invoice: Invoice, kind: str) -> None:
    """Invoice-level adjustments given as a percentage of the fee (expense)
    lines follow those lines: each is worked out again from their new sum."""
    adjusting = Kind.FEE_ADJUSTMENT if kind == Kind.FEE else Kind.EXPENSE_ADJUSTMENT
    base = _sum_of(invoice, kind)
    for line in InvoiceLine.objects.for_firm(invoice.firm).filter(
        invoice=invoice, kind=adjusting, percent__isnull=False
    ):
        line.adjustment = money(base * line.percent / HUNDRED)
        line.total = line_amount(ZERO, ZERO, line.adjustment)
        line.save(update_fields=["adjustment", "total", "updated_at"])


def invoice_adjustment_add(
    *, scope, invoice: Invoice, applies_to: str, how: str, value, description=""
) -> InvoiceLine:
    """An invoice-level adjustment of the fees (IF) or the expenses (IE): an
    amount, or a percentage of the fee (expense) lines as they stand now."""
    _require(may_bill(scope), "Only people who do the firm's billing adjust invoices.")
    if applies_to not in (Kind.FEE_ADJUSTMENT, Kind.EXPENSE_ADJUSTMENT):
        raise ServiceError("Choose fees or expenses.", field="applies_to")
    with transaction.atomic():
        invoice = _locked(invoice)
        _draft(invoice)
        of_kind = Kind.FEE if applies_to == Kind.FEE_ADJUSTMENT else Kind.EXPENSE
        base = _sum_of(invoice, of_kind)
        amount = adjustment_from(how=how, value=value, base=base)
        if amount == 0:
            raise ServiceError(
                "That adjustment comes to $0.00: give a non-zero amount.",
                field="value",
            )
        what = "fees" if of_kind == Kind.FEE else "expenses"
        if not description.strip():
            word = "Discount" if amount < 0 else "Addition"
            description = f"{word} on {what}"
            if how == "percent":
                description += f" ({abs(Decimal(value)).normalize():f}%)"
        last = (
            InvoiceLine.objects.for_firm(invoice.firm)
            .filter(invoice=invoice)
            .aggregate(m=Max("position"))["m"]
        )
        line = InvoiceLine.objects.create(
            firm=invoice.firm,
            invoice=invoice,
            position=(last or 0) + 1,
            kind=applies_to,
            date=invoice.period_end,
            description=description.strip(),
            adjustment=amount,
            total=line_amount(ZERO, ZERO, amount),
            percent=_amount(value) if how == "percent" else None,
        )
        _recompute_total(invoice)
        _audit(
            scope,
            invoice,
            "adjustment_added",
            f"{description.strip()} on {invoice.number}: {amount}",
            applies_to=applies_to,
            how=how,
            value=str(value),
            amount=str(amount),
        )
    return line


def invoice_adjustment_remove(*, scope, line: InvoiceLine) -> None:
    _require(may_bill(scope), "Only people who do the firm's billing adjust invoices.")
    with transaction.atomic():
        invoice = _locked(line.invoice)
        _draft(invoice)
        if line.kind not in (Kind.FEE_ADJUSTMENT, Kind.EXPENSE_ADJUSTMENT):
            raise ServiceError(
                "Time and expense lines stay; void the invoice to release them."
            )
        InvoiceLine.objects.for_firm(invoice.firm).filter(pk=line.pk).delete()
        _recompute_total(invoice)
        _audit(
            scope,
            invoice,
            "adjustment_removed",
            f"Removed “{line.description}” from {invoice.number}",
            amount=str(line.total),
        )


# --- Status -------------------------------------------------------------------


def invoice_approve(*, scope, invoice: Invoice) -> Invoice:
    _require(
        may_approve(scope), "Only the firm's attorneys approve invoices to go out."
    )
    with transaction.atomic():
        invoice = _locked(invoice)
        if invoice.status != IS.DRAFT:
            raise ServiceError(f"Invoice {invoice.number} is not a draft.")
        if invoice.total < 0:
            raise ServiceError(
                "The invoice comes to less than nothing: take off less, or give "
                "the client a credit on an earlier invoice instead."
            )
        invoice.status = IS.APPROVED
        invoice.approved_by = scope.user
        invoice.approved_at = timezone.now()
        invoice.save(
            update_fields=["status", "approved_by", "approved_at", "updated_at"]
        )
        _audit(
            scope,
            invoice,
            "approved",
            f"Approved invoice {invoice.number} ({invoice.total})",
            total=str(invoice.total),
        )
    return invoice


def invoice_send(*, scope, invoice: Invoice, issued_on=None) -> Invoice:
    """Mark an approved invoice sent: issued today (or ``issued_on``), due
    after the firm's payment terms."""
    _require(may_bill(scope), "Only people who do the firm's billing send invoices.")
    with transaction.atomic():
        invoice = _locked(invoice)
        if invoice.status != IS.APPROVED:
            raise ServiceError(
                f"Invoice {invoice.number} must be approved by an attorney before "
                "it is sent."
            )
        terms = billing_settings(invoice.firm).payment_terms_days
        invoice.issued_on = issued_on or firm_today(invoice.firm)
        invoice.due_on = invoice.issued_on + datetime.timedelta(days=terms)
        invoice.status = IS.PAID if invoice.total == 0 else IS.SENT
        invoice.sent_at = timezone.now()
        invoice.save(
            update_fields=["status", "issued_on", "due_on", "sent_at", "updated_at"]
        )
        _audit(
            scope,
            invoice,
            "sent",
            f"Sent invoice {invoice.number}, due {invoice.due_on}",
            issued_on=str(invoice.issued_on),
            due_on=str(invoice.due_on),
        )
        publish(
            "invoice.sent",
            firm=invoice.firm,
            obj=invoice,
            actor=scope.user,
            matter=invoice.matter,
            total=invoice.total,
            currency=invoice.currency,
            issued_on=invoice.issued_on,
            due_on=invoice.due_on,
        )
    return invoice


def payment_record(
    *,
    scope,
    invoice: Invoice,
    kind: str,
    amount,
    received_on,
    method: str = "",
    reference: str = "",
    note: str = "",
) -> Payment:
    """A payment received or a credit given, never more than the balance; the
    invoice becomes partly paid or paid."""
    _require(may_bill(scope), "Only people who do the firm's billing record payments.")
    if kind not in Payment.Kind.values:
        raise ServiceError("Choose payment or credit.", field="kind")
    amount = money(_amount(amount, "amount"))
    if amount <= 0:
        raise ServiceError("Give an amount above $0.00.", field="amount")
    if received_on is None:
        raise ServiceError("Give the date.", field="received_on")
    with transaction.atomic():
        invoice = _locked(invoice)
        if invoice.status not in (IS.SENT, IS.PARTLY_PAID):
            raise ServiceError(
                "Payments and credits are recorded on invoices that were sent "
                "and are not fully paid."
            )
        if amount > invoice.balance:
            raise ServiceError(
                f"That is more than the {invoice.balance} still owed on "
                f"{invoice.number}.",
                field="amount",
            )
        payment = Payment.objects.create(
            firm=invoice.firm,
            invoice=invoice,
            kind=kind,
            amount=amount,
            received_on=received_on,
            method=method.strip(),
            reference=reference.strip(),
            note=note.strip(),
            recorded_by=scope.user,
        )
        invoice.paid = money(invoice.paid + amount)
        invoice.status = IS.PAID if invoice.balance == 0 else IS.PARTLY_PAID
        invoice.save(update_fields=["paid", "status", "updated_at"])
        _audit(
            scope,
            invoice,
            f"{kind}_recorded",
            f"{payment.get_kind_display()} of {amount} on {invoice.number}",
            amount=str(amount),
            balance=str(invoice.balance),
        )
        if kind == Payment.Kind.PAYMENT:
            publish(
                "payment.received",
                firm=invoice.firm,
                obj=payment,
                actor=scope.user,
                matter=invoice.matter,
                invoice=str(invoice.public_id),
                invoice_number=invoice.number,
                amount=amount,
                currency=invoice.currency,
                received_on=payment.received_on,
                method=payment.method,
                reference=payment.reference,
                balance=invoice.balance,
                invoice_status=invoice.status,
            )
    return payment


def invoice_void(*, scope, invoice: Invoice, reason: str) -> Invoice:
    """Void an invoice, with the reason; its time and expenses are ready to
    bill again. A draft may be voided by whoever bills; past the draft, only
    an attorney. An invoice with payments is not voided: credit it instead."""
    reason = (reason or "").strip()
    with transaction.atomic():
        invoice = _locked(invoice)
        if invoice.status == IS.DRAFT:
            _require(
                may_bill(scope), "Only people who do the firm's billing void invoices."
            )
        else:
            _require(
                may_approve(scope),
                "Only the firm's attorneys void an invoice once it is approved.",
            )
        if invoice.status == IS.VOID:
            raise ServiceError(f"Invoice {invoice.number} is already void.")
        if invoice.paid > 0:
            raise ServiceError(
                f"{invoice.number} has payments or credits recorded: it cannot be "
                "voided. Give a credit for what is still owed instead."
            )
        if not reason:
            raise ServiceError("Say why the invoice is voided.", field="reason")
        invoice.status = IS.VOID
        invoice.void_reason = reason[:300]
        invoice.voided_at = timezone.now()
        invoice.save(update_fields=["status", "void_reason", "voided_at", "updated_at"])
        lines = InvoiceLine.objects.for_firm(invoice.firm).filter(invoice=invoice)
        reviewed = TimeEntry.Status.REVIEWED
        TimeEntry.objects.for_firm(invoice.firm).filter(
            pk__in=lines.filter(time_entry__isnull=False).values("time_entry_id")
        ).update(status=reviewed)
        Expense.objects.for_firm(invoice.firm).filter(
            pk__in=lines.filter(expense__isnull=False).values("expense_id")
        ).update(status=reviewed)
        _audit(
            scope,
            invoice,
            "voided",
            f"Voided invoice {invoice.number}: {reason}"[:300],
            reason=reason,
        )
    return invoice


def _audit(scope, invoice: Invoice, action: str, summary: str, **detail) -> None:
    audit_record(
        org=scope.firm,
        actor=scope.user,
        action=f"invoice.{action}",
        obj=invoice,
        matter=invoice.matter,
        summary=summary,
        detail=detail or None,
    )


__all__ = [
    "OUTSIDE_STAFF_NOTE",
    "adjustment_from",
    "firm_today",
    "invoice_adjustment_add",
    "invoice_adjustment_remove",
    "invoice_approve",
    "invoice_build",
    "invoice_send",
    "invoice_void",
    "invoices_build_for_period",
    "line_adjust",
    "may_approve",
    "may_bill",
    "payment_record",
    "ready_expenses",
    "ready_time",
]
