"""The provider's monthly bill to the firm: entered by hand or from a CSV file,
reconciled line by line against the work logged in FirmDesk, disputed where it
differs, and summed as the firm's real cost of the engagement.

Who may do what (docs/billing-provider-bills.md says it for users): every
member of the firm may see bills, enter them, reconcile them and open a
dispute; only attorneys and firm admins resolve a dispute, since agreeing what
the firm pays is a decision about the firm's money. Provider staff never see
these rows (``ProviderBill``'s need-to-know), whatever their functions.

Reconciliation rules, by the engagement's pricing model:

- hourly: a line is compared with the time entries of outside staff on the
  engagement in the bill's period that share the line's staff, date and task
  (whichever of the three the line names); expected = their hours × the
  engagement's hourly price.
- per task: a line naming a task is compared with that task, when it was
  completed in the period; a line naming no task with the tasks its staff
  member completed in the period (on its date, if it has one), as many as its
  quantity; expected = tasks × the engagement's price per task.
- monthly: the first line that names no task is the retainer, expected to be
  the monthly price × the months the period touches; other lines are extra
  work, matched when they name a task of the engagement completed in the
  period whose extra cost the firm approved.

Work outside the engagement's base price counts only when its extra cost was
approved (``Task.extra_cost``). Amounts match when they are equal to the cent.
Work logged but not billed is kept as lines with match ``not_billed`` and an
amount of nothing: shown, never owed.
"""

import csv
import datetime
import io
import re
import uuid
from collections import defaultdict
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

from django.db import IntegrityError, transaction
from django.db.models import Exists, OuterRef, Q, Sum
from django.http import Http404

from firmdesk.audit.services import audit_record
from firmdesk.common.errors import ServiceError
from firmdesk.conflicts.importing import (
    CellProblem,
    FileProblem,
    decode_csv_bytes,
    parse_date,
)
from firmdesk.documents.services import document_upload
from firmdesk.engagements.models import Assignment, Engagement
from firmdesk.work.models import Task

from .models import ProviderBill, ProviderBillLine, TimeEntry
from .money import ZERO, line_amount, money

Match = ProviderBillLine.Match
Dispute = ProviderBillLine.Dispute
BillStatus = ProviderBill.Status
DONE = (Task.Status.APPROVED, Task.Status.DONE)
# Work the firm did not agree to pay for (``Engagement.costs_extra``).
UNPAID_EXTRA = (Task.ExtraCost.PENDING, Task.ExtraCost.DECLINED)
MAX_LINES = 500


# --- Who may do what -----------------------------------------------------------


def may_see_bills(scope) -> bool:
    return scope.is_firm_member


def may_enter(scope) -> bool:
    """Enter, import and reconcile bills, open disputes: any member of the firm."""
    return scope.is_firm_member


def may_decide(scope) -> bool:
    """Resolve a dispute (agree what the firm pays): attorneys and firm admins."""
    return scope.is_firm_member and scope.has_role("attorney", "firm_admin")


# --- Reading -------------------------------------------------------------------


def access_provider_bill(scope, public_id, *, for_write=False) -> ProviderBill:
    if not may_see_bills(scope):
        raise Http404("No bill here.")
    qs = ProviderBill.objects.in_scope(scope).select_related("engagement")
    if for_write:
        qs = qs.select_for_update()
    try:
        return qs.get(public_id=public_id)
    except (ProviderBill.DoesNotExist, ValueError):
        raise Http404("No bill here.") from None


def access_provider_bill_line(scope, bill, public_id) -> ProviderBillLine:
    try:
        return ProviderBillLine.objects.in_scope(scope).get(
            bill=bill, public_id=public_id
        )
    except (ProviderBillLine.DoesNotExist, ValueError):
        raise Http404("No line here.") from None


