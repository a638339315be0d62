"""LEDES 1998B: write invoices as the e-billing file clients' systems read,
check a file the way those systems do, and read its totals back.

The format (../shared/reference/ledes-1998b.md): line 1 ``LEDES1998B[]``, line 2
the 24 field names joined by ``|`` and ending ``[]``, then one line per line
item, each ending ``[]``, with the invoice's own values repeated on every line.

Decided where the format is silent (docs/billing-ledes.md says it for users):

- Lines end with CRLF, as e-billing systems built on Windows expect; the
  validator accepts LF too.
- Text is plain ASCII: letters with accents become their plain letters
  (``anyascii``: "José" → "Jose", a dash → "-"), line breaks and tabs become
  spaces, runs of spaces one space, ``|`` becomes ``/`` and square brackets
  round ones, so no field can end a line or a field early.
- Amounts have two decimals, no symbol, no thousands separator, a leading
  ``-`` when negative; units (hours) two decimals too.
- LINE_ITEM_NUMBER counts 1, 2, 3… within each invoice, in the invoice's order.
- INVOICE_TOTAL is always written as the sum of the line totals written.
- Invoice-level adjustments (IF, IE) carry their amount in both
  LINE_ITEM_ADJUSTMENT_AMOUNT and LINE_ITEM_TOTAL, units and unit cost blank.
"""

import datetime
import re
from collections.abc import Collection, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from functools import lru_cache

from anyascii import anyascii
from django.db import transaction
from django.db.models import BigIntegerField, CharField, F
from django.db.models.functions import Cast, Round
from django.utils import timezone
from nameparser import HumanName

from firmdesk.access.system import through_scoped
from firmdesk.audit.services import audit_record
from firmdesk.common.times import zone_named

from .models import BillingSettings, ClientBillingTerms, InvoiceLine, MatterBilling
from .money import CENT, ZERO
from .utbms import ACTIVITY_CODES, EXPENSE_CODES, TASK_CODES

FIRST_LINE = "LEDES1998B[]"
FIELDS = (
    "INVOICE_DATE",
    "INVOICE_NUMBER",
    "CLIENT_ID",
    "LAW_FIRM_MATTER_ID",
    "INVOICE_TOTAL",
    "BILLING_START_DATE",
    "BILLING_END_DATE",
    "INVOICE_DESCRIPTION",
    "LINE_ITEM_NUMBER",
    "EXP/FEE/INV_ADJ_TYPE",
    "LINE_ITEM_NUMBER_OF_UNITS",
    "LINE_ITEM_ADJUSTMENT_AMOUNT",
    "LINE_ITEM_TOTAL",
    "LINE_ITEM_DATE",
    "LINE_ITEM_TASK_CODE",
    "LINE_ITEM_EXPENSE_CODE",
    "LINE_ITEM_ACTIVITY_CODE",
    "TIMEKEEPER_ID",
    "LINE_ITEM_DESCRIPTION",
    "LAW_FIRM_ID",
    "LINE_ITEM_UNIT_COST",
    "TIMEKEEPER_NAME",
    "TIMEKEEPER_CLASSIFICATION",
    "CLIENT_MATTER_ID",
)
HEADER = "|".join(FIELDS) + "[]"
_ORDER = {name: position for position, name in enumerate(FIELDS)}
EOL = "\r\n"
TYPES = ("F", "E", "IF", "IE")
ADJUSTMENT_TYPES = ("IF", "IE")
(
    INVOICE_DATE,
    INVOICE_NUMBER,
    CLIENT_ID,
    LAW_FIRM_MATTER_ID,
    INVOICE_TOTAL,
    BILLING_START_DATE,
    BILLING_END_DATE,
    INVOICE_DESCRIPTION,
    LINE_ITEM_NUMBER,
    TYPE,
    UNITS,
    ADJUSTMENT,
    LINE_TOTAL,
    LINE_DATE,
    TASK_CODE,
    EXPENSE_CODE,
    ACTIVITY_CODE,
    TIMEKEEPER_ID,
    LINE_DESCRIPTION,
    LAW_FIRM_ID,
    UNIT_COST,
    TIMEKEEPER_NAME,
    TIMEKEEPER_CLASSIFICATION,
    CLIENT_MATTER_ID,
) = range(24)

