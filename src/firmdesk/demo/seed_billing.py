"""Billing for ``firmdesk seed``: timekeepers, time entries, expenses, invoices
with their lines, payments, and the provider's monthly bills.

* Every firm gets its billing settings, its attorneys and staff as
  timekeepers, and the provider staff working for it as outside-staff
  timekeepers (billed to clients where the firm chooses so).
* Each matter gets ``time_entries_per_matter`` entries and
  ``expenses_per_matter`` expenses. Most fall in the last
  ``invoices_per_matter`` full months and are billed, one invoice per matter
  and month; the rest are this month's work, waiting in the pre-bill review.
* An invoice's total is the sum of its lines (fees, expenses and sometimes an
  invoice-level discount), ``paid`` the sum of its payments, and its number
  follows the firm's sequence in date order; the firm's
  ``next_invoice_number`` is the one after its last.
* Every live engagement gets a bill for each of the last
  ``provider_bill_months`` full months, a line per staff member from the hours
  they logged that month; about one line in ten differs from the work logged
  (always the first line of an engagement's latest bill)
  and is disputed or settled.

Written in batches, matter by matter, so the large scale (millions of time
entries) never holds more than a batch of matters in memory: only the rows a
later step needs (an invoice's entries, a month's hours per person) are kept.
The millions of time entries, expenses, invoices, lines and payments are
written as rows (``seed_writer.insert_rows``), never as model instances.
"""

import datetime
from collections import Counter, defaultdict
from collections.abc import Iterator
from decimal import Decimal
from typing import NamedTuple

from firmdesk.access.system import loader
from firmdesk.billing.models import (
    BillingSettings,
    Expense,
    Invoice,
    InvoiceLine,
    MatterBilling,
    Payment,
    ProviderBill,
    ProviderBillLine,
    TimeEntry,
    Timekeeper,
)
from firmdesk.billing.money import ZERO, hours_from_minutes, line_amount, money
from firmdesk.billing.rates import DEFAULT_VAGUE_PHRASES
from firmdesk.billing.utbms import ACTIVITY_CODES, EXPENSE_CODES, TASK_CODES
from firmdesk.engagements.models import Engagement
from firmdesk.matters.models import MatterParty
from firmdesk.orgs.models import User
from firmdesk.work.models import Task

from .seed_writer import WRITE_BATCH, insert, insert_rows, new

DAY = datetime.timedelta(days=1)
TENTH = Decimal("0.10")
MATTERS_PER_BATCH = 100
INVOICE_PREFIX = "INV-"
TASK_CODE_LIST = sorted(TASK_CODES)
ACTIVITY_CODE_LIST = sorted(ACTIVITY_CODES)
EXPENSE_CODE_LIST = sorted(EXPENSE_CODES)
NARRATIVES = (
    "Draft motion to compel and supporting declaration",
    "Review opposing party's document production",
    "Telephone conference with client regarding settlement terms",
    "Prepare deposition outline for the plant manager",
    "Research statute of limitations for the contract claim",
    "Revise discovery responses per attorney comments",
    "Calendar hearing and deadlines from the scheduling order",
    "Correspondence with opposing counsel about the protective order",
    "Prepare exhibits for the summary judgment motion",
    "Organise and index the client's medical records",
    "Review and revise the engagement letter",
    "Draft demand letter to the insurer",
)
EXPENSES = {
    "E101": ("Copies of the production", Decimal("0.15"), (50, 400)),
    "E107": ("Courier to opposing counsel", Decimal("45.00"), (1, 1)),
    "E108": ("Postage for service", Decimal("12.50"), (1, 3)),
    "E112": ("Court filing fee", Decimal("405.00"), (1, 1)),
    "E115": ("Deposition transcript", Decimal("3.75"), (80, 300)),
    "E106": ("Online research charges", Decimal("95.00"), (1, 2)),
}