def bill_engagements(scope):
    """The firm's engagements, for choosing whose bill is entered."""
    if not may_see_bills(scope):
        return Engagement.objects.in_scope(scope).none()
    return Engagement.objects.in_scope(scope).select_related("provider")


def provider_bills(scope, *, engagement=None, status: str = ""):
    qs = ProviderBill.objects.in_scope(scope).select_related("engagement")
    if engagement is not None:
        qs = qs.filter(engagement=engagement)
    if status:
        qs = qs.filter(status=status)
    return qs.order_by("-period_end", "-created_at")


def bill_lines(scope, bill):
    """The bill's lines, each knowing whether the viewer may open its task (so
    the page draws a task hidden from a screened attorney without a query)."""
    visible = Task.objects.in_scope(scope).filter(pk=OuterRef("task_id"))
    return (
        ProviderBillLine.objects.in_scope(scope)
        .filter(bill=bill)
        .select_related("staff", "task")
        .annotate(task_visible=Exists(visible))
        .order_by("position")
    )


def lines_screened_from(scope, bill) -> int:
    """How many of the bill's lines are of work on a matter the viewer is
    screened from (not shown to them; the bill's totals still count them)."""
    if not scope.screened_matter_ids:
        return 0
    every = ProviderBillLine.objects.for_firm(scope.firm).filter(bill=bill).count()
    return every - ProviderBillLine.objects.in_scope(scope).filter(bill=bill).count()


def reconciled_cost(
    *, firm, engagement=None, start: datetime.date, end: datetime.date
) -> Decimal:
    """What the firm owes its provider(s) for work in ``start``–``end``: the
    bills whose period ends in that window, each at its reconciled total (a
    bill not reconciled yet counts at its total, which is what it is entered
    with). Insights uses this as the real cost of outsourcing."""
    qs = ProviderBill.objects.for_firm(firm).filter(period_end__range=(start, end))
    if engagement is not None:
        qs = qs.filter(engagement=engagement)
    return money(qs.aggregate(total=Sum("reconciled_total"))["total"] or ZERO)


# --- Lines as typed or imported --------------------------------------------------


@dataclass
class LineIn:
    """One line as the provider wrote it; ``staff`` and ``task`` are text
    (a name or e-mail; a task's FirmDesk id or exact title) until resolved."""

    date: datetime.date | None = None
    staff: str = ""
    task: str = ""
    description: str = ""
    hours: Decimal = ZERO
    quantity: Decimal = ZERO
    unit_price: Decimal = ZERO
    amount: Decimal | None = None

    @property
    def total(self) -> Decimal:
        if self.amount is not None:
            return money(self.amount)
        units = self.hours or self.quantity
        return line_amount(units, self.unit_price)


def parse_amount(text: str, what: str) -> Decimal | None:
    """A number as people write money and hours: ``$1,234.50``, ``1234.5``,
    ``(12.00)`` for a negative; None for an empty cell."""
    value = (text or "").strip()
    if not value:
        return None
    negative = value.startswith("(") and value.endswith(")")
    cleaned = re.sub(r"[\s$,()]", "", value)
    try:
        number = Decimal(cleaned)
    except InvalidOperation:
        raise ValueError(
            f"“{value}” in {what} is not a number; write it like 1234.50"
        ) from None
    if not number.is_finite():
        raise ValueError(f"“{value}” in {what} is not a number")
    return -number if negative else number