REQUIRED = frozenset(
    (
        INVOICE_DATE,
        INVOICE_NUMBER,
        CLIENT_ID,
        LAW_FIRM_MATTER_ID,
        INVOICE_TOTAL,
        BILLING_START_DATE,
        BILLING_END_DATE,
        LINE_ITEM_NUMBER,
        TYPE,
        LINE_TOTAL,
        LINE_DATE,
        LINE_DESCRIPTION,
        LAW_FIRM_ID,
    )
)
# Character*20 in the specification.
WIDTH_20 = frozenset((INVOICE_NUMBER, CLIENT_ID, LAW_FIRM_MATTER_ID))
DATES = frozenset((INVOICE_DATE, BILLING_START_DATE, BILLING_END_DATE, LINE_DATE))
# The invoice's own values, repeated on each of its lines.
INVOICE_POSITIONS = (
    *range(INVOICE_DATE, LINE_ITEM_NUMBER),
    LAW_FIRM_ID,
    CLIENT_MATTER_ID,
)
LINE_POSITIONS = tuple(p for p in range(24) if p not in INVOICE_POSITIONS)
# Money is kept to the cent; units and unit costs may carry up to four
# decimals (Mitratech's "Currency * 12.4").
CENTS_AMOUNTS = frozenset((INVOICE_TOTAL, ADJUSTMENT, LINE_TOTAL))
FINE_AMOUNTS = frozenset((UNITS, UNIT_COST))


# --- The data a file is written from ------------------------------------------


@dataclass(frozen=True, slots=True)
class LedesLine:
    """One line item: a fee (F), an expense (E), or an invoice-level
    adjustment of fees (IF) or expenses (IE), whose amount is ``total``."""

    kind: str
    date: datetime.date
    description: str
    total: Decimal
    units: Decimal | None = None
    unit_cost: Decimal | None = None
    adjustment: Decimal = ZERO
    task_code: str = ""
    activity_code: str = ""
    expense_code: str = ""
    timekeeper_id: str = ""
    timekeeper_name: str = ""
    timekeeper_classification: str = ""


@dataclass(frozen=True, slots=True)
class LedesInvoice:
    number: str
    date: datetime.date
    client_id: str
    law_firm_matter_id: str
    billing_start: datetime.date
    billing_end: datetime.date
    law_firm_id: str
    lines: Sequence[LedesLine]
    description: str = ""
    client_matter_id: str = ""

    @property
    def total(self) -> Decimal:
        return sum((line.total for line in self.lines), ZERO)


# --- Writing -------------------------------------------------------------------

_SEPARATORS = str.maketrans({"|": "/", "[": "(", "]": ")"})


@lru_cache(maxsize=4096)
def clean(text: str) -> str:
    """``text`` as one safe LEDES field: plain ASCII on one line, with no
    ``|`` and no square brackets (so never ``[]``)."""
    if not text:
        return ""
    if not text.isascii():
        text = anyascii(text)
    return " ".join(text.translate(_SEPARATORS).split())


@lru_cache(maxsize=4096)
def _day(day: datetime.date) -> str:
    return f"{day.year:04d}{day.month:02d}{day.day:02d}"


def _amount(value: Decimal | None) -> str:
    if value is None:
        return ""
    text = f"{value:.2f}"
    return "0.00" if text == "-0.00" else text


@lru_cache(maxsize=1024)
def last_first(name: str) -> str:
    """A timekeeper's name as LEDES wants it: "Ortiz, Owen". A name already
    written that way is kept."""
    name = " ".join(name.split())
    if not name or "," in name:
        return name
    parsed = HumanName(name)
    if not parsed.last or not parsed.first:
        return name
    first = " ".join(part for part in (parsed.first, parsed.middle) if part)
    return f"{parsed.last}, {first}"