def _months_back(today: datetime.date, n: int) -> tuple[datetime.date, datetime.date]:
    """The first and last day of the full month ``n`` months before today's."""
    first = today.replace(day=1)
    for _ in range(n):
        first = (first - DAY).replace(day=1)
    following = (first + datetime.timedelta(days=32)).replace(day=1)
    return first, following - DAY


class _Writer:
    """The seed writer in batches under one progress bar per kind of row."""

    def __init__(self, ctx, totals: dict[str, int]):
        self.ctx = ctx
        self.bars = {
            label: ctx.progress.add_task(label, total=total)
            for label, total in totals.items()
        }

    def write(self, model, rows: list, label: str) -> list:
        if rows:
            for start in range(0, len(rows), WRITE_BATCH):
                insert(self.ctx.alias, model, rows[start : start + WRITE_BATCH])
            self._count(rows, label)
        return rows

    def write_rows(self, model, columns, rows: list, label: str) -> int:
        """Rows as tuples of ``columns``; the first new key (the rest follow
        in order)."""
        first = insert_rows(self.ctx.alias, model, columns, rows)
        self._count(rows, label)
        return first or 0

    def _count(self, rows: list, label: str) -> None:
        if rows:
            self.ctx.counts[label] += len(rows)
            self.ctx.progress.advance(self.bars[label], len(rows))


class _Entry(NamedTuple):
    """A time entry's row: its fields are the columns written."""

    firm_id: int
    timekeeper_id: int
    matter_id: int
    engagement_id: int | None
    date: datetime.date
    minutes: int
    hours: Decimal
    rate: Decimal
    cost_rate: Decimal
    task_code: str
    activity_code: str
    narrative: str
    billable: bool
    outside_staff: bool
    status: str
    source: str


class _TaskTime(NamedTuple):
    """A time entry logged on a task: its row."""

    firm_id: int
    timekeeper_id: int
    matter_id: int | None
    task_id: int
    engagement_id: int | None
    date: datetime.date
    minutes: int
    hours: Decimal
    outside_staff: bool
    billable: bool
    narrative: str
    status: str
    source: str


class _Expense(NamedTuple):
    """An expense's row."""

    firm_id: int
    matter_id: int
    incurred_by_id: int
    date: datetime.date
    expense_code: str
    description: str
    quantity: Decimal
    unit_cost: Decimal
    status: str


class _Invoice(NamedTuple):
    """An invoice's row."""

    firm_id: int
    matter_id: int
    client_id: int | None
    number: str
    status: str
    period_start: datetime.date
    period_end: datetime.date
    issued_on: datetime.date
    due_on: datetime.date
    total: Decimal
    paid: Decimal
    sent_at: datetime.datetime
    approved_at: datetime.datetime
    approved_by_id: int


LINE_COLUMNS = (
    "firm_id",
    "invoice_id",
    "position",
    "kind",
    "date",
    "time_entry_id",
    "expense_id",
    "outside_staff",
    "task_code",
    "activity_code",
    "expense_code",
    "description",
    "units",
    "unit_cost",
    "adjustment",
    "total",
)
PAYMENT_COLUMNS = (
    "firm_id",
    "invoice_id",
    "received_on",
    "amount",
    "method",
    "reference",
)