@dataclass
class _Resolver:
    """Finds the staff member and the task a line names, among the
    engagement's own assignments and tasks."""

    firm: object
    engagement: Engagement

    def __post_init__(self):
        self.people: dict[str, object] = {}
        for a in (
            Assignment.objects.for_firm(self.firm)
            .filter(engagement=self.engagement)
            .select_related("user")
        ):
            for key in (a.user.email, a.user.full_name):
                if key:
                    self.people[_key(key)] = a.user
        self._tasks = Task.objects.for_firm(self.firm).filter(
            engagement=self.engagement
        )

    def staff(self, text: str):
        return self.people.get(_key(text)) if text.strip() else None

    def task(self, text: str):
        value = text.strip()
        if not value:
            return None
        try:
            public_id = uuid.UUID(value)
        except ValueError:
            found = list(self._tasks.filter(title__iexact=value)[:2])
            if len(found) == 1:
                return found[0]
            if found:
                raise ValueError(
                    f"several tasks of this engagement are called “{value}”; "
                    "use the task's FirmDesk id (the last part of its address)"
                ) from None
            raise ValueError(
                f"no task of this engagement is called “{value}”; use its exact "
                "title or its FirmDesk id, or leave the task empty"
            ) from None
        task = self._tasks.filter(public_id=public_id).first()
        if task is None:
            raise ValueError(f"no task of this engagement has the id {value}")
        return task


def _key(text: str) -> str:
    return " ".join(text.lower().split())


# --- Lines from a CSV file -----------------------------------------------------

# Our column, and the headers that name it (lower case, spaces for _ and -).
CSV_COLUMNS = {
    "date": ("date", "day", "work date"),
    "staff": ("staff", "staff name", "person", "name", "timekeeper", "email"),
    "task": ("task", "task id", "task title"),
    "description": ("description", "narrative", "details", "work"),
    "hours": ("hours", "hrs"),
    "quantity": ("quantity", "qty", "tasks", "count", "units"),
    "unit_price": ("unit price", "price", "rate", "unit cost"),
    "amount": ("amount", "total", "line total"),
}


@dataclass(frozen=True)
class CsvLines:
    """The lines read from a file, the file line each came from (the header
    is line 1), and every problem as "Line N: …"."""

    lines: list[LineIn]
    line_numbers: list[int]
    errors: list[str]


def _header_key(text: str) -> str:
    return " ".join(re.sub(r"[_\-]+", " ", text.strip().lower()).split())


def read_lines_csv(data: bytes) -> CsvLines:
    """Read a bill's lines from a CSV file (columns: CSV_COLUMNS, documented
    in docs/billing-provider-bills.md). Nothing is resolved here; every row's
    problems are listed, not only the first."""
    try:
        text, _ = decode_csv_bytes(data)
    except FileProblem as exc:
        return CsvLines([], [], [str(exc)])
    text = text.lstrip("\ufeff")
    first = text.split("\n", 1)[0]
    delimiter = ";" if first.count(";") > first.count(",") else ","
    try:
        records = list(csv.reader(io.StringIO(text, newline=""), delimiter=delimiter))
    except csv.Error as exc:
        return CsvLines([], [], [f"The file cannot be read as CSV ({exc})."])
    if not records or not any(c.strip() for c in records[0]):
        return CsvLines(
            [],
            [],
            ["The file is empty, or its first line (the column names) is blank."],
        )
    known = {alias: ours for ours, aliases in CSV_COLUMNS.items() for alias in aliases}
    where: dict[str, int] = {}
    errors = []
    for index, header in enumerate(records[0]):
        ours = known.get(_header_key(header))
        if ours is None and header.strip():
            errors.append(
                f"Line 1: the column “{header.strip()}” is not one we know; the "
                "columns are date, staff, task, description, hours, quantity, "
                "unit_price and amount."
            )
        elif ours in where:
            errors.append(f"Line 1: two columns hold the {ours.replace('_', ' ')}.")
        elif ours:
            where[ours] = index
    if "amount" not in where and "unit_price" not in where:
        errors.append(
            "Line 1: the file needs an amount column, or a unit_price column "
            "with hours or quantity."
        )
    if errors:
        return CsvLines([], [], errors)
    lines, numbers = [], []
    for number, cells in enumerate(records[1:], start=2):
        if not any(c.strip() for c in cells):
            continue

        padded = cells + [""] * len(records[0])

        def cell(name: str, padded=padded) -> str:
            return padded[where[name]].strip() if name in where else ""

        row_errors = []
        line = LineIn(
            staff=cell("staff"), task=cell("task"), description=cell("description")
        )
        try:
            line.date = parse_date(cell("date"))
        except CellProblem as exc:
            row_errors.append(str(exc))
        for name in ("hours", "quantity", "unit_price", "amount"):
            try:
                value = parse_amount(cell(name), name.replace("_", " "))
            except ValueError as exc:
                row_errors.append(str(exc))
                continue
            if value is not None:
                setattr(line, name, value)
        if not cell("amount") and not (cell("hours") or cell("quantity")):
            row_errors.append("give the amount, or the hours or quantity and the price")
        errors.extend(f"Line {number}: {problem}." for problem in row_errors)
        lines.append(line)
        numbers.append(number)
    if not lines and not errors:
        errors.append("The file has column names but no lines.")
    return CsvLines(lines, numbers, errors)