def export(invoices: Iterable[LedesInvoice]) -> Iterator[str]:
    """The file, line by line (each line with its CRLF), so a large file can
    be streamed or joined once."""
    yield FIRST_LINE + EOL
    yield HEADER + EOL
    for invoice in invoices:
        head = "|".join(
            (
                _day(invoice.date),
                clean(invoice.number),
                clean(invoice.client_id),
                clean(invoice.law_firm_matter_id),
                _amount(invoice.total),
                _day(invoice.billing_start),
                _day(invoice.billing_end),
                clean(invoice.description),
            )
        )
        firm_id = clean(invoice.law_firm_id)
        client_matter = clean(invoice.client_matter_id)
        for number, line in enumerate(invoice.lines, start=1):
            if line.kind in ADJUSTMENT_TYPES:
                units = cost = ""
                adjustment = total = _amount(line.total)
            else:
                units = _amount(line.units)
                cost = _amount(line.unit_cost)
                adjustment = _amount(line.adjustment)
                total = _amount(line.total)
            yield (
                f"{head}|{number}|{line.kind}|{units}|{adjustment}|{total}|"
                f"{_day(line.date)}|{clean(line.task_code)}|"
                f"{clean(line.expense_code)}|{clean(line.activity_code)}|"
                f"{clean(line.timekeeper_id)}|{clean(line.description)}|"
                f"{firm_id}|{cost}|{clean(last_first(line.timekeeper_name))}|"
                f"{clean(line.timekeeper_classification)}|{client_matter}[]{EOL}"
            )


def export_text(invoices: Iterable[LedesInvoice]) -> str:
    return "".join(export(invoices))


# --- Checking ------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Problem:
    """One thing an e-billing system would reject: where, and what to fix."""

    line: int
    field: str
    message: str

    def __str__(self) -> str:
        where = f"line {self.line}, {self.field}" if self.field else f"line {self.line}"
        return f"{where}: {self.message}"

    def to_dict(self) -> dict:
        return {"line": self.line, "field": self.field, "message": self.message}


_NUMBER = re.compile(r"-?\d+(?:\.\d+)?")
_INTEGER = re.compile(r"\d+")


@lru_cache(maxsize=8192)
def _date_problem(text: str) -> str:
    if len(text) != 8 or not text.isdigit() or not text.isascii():
        return f"“{text}” is not a date written YYYYMMDD (e.g. 20260131)."
    try:
        datetime.date(int(text[:4]), int(text[4:6]), int(text[6:]))
    except ValueError:
        return f"“{text}” is not a real calendar date."
    return ""


@lru_cache(maxsize=8192)
def _number_problem(text: str, places: int) -> str:
    if _NUMBER.fullmatch(text) and text.isascii():
        if "." in text and len(text) - text.index(".") - 1 > places:
            return f"“{text}” has more than {places} decimals."
        return ""
    if "$" in text or "€" in text or "£" in text:
        why = "a currency symbol"
    elif "," in text:
        why = "a comma"
    elif " " in text or text != text.strip():
        why = "a space"
    else:
        why = "characters other than digits, a point and a leading minus"
    return (
        f"“{text}” has {why}; amounts are digits with a point and a leading "
        "minus only (e.g. 1234.50 or -40.00)."
    )


def _is_negative_only(rule, client_id: str) -> bool:
    if isinstance(rule, bool):
        return rule
    return client_id in rule