def _timekeepers(ctx) -> dict[int, dict]:
    """Per firm: its timekeepers as {user id: (rate, cost, outside, engagement)}."""
    rng = ctx.rng
    people = dict(
        User.objects.using(ctx.alias)
        .filter(
            pk__in=[
                *(u for users in ctx.attorneys.values() for u in users),
                *(u for users in ctx.firm_staff.values() for u in users),
                *(u for rows in ctx.live_assignments.values() for _, u, _ in rows),
            ]
        )
        .values_list("pk", "full_name")
    )
    keepers, rows = {}, []
    C = Timekeeper.Classification
    for firm in ctx.firms:
        mine: dict[int, tuple] = {}
        cast = [
            (u, C.PARTNER if i == 0 else C.ASSOCIATE, rng.randint(250, 600), False)
            for i, u in enumerate(ctx.attorneys.get(firm.pk, []))
        ]
        cast += [
            (u, C.PARALEGAL, rng.randint(110, 175), False)
            for u in ctx.firm_staff.get(firm.pk, [])
        ]
        engagement_of = {}
        for engagement_id, user_id, _ in ctx.live_assignments.get(firm.pk, []):
            engagement_of.setdefault(user_id, engagement_id)
        cast += [(u, C.LEGAL_ASSISTANT, 95, True) for u in engagement_of]
        for n, (user_id, classification, rate, outside) in enumerate(cast, start=1):
            if user_id in mine:
                continue
            initials = "".join(p[0] for p in people[user_id].split()[:2]).upper()
            engagement = ctx.engagements[engagement_of[user_id]] if outside else None
            cost = (
                engagement.price
                if outside and engagement.pricing_model == Engagement.Pricing.HOURLY
                else Decimal(rng.randint(30, 60) if outside else rate // 3)
            )
            mine[user_id] = (Decimal(rate), cost, outside, engagement)
            rows.append(
                new(
                    Timekeeper,
                    firm=firm,
                    user_id=user_id,
                    code=f"{initials}{n:03d}",
                    classification=classification,
                    default_rate=Decimal(rate),
                    cost_rate=cost,
                    outside_staff=outside,
                )
            )
        keepers[firm.pk] = mine
    ctx.bulk(Timekeeper, rows, label="timekeepers", total=len(rows))
    return keepers


def _clients(ctx) -> dict[int, int]:
    """Each matter's client contact (the first client party)."""
    found: dict[int, int] = {}
    parties = (
        loader(MatterParty)
        .using(ctx.alias)
        .filter(firm__in=ctx.firms, role=MatterParty.Role.CLIENT)
        .order_by("pk")
        .values_list("matter_id", "contact_id")
    )
    for matter_id, contact_id in parties.iterator(chunk_size=5000):
        found.setdefault(matter_id, contact_id)
    return found


class _FirmBooks:
    """A firm's billing terms and invoice numbers while its matters are seeded.

    Every matter has an invoice for every billed month, so the numbers are
    known before the batches are written: the oldest month's invoices first,
    in the order of the firm's matters. They run in date order without gaps
    however the matters are batched."""

    def __init__(self, firm, rng, *, matters: int, months: int):
        self.firm = firm
        self.matters = matters
        self.months = months
        self.terms_days = rng.choice(PAYMENT_TERMS)
        self.bills_outside_staff = rng.random() < 0.5
        self.outside_rate = Decimal(rng.choice((85, 95, 110)))

    def number(self, *, period: int, position: int) -> str:
        """The number of the invoice of the firm's ``position``-th matter for
        ``period`` (0: last month, the newest)."""
        rank = self.months - 1 - period
        return f"{INVOICE_PREFIX}{rank * self.matters + position + 1:06d}"

    @property
    def next_number(self) -> int:
        return self.months * self.matters + 1


def seed_billing(ctx) -> None:
    rng = ctx.rng
    scale = ctx.scale
    keepers = _timekeepers(ctx)
    clients = _clients(ctx)
    if scale.invoices_per_matter > scale.time_entries_per_matter:
        raise ValueError("Each invoiced month needs a time entry: raise the entries.")
    n_matters = len(ctx.matters)
    periods = [_months_back(ctx.today, n + 1) for n in range(scale.invoices_per_matter)]
    position: dict[int, int] = {}
    per_firm: Counter = Counter()
    for matter_id, firm_id in ctx.matters:
        position[matter_id] = per_firm[firm_id]
        per_firm[firm_id] += 1
    books = {
        firm.pk: _FirmBooks(firm, rng, matters=per_firm[firm.pk], months=len(periods))
        for firm in ctx.firms
    }
    # Per firm: its own timekeepers and the outside staff, drawn from per entry.
    staff = {
        firm_id: (
            [u for u, k in mine.items() if not k[2]],
            [u for u, k in mine.items() if k[2]],
        )
        for firm_id, mine in keepers.items()
    }
    writer = _Writer(
        ctx,
        {
            "matter billing terms": n_matters // 5,
            "time entries": n_matters * scale.time_entries_per_matter,
            "expenses": n_matters * scale.expenses_per_matter,
            "invoices": n_matters * len(periods),
            "invoice lines": n_matters
            * (scale.time_entries_per_matter + scale.expenses_per_matter),
            "payments": n_matters * len(periods),
        },
    )
    # (engagement id, user id, period index) → [hours, entries]
    logged: dict[tuple, list] = defaultdict(lambda: [ZERO, 0])

    for start in range(0, n_matters, MATTERS_PER_BATCH):
        batch = ctx.matters[start : start + MATTERS_PER_BATCH]
        terms: list[MatterBilling] = []
        entries: list[_Entry] = []
        expenses: list[_Expense] = []
        # Per (matter, period index): the entries and expenses it bills, each
        # with its place in ``entries`` or ``expenses``.
        billed: dict[tuple, tuple[list, list]] = defaultdict(lambda: ([], []))
        for matter_id, firm_id in batch:
            book = books[firm_id]
            matter_rate = None
            if rng.random() < 0.2:
                matter_rate = Decimal(rng.randint(200, 450))
                terms.append(
                    new(
                        MatterBilling,
                        firm_id=firm_id,
                        matter_id=matter_id,
                        rate=matter_rate,
                        client_matter_id=f"CM-{matter_id:07d}",
                    )
                )
            for entry, period in _entries(
                ctx,
                matter_id,
                firm_id,
                keepers[firm_id],
                staff[firm_id],
                book,
                matter_rate,
                periods,
            ):
                if entry.status == TimeEntry.Status.BILLED:
                    billed[(matter_id, period)][0].append((len(entries), entry))
                if entry.engagement_id and period is not None:
                    slot = logged[(entry.engagement_id, entry.timekeeper_id, period)]
                    slot[0] += entry.hours
                    slot[1] += 1
                entries.append(entry)
            for expense, period in _expenses(ctx, matter_id, firm_id, periods):
                if period is not None:
                    billed[(matter_id, period)][1].append((len(expenses), expense))
                expenses.append(expense)
        writer.write(MatterBilling, terms, "matter billing terms")
        first_entry = writer.write_rows(
            TimeEntry, _Entry._fields, entries, "time entries"
        )
        first_expense = writer.write_rows(
            Expense, _Expense._fields, expenses, "expenses"
        )
        _invoices(
            ctx,
            writer,
            billed,
            books,
            clients,
            periods,
            position,
            first_entry=first_entry,
            first_expense=first_expense,
        )

    for firm in ctx.firms:
        book = books[firm.pk]
        loader(BillingSettings).using(ctx.alias).create(
            firm=firm,
            max_hours_per_day=Decimal("10.00"),
            vague_phrases=list(DEFAULT_VAGUE_PHRASES),
            reminder_days=[7, 30, 60],
            law_firm_id=f"{rng.randint(10, 99)}-{rng.randint(1000000, 9999999)}",
            invoice_prefix=INVOICE_PREFIX,
            next_invoice_number=book.next_number,
            payment_terms_days=book.terms_days,
            bill_outside_staff_time=book.bills_outside_staff,
            outside_staff_rate=book.outside_rate,
        )
    ctx.counts["billing settings"] += len(ctx.firms)
    _task_time(ctx, logged, periods)
    _provider_bills(ctx, logged, periods)


def _task_time(ctx, logged, periods) -> None:
    """Time logged on the seeded tasks is time entries, as in FirmDesk itself:
    one submitted entry per task with minutes, for its assignee, so that each
    task's ``minutes_logged`` is the total of its entries. Outside staff's
    count in the provider's bills like the rest of their time."""
    tasks = (
        loader(Task)
        .using(ctx.alias)
        .filter(minutes_logged__gt=0, assignee__isnull=False)
        .values_list(
            "pk",
            "firm_id",
            "matter_id",
            "engagement_id",
            "assignee_id",
            "minutes_logged",
            "updated_at",
            "title",
        )
        .order_by("pk")
    )
    hours_of: dict[int, Decimal] = {}
    bar = ctx.progress.add_task("time logged on tasks", total=tasks.count())
    batch: list[_TaskTime] = []
    for (
        pk,
        firm_id,
        matter_id,
        engagement_id,
        user_id,
        minutes,
        at,
        title,
    ) in tasks.iterator(chunk_size=WRITE_BATCH):
        hours = hours_of.get(minutes)
        if hours is None:
            hours = hours_of[minutes] = hours_from_minutes(minutes, TENTH)
        day = at.date()
        # Bills are made for the live engagements the seed keeps.
        if engagement_id in ctx.engagements:
            for index, (first, last) in enumerate(periods):
                if first <= day <= last:
                    slot = logged[(engagement_id, user_id, index)]
                    slot[0] += hours
                    slot[1] += 1
        batch.append(
            _TaskTime(
                firm_id,
                user_id,
                matter_id,
                pk,
                engagement_id,
                day,
                minutes,
                hours,
                engagement_id is not None,
                engagement_id is None,
                f"Time logged on task: {title}",
                TimeEntry.Status.SUBMITTED,
                TimeEntry.Source.TASK,
            )
        )
        if len(batch) == WRITE_BATCH:
            _write_task_time(ctx, batch, bar)
            batch = []
    _write_task_time(ctx, batch, bar)


def _write_task_time(ctx, rows: list, bar) -> None:
    if rows:
        insert_rows(ctx.alias, TimeEntry, _TaskTime._fields, rows)
        ctx.counts["time logged on tasks"] += len(rows)
        ctx.progress.advance(bar, len(rows))


# Tenths of an hour an entry takes, as its minutes and hours.
TENTHS = {
    tenths: (tenths * 6, Decimal(tenths) / 10)
    for tenths in (1, 2, 3, 4, 5, 6, 8, 10, 12, 15, 20, 25, 30, 40)
}
TENTHS_LIST = list(TENTHS.values())
UNBILLED_STATUSES = (TimeEntry.Status.DRAFT, TimeEntry.Status.SUBMITTED) + (
    TimeEntry.Status.REVIEWED,
) * 2


def _entries(
    ctx, matter_id, firm_id, keepers, staff, book, matter_rate, periods
) -> Iterator[tuple[_Entry, int | None]]:
    """A matter's time entries, each with the index of the month it was done
    in (None: this month's work, not billed yet)."""
    rng = ctx.rng
    inside, outside = staff
    count = ctx.scale.time_entries_per_matter
    # What does not depend on the entry's other draws, drawn for all at once.
    lengths = rng.choices(TENTHS_LIST, k=count)
    task_codes = rng.choices(TASK_CODE_LIST, k=count)
    activity_codes = rng.choices(ACTIVITY_CODE_LIST, k=count)
    narratives = rng.choices(NARRATIVES, k=count)
    this_month = ctx.today.day - 1
    for n in range(count):
        # The first entries bill one month each, so every month has an invoice.
        forced = n < len(periods)
        user_id = (
            rng.choice(outside)
            if outside and not forced and rng.random() < 0.2
            else rng.choice(inside)
        )
        rate, cost, is_outside, engagement = keepers[user_id]
        if is_outside:
            billable = book.bills_outside_staff
            rate = book.outside_rate if billable else ZERO
        else:
            billable = forced or rng.random() > 0.05
            rate = matter_rate or rate
        period = n if forced else rng.randrange(len(periods) + 1)
        if period == len(periods):
            work_period = None
            day = ctx.today - DAY * rng.randint(0, this_month)
            status = rng.choice(UNBILLED_STATUSES)
        else:
            work_period = period
            first, last = periods[period]
            day = first + DAY * rng.randint(0, (last - first).days)
            # Work of a billed month that is not billable was reviewed and
            # left off the invoice.
            status = TimeEntry.Status.BILLED if billable else TimeEntry.Status.REVIEWED
        minutes, hours = lengths[n]
        yield (
            _Entry(
                firm_id,
                user_id,
                matter_id,
                engagement.pk if engagement else None,
                day,
                minutes,
                hours,
                rate,
                cost,
                task_codes[n],
                activity_codes[n],
                narratives[n],
                billable,
                is_outside,
                status,
                # Not linked to seeded tasks, so entered by hand, not "on a task".
                TimeEntry.Source.MANUAL,
            ),
            work_period,
        )


EXPENSE_CODE_CHOICES = list(EXPENSES)


def _expenses(ctx, matter_id, firm_id, periods) -> Iterator:
    rng = ctx.rng
    attorneys = ctx.attorneys[firm_id]
    this_month = ctx.today.day - 1
    for _ in range(ctx.scale.expenses_per_matter):
        code = rng.choice(EXPENSE_CODE_CHOICES)
        description, unit_cost, (low, high) = EXPENSES[code]
        period = rng.randrange(len(periods) + 1)
        if period == len(periods):
            period_index, status = None, Expense.Status.SUBMITTED
            day = ctx.today - DAY * rng.randint(0, this_month)
        else:
            period_index, status = period, Expense.Status.BILLED
            first, last = periods[period]
            day = first + DAY * rng.randint(0, (last - first).days)
        yield (
            _Expense(
                firm_id,
                matter_id,
                rng.choice(attorneys),
                day,
                code,
                description,
                Decimal(rng.randint(low, high)),
                unit_cost,
                status,
            ),
            period_index,
        )


FEE = InvoiceLine.Kind.FEE
COURTESY_DISCOUNT = "Courtesy discount (5% of fees)"


def _invoices(
    ctx,
    writer,
    billed,
    books,
    clients,
    periods,
    position,
    *,
    first_entry: int,
    first_expense: int,
) -> None:
    """One invoice per matter and month of billed work; its lines, total and
    payments. Older invoices are paid, the latest still open. The entries and
    expenses were written from ``first_entry`` and ``first_expense`` on, in
    order."""
    rng = ctx.rng
    invoices: list[_Invoice] = []
    # Per invoice: its lines, as their columns after firm, invoice and position.
    lines_of: list[list[tuple]] = []
    # Per invoice: its payments, as (received on, amount, method, reference).
    paid_by: list[list[tuple]] = []
    for (matter_id, period), (entries, expenses) in sorted(
        billed.items(), key=lambda item: (-item[0][1], item[0][0])
    ):
        firm_id = (entries or expenses)[0][1].firm_id
        book = books[firm_id]
        first, last = periods[period]
        lines: list[tuple] = []
        fees = ZERO
        for n, entry in sorted(entries, key=lambda e: e[1].date):
            # Billed entries are billable and neither adjusted nor written off.
            total = line_amount(entry.hours, entry.rate)
            fees += total
            lines.append(
                (
                    FEE,
                    entry.date,
                    first_entry + n,
                    None,
                    entry.outside_staff,
                    entry.task_code,
                    entry.activity_code,
                    "",
                    entry.narrative,
                    entry.hours,
                    entry.rate,
                    ZERO,
                    total,
                )
            )
        for n, expense in sorted(expenses, key=lambda e: e[1].date):
            lines.append(
                (
                    InvoiceLine.Kind.EXPENSE,
                    expense.date,
                    None,
                    first_expense + n,
                    False,
                    "",
                    "",
                    expense.expense_code,
                    expense.description,
                    expense.quantity,
                    expense.unit_cost,
                    ZERO,
                    line_amount(expense.quantity, expense.unit_cost),
                )
            )
        if fees and rng.random() < 0.1:
            discount = -money(fees * Decimal("0.05"))
            lines.append(
                (
                    InvoiceLine.Kind.FEE_ADJUSTMENT,
                    last,
                    None,
                    None,
                    False,
                    "",
                    "",
                    "",
                    COURTESY_DISCOUNT,
                    Decimal(0),
                    ZERO,
                    discount,
                    line_amount(0, 0, discount),
                )
            )
        issued, due = issue_dates(ctx.today, last, book.terms_days)
        number = book.number(period=period, position=position[matter_id])
        total = sum((line[-1] for line in lines), ZERO)
        payments = _payments(ctx, total=total, issued=issued, due=due, number=number)
        paid = sum((payment[1] for payment in payments), ZERO)
        invoices.append(
            _Invoice(
                firm_id,
                matter_id,
                clients.get(matter_id),
                number,
                Invoice.Status.SENT
                if not payments
                else Invoice.Status.PAID
                if paid == total
                else Invoice.Status.PARTLY_PAID,
                first,
                last,
                issued,
                due,
                total,
                paid,
                ctx.now - (ctx.today - issued),
                ctx.now - (ctx.today - issued),
                ctx.attorneys[firm_id][0],
            )
        )
        lines_of.append(lines)
        paid_by.append(payments)
    first_invoice = writer.write_rows(Invoice, _Invoice._fields, invoices, "invoices")
    writer.write_rows(
        InvoiceLine,
        LINE_COLUMNS,
        [
            (invoice.firm_id, first_invoice + n, place, *line)
            for n, (invoice, lines) in enumerate(zip(invoices, lines_of, strict=True))
            for place, line in enumerate(lines, start=1)
        ],
        "invoice lines",
    )
    writer.write_rows(
        Payment,
        PAYMENT_COLUMNS,
        [
            (invoice.firm_id, first_invoice + n, *payment)
            for n, (invoice, payments) in enumerate(zip(invoices, paid_by, strict=True))
            for payment in payments
        ],
        "payments",
    )


def issue_dates(
    today: datetime.date, last: datetime.date, terms_days: int
) -> tuple[datetime.date, datetime.date]:
    """When the invoice for a month ending ``last`` went out (three days after,
    or today if that is still to come) and when it falls due."""
    issued = min(last + DAY * 3, today)
    return issued, issued + DAY * terms_days


# A firm's payment terms in days, 30 the most common.
PAYMENT_TERMS = (15, 30, 30, 45)
PAYMENT_METHODS = ("check", "ACH", "card", "wire")
# (days past due after which they apply, (share paid in full, share paid in part));
# the rest is not paid yet. First match wins.
PAYMENT_ODDS = (
    (30, (0.8, 0.1)),
    (-1, (0.3, 0.4)),
    (float("-inf"), (0.2, 0.2)),
)


def _payments(
    ctx, *, total: Decimal, issued: datetime.date, due: datetime.date, number: str
) -> list[tuple]:
    """(received on, amount, method, reference) of each payment of an invoice.

    How much has come in depends on how long ago the invoice fell due, as
    :data:`PAYMENT_ODDS` sets out. Some clients pay before the due date, so a
    firm whose terms are longer than a month still has invoices paid in full
    early in the month (a seed on the 7th of the month has only invoices not yet
    due or due a few days ago)."""
    rng = ctx.rng
    overdue_days = (ctx.today - due).days
    chance = rng.random()
    if total <= 0:
        return []
    full, partly = next(odds for after, odds in PAYMENT_ODDS if overdue_days > after)
    if chance < full:
        amounts = [total]
        if total > 1000 and rng.random() < 0.3:
            half = money(total / 2)
            amounts = [half, total - half]
    elif chance < full + partly:
        amounts = [money(total * Decimal(rng.randint(20, 80)) / 100)]
    else:
        return []
    return [
        (
            min(ctx.today, issued + DAY * rng.randint(5, 40 + n)),
            amount,
            rng.choice(PAYMENT_METHODS),
            f"{number}-{n + 1}",
        )
        for n, amount in enumerate(amounts)
    ]


def _provider_bills(ctx, logged, periods) -> None:
    """The provider's bill for each live engagement and billed month: a line
    per staff member from their logged hours; one line in ten differs and is
    disputed (the latest month) or settled at the logged amount."""
    rng = ctx.rng
    months = min(ctx.scale.provider_bill_months, len(periods))
    by_bill: dict[tuple, list] = defaultdict(list)
    for (engagement_id, user_id, period), (hours, count) in sorted(logged.items()):
        if period < months:
            by_bill[(engagement_id, period)].append((user_id, hours, count))
    bills, lines_of = [], []
    for (engagement_id, period), staff in sorted(by_bill.items()):
        engagement = ctx.engagements[engagement_id]
        first, last = periods[period]
        hourly = engagement.pricing_model == Engagement.Pricing.HOURLY
        lines, disputed = [], False
        for position, (user_id, hours, count) in enumerate(staff, start=1):
            quantity = hours if hourly else Decimal(count)
            expected = money(quantity * engagement.price)
            amount = expected
            line = new(
                ProviderBillLine,
                firm_id=engagement.firm_id,
                position=position,
                date=last,
                staff_id=user_id,
                description=(
                    f"{hours} hours of support work"
                    if hourly
                    else f"{count} tasks completed"
                ),
                hours=hours,
                quantity=quantity,
                unit_price=engagement.price,
                expected_amount=expected,
                match=ProviderBillLine.Match.MATCHED,
            )
            # About one line in ten; and always the first of an engagement's
            # latest bill, so each has an open dispute to look at whatever
            # the draw (a test of two small firms relied on luck before).
            differs = rng.random() < 0.1
            if differs or (period == 0 and position == 1):
                amount = expected + money(engagement.price * rng.randint(1, 4))
                line.match = ProviderBillLine.Match.DIFFERS
                if period == 0:
                    disputed = True
                    line.dispute = ProviderBillLine.Dispute.OPEN
                    line.dispute_reason = "Billed hours exceed the hours logged."
                else:
                    line.dispute = ProviderBillLine.Dispute.RESOLVED
                    line.dispute_reason = "Billed hours exceed the hours logged."
                    line.dispute_outcome = "Provider credited the difference."
                    line.agreed_amount = expected
            line.amount = amount
            lines.append(line)
        bills.append(
            new(
                ProviderBill,
                firm_id=engagement.firm_id,
                engagement=engagement,
                number=f"{engagement.provider.slug[-3:]}-{first:%Y%m}",
                period_start=first,
                period_end=last,
                received_on=last + DAY * 5,
                total=sum((line.amount for line in lines), ZERO),
                reconciled_total=sum(
                    (
                        line.agreed_amount
                        if line.agreed_amount is not None
                        else line.amount
                        if line.dispute != ProviderBillLine.Dispute.OPEN
                        else line.expected_amount
                        for line in lines
                    ),
                    ZERO,
                ),
                status=(
                    ProviderBill.Status.DISPUTED
                    if disputed
                    else ProviderBill.Status.SETTLED
                    if period > 0
                    else ProviderBill.Status.RECONCILED
                ),
            )
        )
        lines_of.append(lines)
    ctx.bulk(
        ProviderBill, bills, label="provider bills", total=len(bills), keep=lambda b: b
    )
    for bill, lines in zip(bills, lines_of, strict=True):
        for line in lines:
            line.bill = bill
    ctx.bulk(
        ProviderBillLine,
        (line for lines in lines_of for line in lines),
        label="provider bill lines",
        total=sum(len(lines) for lines in lines_of),
        keep=lambda obj: None,
    )