# --- Entering a bill --------------------------------------------------------------


@dataclass
class BillIn:
    engagement: Engagement
    number: str
    period_start: datetime.date
    period_end: datetime.date
    received_on: datetime.date | None
    total: Decimal
    note: str = ""


def total_problem(total: Decimal, lines: list[LineIn]) -> str:
    """Why the bill's total and its lines disagree, in words; empty if they agree."""
    summed = sum((line.total for line in lines), ZERO)
    if money(total) == summed:
        return ""
    gap = money(total) - summed
    more = "more" if gap > 0 else "less"
    return (
        f"The lines add up to {_dollars(summed)} but the bill's total is "
        f"{_dollars(total)}: the total is {_dollars(abs(gap))} {more} than the "
        "lines. Check each line against the provider's bill; if their bill "
        "itself does not add up, enter the difference as a line of its own and "
        "dispute it."
    )


def _dollars(amount: Decimal) -> str:
    amount = money(amount)
    sign = "-" if amount < 0 else ""
    return f"{sign}${abs(amount):,.2f}"


def bill_problems(*, scope, bill: BillIn, lines: list[LineIn]) -> dict[str, str]:
    """Everything wrong with a bill before it is saved, by field ("lines" for
    the lines as a whole); line-level problems come from ``resolve_lines``."""
    problems = {}
    if bill.engagement.firm_id != scope.firm.pk:
        problems["engagement"] = "Choose one of this firm's engagements."
    if not bill.number.strip():
        problems["number"] = "Enter the bill's number as the provider wrote it."
    if bill.period_end < bill.period_start:
        problems["period_end"] = "The period must end on or after the day it starts."
    if not lines:
        problems["lines"] = "Enter at least one line of the bill."
    elif len(lines) > MAX_LINES:
        problems["lines"] = f"A bill can have up to {MAX_LINES} lines."
    elif gap := total_problem(bill.total, lines):
        problems["total"] = gap
    if (
        bill.number.strip()
        and ProviderBill.objects.for_firm(scope.firm)
        .filter(engagement=bill.engagement, number=bill.number.strip())
        .exists()
    ):
        problems["number"] = (
            f"Bill {bill.number.strip()} of this engagement is already entered."
        )
    return problems


def resolve_lines(*, scope, engagement, lines: list[LineIn]):
    """The lines as rows to save, and the problems of each (by its position,
    from 1): a task that is not the engagement's, a line with nothing on it."""
    resolver = _Resolver(scope.firm, engagement)
    rows, problems = [], {}
    for position, line in enumerate(lines, start=1):
        try:
            task = resolver.task(line.task)
        except ValueError as exc:
            problems[position] = str(exc)
            continue
        if not (line.description.strip() or line.task.strip() or line.staff.strip()):
            problems[position] = "say what the line is for (a description or a task)"
            continue
        staff = resolver.staff(line.staff)
        rows.append(
            ProviderBillLine(
                firm=scope.firm,
                position=position,
                date=line.date,
                staff=staff,
                staff_name=(staff.full_name if staff else line.staff.strip())[:120],
                task=task,
                description=line.description.strip(),
                hours=line.hours,
                quantity=line.quantity,
                unit_price=money(line.unit_price),
                amount=line.total,
            )
        )
    return rows, problems