def validate(
    text: str, *, negative_adjustments_only: bool | Collection[str] = False
) -> list[Problem]:
    """Every problem an e-billing system would reject the file for, each with
    its line number (the file's first line is 1), the field and what to fix.
    ``negative_adjustments_only``: True for every client, or the CLIENT_IDs
    whose systems accept only discounts (no premiums)."""
    problems: list[Problem] = []
    add = problems.append
    if text.startswith("\ufeff"):
        add(
            Problem(
                1,
                "",
                "The file starts with a byte-order mark; save it as plain ASCII text.",
            )
        )
        text = text[1:]
    rows = text.split("\n")
    while rows and rows[-1].strip() == "":
        rows.pop()
    if not rows:
        return [Problem(1, "", "The file is empty; line 1 must be LEDES1998B[].")]
    if rows[0].rstrip("\r") != FIRST_LINE:
        add(Problem(1, "", "Line 1 must be exactly LEDES1998B[]."))
    if len(rows) < 2:
        add(Problem(2, "", "The header line with the 24 field names is missing."))
        return problems
    _check_header(rows[1].rstrip("\r"), add)
    if len(rows) < 3:
        add(Problem(2, "", "The file has no line items."))
        return problems

    invoices: dict[str, _InvoiceSeen] = {}
    client_of_matter: dict[str, str] = {}
    # Totals and numbering across lines mean nothing once a line cannot be
    # read: those problems are kept aside and dropped then, so the person
    # sees the broken line and not its echoes.
    across: list[Problem] = []
    broken = False
    last_head: tuple = ()
    for index in range(2, len(rows)):
        number = index + 1
        row = rows[index].rstrip("\r")
        if not row.strip():
            add(Problem(number, "", "The line is empty; remove it."))
            broken = True
            continue
        if not row.endswith("[]"):
            add(Problem(number, "", "The line does not end with []."))
            body = row
        else:
            body = row[:-2]
        values = body.split("|")
        if len(values) != 24:
            add(
                Problem(
                    number,
                    "",
                    f"The line has {len(values)} fields; every line needs 24, "
                    "separated by |.",
                )
            )
            broken = True
            continue
        head = (
            *values[:LINE_ITEM_NUMBER],
            values[LAW_FIRM_ID],
            values[CLIENT_MATTER_ID],
        )
        _check_line(
            number,
            body,
            values,
            add,
            negative_adjustments_only,
            new_head=head != last_head,
        )
        last_head = head
        _check_across(number, values, add, across.append, invoices, client_of_matter)
    for invoice_number, seen in invoices.items():
        # An unreadable line total is reported where it is, not again here.
        if None not in (seen.total, seen.sum) and seen.total != seen.sum:
            across.append(
                Problem(
                    seen.first_line,
                    "INVOICE_TOTAL",
                    f"Invoice {invoice_number} says {seen.total:.2f} but its "
                    f"line totals add up to {seen.sum:.2f}.",
                )
            )
    if not broken:
        problems.extend(across)
    problems.sort(key=lambda p: (p.line, _ORDER.get(p.field, -1)))
    return problems


def _check_header(header: str, add) -> None:
    if header == HEADER:
        return
    names = header[:-2].split("|") if header.endswith("[]") else header.split("|")
    if not header.endswith("[]"):
        add(Problem(2, "", "The header line does not end with []."))
    if len(names) != 24:
        add(
            Problem(
                2,
                "",
                f"The header names {len(names)} fields; LEDES 1998B has 24 "
                "in a fixed order.",
            )
        )
        return
    for position, (found, wanted) in enumerate(zip(names, FIELDS, strict=True), 1):
        if found != wanted:
            add(
                Problem(
                    2,
                    wanted,
                    f"Field {position} of the header is “{found}”; it must be "
                    f"{wanted}.",
                )
            )


def _check_fields(number, values, add, positions) -> None:
    """Required, dates, amounts and widths of the fields at ``positions``."""
    for position in positions:
        value = values[position]
        if not value:
            if position in REQUIRED:
                add(Problem(number, FIELDS[position], "This field is required."))
            continue
        if position in DATES:
            message = _date_problem(value)
        elif position in CENTS_AMOUNTS:
            message = _number_problem(value, 2)
        elif position in FINE_AMOUNTS:
            message = _number_problem(value, 4)
        elif position in WIDTH_20 and len(value) > 20:
            message = f"“{value}” is longer than 20 characters."
        else:
            continue
        if message:
            add(Problem(number, FIELDS[position], message))


def _check_line(
    number: int, body: str, values: list[str], add, negative_only, *, new_head: bool
) -> None:
    """One line on its own. ``new_head``: its invoice-level fields differ from
    the line before (else they were checked there, and a problem in them is
    reported once, not on every line of the invoice)."""
    if new_head:
        _check_fields(number, values, add, INVOICE_POSITIONS)
    _check_fields(number, values, add, LINE_POSITIONS)
    if not body.isascii() or "[]" in body:
        for position, value in enumerate(values):
            if not value.isascii():
                add(
                    Problem(
                        number,
                        FIELDS[position],
                        "Has characters that are not plain ASCII.",
                    )
                )
            elif "[]" in value:
                add(
                    Problem(number, FIELDS[position], "Contains [], which ends a line.")
                )
    if values[LINE_ITEM_NUMBER] and not _INTEGER.fullmatch(values[LINE_ITEM_NUMBER]):
        add(
            Problem(
                number,
                "LINE_ITEM_NUMBER",
                f"“{values[LINE_ITEM_NUMBER]}” is not a whole number.",
            )
        )
    start, end = values[BILLING_START_DATE], values[BILLING_END_DATE]
    if (
        new_head
        and start
        and end
        and not _date_problem(start)
        and not _date_problem(end)
        and start > end
    ):
        add(
            Problem(
                number,
                "BILLING_END_DATE",
                "The billing period ends before it starts.",
            )
        )
    _check_codes(number, values, add)
    _check_arithmetic(number, values, add, negative_only)