def provider_bill_create(
    *, scope, bill: BillIn, lines: list[LineIn], document=None, source: str = "form"
) -> ProviderBill:
    """Save a bill with all its lines, or nothing: a ``ServiceError`` names the
    first problem (pages check ``bill_problems`` and ``resolve_lines`` first to
    show them all). ``document`` is an uploaded file of the provider's bill."""
    if not may_enter(scope):
        raise ServiceError("Only the firm's people enter the provider's bills.")
    problems = bill_problems(scope=scope, bill=bill, lines=lines)
    if problems:
        field, message = next(iter(problems.items()))
        raise ServiceError(message, field=field)
    rows, line_problems = resolve_lines(
        scope=scope, engagement=bill.engagement, lines=lines
    )
    if line_problems:
        position, message = next(iter(line_problems.items()))
        raise ServiceError(f"Line {position}: {message}.", field="lines")
    try:
        with transaction.atomic():
            saved = ProviderBill.objects.create(
                firm=scope.firm,
                engagement=bill.engagement,
                number=bill.number.strip(),
                period_start=bill.period_start,
                period_end=bill.period_end,
                received_on=bill.received_on,
                total=money(bill.total),
                # Until reconciled, the firm's cost is what the provider asks.
                reconciled_total=money(bill.total),
                note=bill.note.strip(),
                created_by=scope.user,
            )
            if document is not None:
                saved.document = document_upload(
                    firm=scope.firm,
                    actor=scope.user,
                    uploaded_file=document,
                    title=f"Provider bill {saved.number}",
                )
                saved.save(update_fields=["document"])
            for row in rows:
                row.bill = saved
            ProviderBillLine.objects.bulk_create(rows)
            _audit(
                scope,
                saved,
                "entered",
                f"Entered provider bill {saved.number} ({_dollars(saved.total)}, "
                f"{len(rows)} line{'s' if len(rows) != 1 else ''})",
                source=source,
                total=str(saved.total),
            )
    except IntegrityError:
        raise ServiceError(
            f"Bill {bill.number.strip()} of this engagement is already entered.",
            field="number",
        ) from None
    return saved


def _audit(scope, bill, action: str, summary: str, **detail):
    audit_record(
        org=scope.firm,
        actor=scope.user,
        action=f"provider_bill.{action}",
        obj=bill,
        summary=summary[:300],
        detail=detail or None,
    )


# --- Reconciling -------------------------------------------------------------------


@dataclass
class _Work:
    """One piece of logged work a bill line may claim."""

    staff_id: int | None
    date: datetime.date | None
    task_id: int | None
    hours: Decimal = ZERO
    label: str = ""
    claimed: bool = False


def _zone_day_bounds(firm, start: datetime.date, end: datetime.date):
    tz = firm.tz
    first = datetime.datetime.combine(start, datetime.time.min, tzinfo=tz)
    after = datetime.datetime.combine(
        end + datetime.timedelta(days=1), datetime.time.min, tzinfo=tz
    )
    return first, after


def _completed_tasks(bill) -> list[Task]:
    first, after = _zone_day_bounds(bill.firm, bill.period_start, bill.period_end)
    return list(
        Task.objects.for_firm(bill.firm)
        .filter(engagement=bill.engagement, status__in=DONE)
        .filter(
            Q(completed_at__gte=first, completed_at__lt=after)
            | Q(
                completed_at__isnull=True,
                closed_at__gte=first,
                closed_at__lt=after,
            )
        )
        .exclude(extra_cost__in=UNPAID_EXTRA)
        .select_related("assignee")
        .order_by("completed_at", "closed_at", "pk")
    )