def _check_codes(number: int, values: list[str], add) -> None:
    kind = values[TYPE]
    task, activity, expense = (
        values[TASK_CODE],
        values[ACTIVITY_CODE],
        values[EXPENSE_CODE],
    )
    if task and task not in TASK_CODES:
        add(
            Problem(
                number, "LINE_ITEM_TASK_CODE", f"“{task}” is not a UTBMS task code."
            )
        )
    if activity and activity not in ACTIVITY_CODES:
        add(
            Problem(
                number,
                "LINE_ITEM_ACTIVITY_CODE",
                f"“{activity}” is not a UTBMS activity code.",
            )
        )
    if expense and expense not in EXPENSE_CODES:
        add(
            Problem(
                number,
                "LINE_ITEM_EXPENSE_CODE",
                f"“{expense}” is not a UTBMS expense code.",
            )
        )
    if kind and kind not in TYPES:
        add(
            Problem(
                number,
                "EXP/FEE/INV_ADJ_TYPE",
                f"“{kind}” is not a line type; use F (fee), E (expense), IF or IE "
                "(adjustment of fees or expenses).",
            )
        )
    elif kind == "E" and not expense:
        add(
            Problem(
                number,
                "LINE_ITEM_EXPENSE_CODE",
                "An expense line needs its UTBMS expense code (e.g. E101).",
            )
        )
    elif kind == "F" and not values[TIMEKEEPER_ID]:
        add(
            Problem(
                number,
                "TIMEKEEPER_ID",
                "A fee line needs the ID of the timekeeper who did the work.",
            )
        )


@lru_cache(maxsize=65536)
def _decimal(text: str) -> Decimal | None:
    if not text or _number_problem(text, 4):
        return None
    try:
        return Decimal(text)
    except InvalidOperation:
        return None


def _check_arithmetic(number: int, values: list[str], add, negative_only) -> None:
    kind = values[TYPE]
    total = _decimal(values[LINE_TOTAL])
    adjustment = _decimal(values[ADJUSTMENT])
    if (
        adjustment is not None
        and adjustment > 0
        and _is_negative_only(negative_only, values[CLIENT_ID])
    ):
        add(
            Problem(
                number,
                "LINE_ITEM_ADJUSTMENT_AMOUNT",
                f"{values[ADJUSTMENT]} is an increase; this client accepts only "
                "discounts (negative adjustments).",
            )
        )
    units_text, cost_text = values[UNITS], values[UNIT_COST]
    if kind in ADJUSTMENT_TYPES and not units_text and not cost_text:
        if not values[ADJUSTMENT]:
            add(
                Problem(
                    number,
                    "LINE_ITEM_ADJUSTMENT_AMOUNT",
                    "An invoice-level adjustment needs its amount here.",
                )
            )
        elif adjustment is not None and total is not None and adjustment != total:
            add(
                Problem(
                    number,
                    "LINE_ITEM_TOTAL",
                    f"An invoice-level adjustment's total ({values[LINE_TOTAL]}) "
                    f"must equal its adjustment amount ({values[ADJUSTMENT]}).",
                )
            )
        return
    if kind not in TYPES:
        return
    for position, text in ((UNITS, units_text), (UNIT_COST, cost_text)):
        if not text:
            add(
                Problem(
                    number,
                    FIELDS[position],
                    "A fee or expense line needs units and a unit cost.",
                )
            )
    units, cost = _decimal(units_text), _decimal(cost_text)
    if units is None or cost is None or total is None:
        return
    expected = (units * cost).quantize(CENT, rounding=ROUND_HALF_UP) + (
        adjustment or ZERO
    )
    if expected != total:
        add(
            Problem(
                number,
                "LINE_ITEM_TOTAL",
                f"{values[LINE_TOTAL]} does not reconcile: {units_text} × "
                f"{cost_text} + {values[ADJUSTMENT] or '0'} = {expected:.2f}.",
            )
        )