def _task_day(task, tz) -> datetime.date:
    return (task.completed_at or task.closed_at).astimezone(tz).date()


def _time_logged(bill) -> list[_Work]:
    entries = (
        TimeEntry.objects.for_firm(bill.firm)
        .filter(
            engagement=bill.engagement,
            outside_staff=True,
            date__range=(bill.period_start, bill.period_end),
        )
        .exclude(task__extra_cost__in=UNPAID_EXTRA)
        .values("timekeeper_id", "timekeeper__full_name", "date", "task_id")
        .annotate(hours=Sum("hours"))
        .order_by("date", "timekeeper__full_name", "task_id")
    )
    return [
        _Work(
            staff_id=e["timekeeper_id"],
            date=e["date"],
            task_id=e["task_id"],
            hours=e["hours"] or ZERO,
            label=e["timekeeper__full_name"] or "",
        )
        for e in entries
    ]


def _specificity(line) -> int:
    return -sum(x is not None for x in (line.staff_id, line.date, line.task_id))


def _fits(line, work: _Work, *, any_day_of_task=False) -> bool:
    if work.claimed:
        return False
    if line.staff_id is not None and work.staff_id != line.staff_id:
        return False
    if line.task_id is not None and work.task_id != line.task_id:
        return False
    if any_day_of_task and line.task_id is not None:
        return True
    return line.date is None or work.date == line.date


def _names_someone_unknown(line) -> bool:
    return line.staff_id is None and bool(line.staff_name)


def _reconcile_hourly(bill, lines, price):
    work = _time_logged(bill)
    for line in sorted(lines, key=_specificity):
        found = []
        if not _names_someone_unknown(line) and _specificity(line):
            found = [w for w in work if _fits(line, w)]
        for w in found:
            w.claimed = True
        hours = sum((w.hours for w in found), ZERO)
        _judge(line, line_amount(hours, price) if found else None)
    return [
        _not_billed(
            bill,
            date=w.date,
            staff_id=w.staff_id,
            staff_name=w.label,
            task_id=w.task_id,
            hours=w.hours,
            expected=line_amount(w.hours, price),
            description=f"{w.label}: {w.hours.normalize():f} h logged",
        )
        for w in work
        if not w.claimed
    ]


def _reconcile_per_task(bill, lines, price):
    tz = bill.firm.tz
    work = [
        _Work(
            staff_id=t.assignee_id,
            date=_task_day(t, tz),
            task_id=t.pk,
            label=t.title,
        )
        for t in _completed_tasks(bill)
    ]
    for line in sorted(lines, key=_specificity):
        found = []
        known = not _names_someone_unknown(line)
        if known and line.task_id is not None:
            found = [w for w in work if _fits(line, w, any_day_of_task=True)][:1]
        elif known and line.staff_id is not None:
            wanted = max(int(line.quantity or 1), 1)
            found = [w for w in work if _fits(line, w)][:wanted]
        for w in found:
            w.claimed = True
        _judge(line, money(price * len(found)) if found else None)
    return [
        _not_billed(
            bill,
            date=w.date,
            staff_id=w.staff_id,
            task_id=w.task_id,
            quantity=Decimal(1),
            expected=money(price),
            description=f"Task completed: {w.label}",
        )
        for w in work
        if not w.claimed
    ]


def _months(start: datetime.date, end: datetime.date) -> int:
    return (end.year - start.year) * 12 + end.month - start.month + 1


def _reconcile_monthly(bill, lines, price):
    extra = {t.pk for t in _completed_tasks(bill) if t.extra_cost}
    retainer_seen = False
    for line in lines:
        if line.task_id is None and not retainer_seen:
            retainer_seen = True
            _judge(line, money(price * _months(bill.period_start, bill.period_end)))
        elif line.task_id is not None and line.task_id in extra:
            # The engagement records no price for extra work: the firm approved
            # the work, and the line's own price is checked by a person.
            _judge(line, line.amount)
        else:
            _judge(line, None)
    return []