@dataclass
class _InvoiceSeen:
    first_line: int
    date: str
    total: Decimal | None
    total_text: str
    last_item: int | None
    sum: Decimal | None = ZERO


def _check_across(number, values, add, add_sum, invoices, client_of_matter) -> None:
    """What holds between lines: first occurrence wins for the invoice date and
    for a matter's client; one total per invoice; line numbers 1, 2, 3…
    (``add_sum``: problems that depend on every line having been read)."""
    invoice_number = values[INVOICE_NUMBER]
    if not invoice_number:
        return
    item_text = values[LINE_ITEM_NUMBER]
    item = int(item_text) if _INTEGER.fullmatch(item_text) else None
    line_total = _decimal(values[LINE_TOTAL])
    seen = invoices.get(invoice_number)
    if seen is None:
        seen = invoices[invoice_number] = _InvoiceSeen(
            first_line=number,
            date=values[INVOICE_DATE],
            total=_decimal(values[INVOICE_TOTAL]),
            total_text=values[INVOICE_TOTAL],
            last_item=None,
        )
        if item is not None and item != 1:
            add_sum(
                Problem(
                    number,
                    "LINE_ITEM_NUMBER",
                    f"The first line of invoice {invoice_number} is numbered "
                    f"{item}; number its lines 1, 2, 3…",
                )
            )
    else:
        if values[INVOICE_DATE] != seen.date:
            add(
                Problem(
                    number,
                    "INVOICE_DATE",
                    f"Invoice {invoice_number} is dated {seen.date} on line "
                    f"{seen.first_line}; only that first date counts.",
                )
            )
        if values[INVOICE_TOTAL] != seen.total_text:
            add(
                Problem(
                    number,
                    "INVOICE_TOTAL",
                    f"Invoice {invoice_number} has the total {seen.total_text} "
                    f"on line {seen.first_line}; every line must repeat it.",
                )
            )
        if (
            item is not None
            and seen.last_item is not None
            and item != seen.last_item + 1
        ):
            add_sum(
                Problem(
                    number,
                    "LINE_ITEM_NUMBER",
                    f"Line item {item} follows {seen.last_item}; number the "
                    f"lines of invoice {invoice_number} 1, 2, 3…",
                )
            )
    if item is not None:
        seen.last_item = item
    if line_total is None:
        seen.sum = None
    elif seen.sum is not None:
        seen.sum += line_total
    matter, client = values[LAW_FIRM_MATTER_ID], values[CLIENT_ID]
    if matter:
        first_client = client_of_matter.setdefault(matter, client)
        if client != first_client:
            add(
                Problem(
                    number,
                    "CLIENT_ID",
                    f"Matter {matter} belongs to client {first_client} earlier "
                    "in the file; only that first client counts.",
                )
            )


# --- Reading back --------------------------------------------------------------


@dataclass
class ParsedInvoice:
    number: str
    total: Decimal
    line_totals: list[Decimal] = field(default_factory=list)


def parse(text: str) -> list[ParsedInvoice]:
    """Each invoice of a file (one that passed ``validate``) with its
    INVOICE_TOTAL and its line totals, in the order the file gives them."""
    found: dict[str, ParsedInvoice] = {}
    for row in text.lstrip("\ufeff").splitlines()[2:]:
        row = row.rstrip()
        if not row:
            continue
        values = row.removesuffix("[]").split("|")
        if len(values) != 24:
            raise ValueError(f"Not a LEDES 1998B line: {row[:80]}")
        invoice = found.get(values[INVOICE_NUMBER])
        if invoice is None:
            invoice = found[values[INVOICE_NUMBER]] = ParsedInvoice(
                values[INVOICE_NUMBER], Decimal(values[INVOICE_TOTAL])
            )
        invoice.line_totals.append(Decimal(values[LINE_TOTAL]))
    return list(found.values())


# --- From the database ---------------------------------------------------------

# Django turns every decimal and date of a row into Python objects one value
# at a time (on SQLite: float → Decimal → quantize), which was four fifths of
# the time to export 100,000 lines. Hundredths as integers and dates as ISO
# text come back as they are; ``_hundredths`` and ``_iso_day`` finish the job.
_HUNDREDTHS = ("units", "unit_cost", "adjustment", "total")
_LINE_COLUMNS = (
    "invoice_id",
    "kind",
    "iso_day",
    "description",
    *(f"{name}_100" for name in _HUNDREDTHS),
    "task_code",
    "activity_code",
    "expense_code",
    "timekeeper_code",
    "timekeeper_name",
    "timekeeper_classification",
)


def _hundredths(value: int) -> Decimal:
    return Decimal(value).scaleb(-2)


@lru_cache(maxsize=8192)
def _iso_day(text: str) -> datetime.date:
    return datetime.date.fromisoformat(text)


@dataclass
class LedesBatch:
    """Invoices ready to write, with the clients whose systems take only
    negative adjustments (``ClientBillingTerms.adjustments_negative_only``)."""

    invoices: list[LedesInvoice]
    negative_only_clients: set[str]


def fallback_client_id(name: str) -> str:
    """A CLIENT_ID for a client the firm has given no LEDES code: the
    letters and digits of its name in capitals, at most 20."""
    return "".join(ch for ch in clean(name).upper() if ch.isalnum())[:20]


def invoice_ledes(invoices) -> LedesBatch:
    """``invoices`` (rows of one firm the caller may read, with ``matter`` and
    ``client``) in LEDES terms, their lines read in one query."""
    invoices = list(invoices)
    if not invoices:
        return LedesBatch([], set())
    firm = invoices[0].firm
    if any(invoice.firm_id != firm.pk for invoice in invoices):
        raise ValueError("One LEDES file holds the invoices of one firm.")
    law_firm_id = (
        BillingSettings.objects.for_firm(firm)
        .values_list("law_firm_id", flat=True)
        .first()
        or ""
    )
    terms = {
        client_id: (code, negative)
        for client_id, code, negative in through_scoped(ClientBillingTerms)
        .filter(client_id__in={i.client_id for i in invoices if i.client_id})
        .values_list("client_id", "client_code", "adjustments_negative_only")
    }
    client_matter_ids = dict(
        through_scoped(MatterBilling)
        .filter(matter_id__in={i.matter_id for i in invoices})
        .values_list("matter_id", "client_matter_id")
    )
    lines: dict[int, list[LedesLine]] = {i.pk: [] for i in invoices}
    rows = (
        through_scoped(InvoiceLine)
        .filter(invoice_id__in=list(lines))
        .order_by("invoice_id", "position")
        .annotate(
            iso_day=Cast("date", CharField()),
            **{
                f"{name}_100": Cast(Round(F(name) * 100), BigIntegerField())
                for name in _HUNDREDTHS
            },
        )
        .values_list(*_LINE_COLUMNS)
        .iterator(chunk_size=5000)
    )
    for row in rows:
        (invoice_id, kind, day) = row[:3]
        units, cost, adjustment, total = map(_hundredths, row[4:8])
        day, text = _iso_day(day), row[3]
        if kind in ADJUSTMENT_TYPES:
            total = total or adjustment
            units = cost = None
            adjustment = total
        lines[invoice_id].append(
            LedesLine(kind, day, text, total, units, cost, adjustment, *row[8:])
        )
    # A draft not issued yet is dated the day its file is made, at the firm.
    today = timezone.localdate(timezone=zone_named(firm.time_zone))
    batch = LedesBatch([], set())
    for invoice in invoices:
        code, negative = terms.get(invoice.client_id, ("", False))
        if not code and invoice.client is not None:
            code = fallback_client_id(invoice.client.name)
        if negative:
            batch.negative_only_clients.add(clean(code))
        batch.invoices.append(
            LedesInvoice(
                number=invoice.number,
                date=invoice.issued_on or today,
                client_id=code,
                law_firm_matter_id=invoice.matter.number,
                billing_start=invoice.period_start,
                billing_end=invoice.period_end,
                law_firm_id=law_firm_id,
                lines=lines[invoice.pk],
                description=invoice.description,
                client_matter_id=client_matter_ids.get(invoice.matter_id, ""),
            )
        )
    return batch