def _judge(line, expected: Decimal | None):
    if expected is None:
        line.expected_amount, line.match = ZERO, Match.UNMATCHED
    else:
        line.expected_amount = money(expected)
        same = money(line.amount) == line.expected_amount
        line.match = Match.MATCHED if same else Match.DIFFERS


def _not_billed(bill, *, expected, description, **fields):
    return ProviderBillLine(
        firm=bill.firm,
        bill=bill,
        position=0,
        amount=ZERO,
        expected_amount=expected,
        match=Match.NOT_BILLED,
        description=description[:500],
        **fields,
    )


RECONCILERS = {
    Engagement.Pricing.HOURLY: _reconcile_hourly,
    Engagement.Pricing.PER_TASK: _reconcile_per_task,
    Engagement.Pricing.MONTHLY: _reconcile_monthly,
}


def provider_bill_reconcile(*, scope, bill: ProviderBill) -> ProviderBill:
    """Compare every line with the work logged (rules: this module's
    docstring), list the work not billed, and settle the bill's status and
    reconciled total. Disputes are kept; running it again gives the same
    result for the same work."""
    if not may_enter(scope):
        raise ServiceError("Only the firm's people reconcile the provider's bills.")
    with transaction.atomic():
        bill = access_provider_bill(scope, bill.public_id, for_write=True)
        engagement = bill.engagement
        ProviderBillLine.objects.for_firm(scope.firm).filter(
            bill=bill, match=Match.NOT_BILLED
        ).delete()
        lines = list(ProviderBillLine.objects.for_firm(scope.firm).filter(bill=bill))
        reconcile = RECONCILERS[engagement.pricing_model]
        missing = reconcile(bill, lines, engagement.price)
        ProviderBillLine.objects.for_firm(scope.firm).bulk_update(
            lines, ["expected_amount", "match"]
        )
        last = max((line.position for line in lines), default=0)
        for offset, row in enumerate(missing, start=1):
            row.position = last + offset
        ProviderBillLine.objects.bulk_create(missing)
        _settle(bill, lines)
        counts = defaultdict(int)
        for line in lines:
            counts[line.match] += 1
        _audit(
            scope,
            bill,
            "reconciled",
            f"Reconciled provider bill {bill.number}: {counts[Match.MATCHED]} "
            f"matched, {counts[Match.DIFFERS]} differ, {counts[Match.UNMATCHED]} "
            f"without work logged, {len(missing)} not billed",
            matched=counts[Match.MATCHED],
            differs=counts[Match.DIFFERS],
            unmatched=counts[Match.UNMATCHED],
            not_billed=len(missing),
            reconciled_total=str(bill.reconciled_total),
        )
    return bill


def _owed(line) -> Decimal:
    """What the firm accepts it owes for one billed line."""
    if line.dispute == Dispute.RESOLVED and line.agreed_amount is not None:
        return money(line.agreed_amount)
    if line.match == Match.MATCHED or line.expected_amount is None:
        return money(line.amount)
    # A difference not (yet) agreed: what the work logged supports, never
    # more than was billed.
    return min(money(line.amount), money(line.expected_amount))


def bill_state(lines) -> tuple[str, Decimal]:
    """The status and reconciled total that ``lines`` give. A line not
    reconciled yet counts at its amount, so a bill never reconciled is owed
    at what it asks."""
    billed = [line for line in lines if line.match != Match.NOT_BILLED]
    if any(line.dispute == Dispute.OPEN for line in billed):
        status = BillStatus.DISPUTED
    elif billed and all(
        line.match == Match.MATCHED or line.dispute == Dispute.RESOLVED
        for line in billed
    ):
        resolved = any(line.dispute == Dispute.RESOLVED for line in billed)
        status = BillStatus.SETTLED if resolved else BillStatus.RECONCILED
    else:
        status = BillStatus.ENTERED
    return status, sum((_owed(line) for line in billed), ZERO)