@dataclass
class LedesFile:
    """What an export gives: the file, or why it may not go out."""

    text: str = ""
    problems: list[Problem] = field(default_factory=list)
    refused: str = ""
    lines: int = 0

    @property
    def ok(self) -> bool:
        return not self.problems and not self.refused


def ledes_export(*, firm, invoices, actor, where: str) -> LedesFile:
    """``invoices`` of ``firm`` as one LEDES 1998B file, checked by the
    validator first; given out (and audited, one event per invoice, in one
    transaction) only when nothing is wrong. ``where`` says how it was asked
    for ("the invoice page", "the command line")."""
    invoices = list(invoices)
    void = [i.number for i in invoices if i.status == "void"]
    if void:
        return LedesFile(
            refused=f"Invoice {', '.join(void)} is void; a void invoice is not "
            "sent to a client."
        )
    batch = invoice_ledes(invoices)
    bare = [i.number for i in batch.invoices if not i.lines]
    if bare:
        return LedesFile(
            refused=f"Invoice {', '.join(bare)} has no lines yet; add its time "
            "and expenses first."
        )
    text = export_text(batch.invoices)
    problems = validate(text, negative_adjustments_only=batch.negative_only_clients)
    count = sum(len(i.lines) for i in batch.invoices)
    if problems:
        return LedesFile(problems=problems, lines=count)
    with transaction.atomic():
        for invoice in invoices:
            audit_record(
                org=firm,
                actor=actor,
                action="invoice.ledes_exported",
                obj=invoice,
                matter=invoice.matter,
                summary=f"Exported invoice {invoice.number} as LEDES 1998B "
                f"from {where}",
                detail={"format": "LEDES1998B", "invoices": len(invoices)},
            )
    return LedesFile(text=text, lines=count)


# Field names in words, for pages that list problems to people who bill.
FIELD_LABELS = {
    "INVOICE_DATE": "Invoice date",
    "INVOICE_NUMBER": "Invoice number",
    "CLIENT_ID": "Client's LEDES code",
    "LAW_FIRM_MATTER_ID": "Matter number",
    "INVOICE_TOTAL": "Invoice total",
    "BILLING_START_DATE": "Billing period start",
    "BILLING_END_DATE": "Billing period end",
    "INVOICE_DESCRIPTION": "Invoice description",
    "LINE_ITEM_NUMBER": "Line number",
    "EXP/FEE/INV_ADJ_TYPE": "Line type",
    "LINE_ITEM_NUMBER_OF_UNITS": "Hours or quantity",
    "LINE_ITEM_ADJUSTMENT_AMOUNT": "Adjustment",
    "LINE_ITEM_TOTAL": "Line total",
    "LINE_ITEM_DATE": "Date of the work or expense",
    "LINE_ITEM_TASK_CODE": "UTBMS task code",
    "LINE_ITEM_EXPENSE_CODE": "UTBMS expense code",
    "LINE_ITEM_ACTIVITY_CODE": "UTBMS activity code",
    "TIMEKEEPER_ID": "Timekeeper ID",
    "LINE_ITEM_DESCRIPTION": "Description",
    "LAW_FIRM_ID": "Firm's taxpayer ID",
    "LINE_ITEM_UNIT_COST": "Rate or unit price",
    "TIMEKEEPER_NAME": "Timekeeper name",
    "TIMEKEEPER_CLASSIFICATION": "Timekeeper classification",
    "CLIENT_MATTER_ID": "Client's matter number",
}

# Where a person fixes a problem that is not on the invoice itself.
FIELD_HINTS = {
    "LAW_FIRM_ID": "Enter the firm's federal taxpayer ID in the billing settings.",
    "CLIENT_ID": "Enter the client's LEDES code in the client's billing terms.",
    "CLIENT_MATTER_ID": "The client's own matter number is set in the matter's "
    "billing terms.",
}