def _settle(bill, lines):
    bill.status, bill.reconciled_total = bill_state(lines)
    bill.save(update_fields=["status", "reconciled_total", "updated_at"])


# --- Disputes -----------------------------------------------------------------------


def _locked_line(scope, line) -> tuple[ProviderBill, ProviderBillLine]:
    bill = access_provider_bill(scope, line.bill.public_id, for_write=True)
    locked = (
        ProviderBillLine.objects.in_scope(scope)
        .select_for_update()
        .get(pk=line.pk, bill=bill)
    )
    return bill, locked


def _resettle(scope, bill):
    _settle(bill, list(ProviderBillLine.objects.for_firm(scope.firm).filter(bill=bill)))


def line_dispute_open(*, scope, line: ProviderBillLine, reason: str):
    if not may_enter(scope):
        raise ServiceError("Only the firm's people dispute the provider's bills.")
    reason = reason.strip()
    if not reason:
        raise ServiceError(
            "Say why the firm disputes this line, so the provider can answer.",
            field="reason",
        )
    with transaction.atomic():
        bill, line = _locked_line(scope, line)
        if line.match == Match.NOT_BILLED:
            raise ServiceError("Work that is not on the bill cannot be disputed.")
        if line.dispute == Dispute.OPEN:
            raise ServiceError("This line is already disputed.")
        line.dispute, line.dispute_reason = Dispute.OPEN, reason
        line.dispute_outcome, line.agreed_amount = "", None
        line.save(
            update_fields=[
                "dispute",
                "dispute_reason",
                "dispute_outcome",
                "agreed_amount",
                "updated_at",
            ]
        )
        _resettle(scope, bill)
        _audit(
            scope,
            bill,
            "dispute_opened",
            f"Disputed line {line.position} of provider bill {bill.number}",
            line=str(line.public_id),
            reason=reason[:500],
        )
    return line


def line_dispute_resolve(
    *, scope, line: ProviderBillLine, outcome: str, agreed_amount: Decimal
):
    if not may_decide(scope):
        raise ServiceError("Only an attorney or a firm admin resolves a dispute.")
    outcome = outcome.strip()
    if not outcome:
        raise ServiceError(
            "Say how the dispute ended (what the provider and the firm agreed).",
            field="outcome",
        )
    if agreed_amount is None or agreed_amount < 0:
        raise ServiceError(
            "Enter the amount agreed for this line (0 if nothing is owed).",
            field="agreed_amount",
        )
    with transaction.atomic():
        bill, line = _locked_line(scope, line)
        if line.dispute != Dispute.OPEN:
            raise ServiceError("This line has no open dispute to resolve.")
        line.dispute, line.dispute_outcome = Dispute.RESOLVED, outcome
        line.agreed_amount = money(agreed_amount)
        line.save(
            update_fields=["dispute", "dispute_outcome", "agreed_amount", "updated_at"]
        )
        _resettle(scope, bill)
        _audit(
            scope,
            bill,
            "dispute_resolved",
            f"Resolved the dispute on line {line.position} of provider bill "
            f"{bill.number}: agreed {_dollars(line.agreed_amount)}",
            line=str(line.public_id),
            outcome=outcome[:500],
            agreed_amount=str(line.agreed_amount),
        )
    return line


__all__ = [
    "BillIn",
    "LineIn",
    "access_provider_bill",
    "access_provider_bill_line",
    "bill_engagements",
    "bill_lines",
    "bill_problems",
    "bill_state",
    "line_dispute_open",
    "line_dispute_resolve",
    "may_decide",
    "may_enter",
    "may_see_bills",
    "parse_amount",
    "provider_bill_create",
    "provider_bill_reconcile",
    "provider_bills",
    "read_lines_csv",
    "reconciled_cost",
    "resolve_lines",
    "total_problem",
]
