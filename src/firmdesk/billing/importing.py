"""Import time entries (and expenses) from Clio, MyCase, Bill4Time and TimeSolv
files, or any other system's through a column mapping (issue 17, item 8).

``time_import`` is the one entry point. Like the contact import
(``conflicts.importing``) it reads the whole file, checks every row and either
writes everything in one transaction (entries, expenses and one audit event) or
writes nothing and returns every problem with its line number. With
``dry_run`` it writes nothing and returns a preview of the first rows.

Decided where the issue is silent (docs/billing-import.md says it for users):

* Line numbers count the header as line 1, as a spreadsheet does.
* Matters are found among those the importing person may see: by number, by
  the number before " - " or ":" in Clio's display string, else by the
  matter's exact title (MyCase and Bill4Time name the case, not its number).
* People are found by full name or e-mail among the firm's members and the
  provider staff assigned to it; two people with the same name need the
  e-mail.
* Importing the same file twice adds nothing the second time: each row gets
  an ``import_ref``, the source's own id where the file has one
  (``mycase:123``), else a fingerprint of what the row says (``row:`` and a
  hash of the matter, date, person, hours, rate and narrative, with a count
  so two identical rows in one file stay two entries). Rows whose reference
  the firm already holds are skipped and counted.
* Entries go in as ``submitted``, to pass the pre-bill review, except those
  the file says were already billed in the old system (a MyCase invoice,
  Bill4Time's "Billing Complete", Clio's "Billed"): those go in as ``billed``
  so nobody bills them twice.
* Hours are kept to the hundredth as the file gives them (h:mm is converted);
  entries off the firm's increment are flagged by the pre-bill review rather
  than rounded here.
"""

import datetime
import hashlib
import re
import time
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

from django.db import transaction
from django.db.models import Q

from firmdesk.audit.services import audit_record
from firmdesk.common.changes import rows_written
from firmdesk.conflicts.importing import (
    MAX_LISTED_ERRORS,
    CellProblem,
    FileProblem,
    RowError,
    header_key,
    read_csv_upload,
)
from firmdesk.engagements.models import Assignment, Engagement
from firmdesk.matters.models import Matter
from firmdesk.orgs.models import Membership

from .models import (
    BillingSettings,
    Expense,
    MatterBilling,
    MatterRate,
    Source,
    Status,
    TimeEntry,
)
from .money import CENT, money
from .rates import billing_settings, terms_for
from .utbms import ACTIVITY_CODES, EXPENSE_CODES, TASK_CODES

LAYOUT_LABELS = {
    "clio": "Clio",
    "mycase": "MyCase",
    "bill4time": "Bill4Time",
    "timesolv": "TimeSolv",
    "generic": "another system (column mapping)",
}
LAYOUTS = tuple(LAYOUT_LABELS)
DATE_ORDERS = ("us", "day_first")
PREVIEW_ROWS = 20
MAX_BYTES = 50 * 1024 * 1024

# Our fields, for the generic mapping, with what each holds.
FIELDS = {
    "matter": "the matter number (or its exact title)",
    "date": "the day the work was done",
    "timekeeper": "who did it: full name or e-mail",
    "hours": "hours, as 1.5 or 1:30",
    "rate": "hourly rate (blank: the firm's rate for that person and matter)",
    "narrative": "the description of the work",
    "billable": "yes or no",
    "task_code": "UTBMS task code (L110 …)",
    "activity_code": "UTBMS activity code (A101 …)",
    "type": "“time” or “expense” (blank: time)",
    "quantity": "expenses: how many",
    "unit_cost": "expenses: the price of one",
    "expense_code": "UTBMS expense code (E101 …)",
    "id": "the entry's id in the old system",
}

# Per layout, the headers (compared by ``header_key``) that feed each field,
# best first; a row takes the first non-empty one. Sources and how sure we are:
# /work/shared/reference/import-layouts.md and docs/billing-import.md.
LAYOUT_HEADERS: dict[str, dict[str, tuple[str, ...]]] = {
    "clio": {
        "matter": ("matter",),
        "date": ("date",),
        "timekeeper": ("activity_user", "user"),
        "hours": ("quantity",),
        "quantity": ("quantity",),
        "rate": ("price", "rate"),
        "unit_cost": ("price", "rate"),
        "narrative": ("note", "description_note", "description"),
        "activity": ("activity_description", "activity_category"),
        "type": ("type",),
        "non_billable": ("non_billable",),
        "billed": ("billed",),
        "id": ("id",),
    },
    "mycase": {
        "matter": ("case_name", "case_link", "case"),
        "date": ("date",),
        "timekeeper": ("user",),
        "hours": ("time", "hours"),
        "quantity": ("quantity",),
        "rate": ("rate",),
        "unit_cost": ("cost",),
        "narrative": ("description",),
        "activity": ("activity",),
        "non_billable": ("nonbillable", "non_billable"),
        "invoice": ("invoice",),
        "id": ("mycase_id", "legalcase_id"),
    },
    "bill4time": {
        "matter": (
            "project_id_from_previous_software",
            "project_name",
            "project",
        ),
        "date": ("date_of_work",),
        "timekeeper": ("user", "for_user"),
        "hours": ("override_billable_hrs", "billable_hrs", "billable_hours"),
        "rate": ("override_rate", "rate"),
        "narrative": ("public_description", "private_description"),
        "activity": ("activity",),
        "billable": ("billable",),
        "billed": ("status",),
    },
    "timesolv": {
        "matter": ("matter", "matter_id"),
        "date": ("date",),
        "timekeeper": ("for", "timekeeper"),
        "hours": ("hours",),
        "rate": ("rate",),
        "narrative": ("description",),
        "task_code": ("task_code",),
        "activity_code": ("activity_code",),
        "billable": ("billable_type",),
    },
    "generic": {},
}
# The columns that tell a layout apart, checked in this order.
SIGNATURES = (
    ("mycase", ({"mycase_id"}, {"case_name", "time"}, {"case_name", "cost"})),
    ("bill4time", ({"date_of_work"}, {"project_name", "billable_hours"})),
    ("clio", ({"activity_user"}, {"activity_description", "quantity"})),
    ("timesolv", ({"billable_type"}, {"for", "matter", "hours"})),
)
REQUIRED = ("matter", "date", "timekeeper")
# Systems sold in the US only write month/day/year; Clio (sold abroad too)
# follows the account's setting and other systems are unknown, so for those a
# file whose dates could be read either way makes the person choose.
US_ONLY = ("mycase", "bill4time", "timesolv")
ENDED = Engagement.Status.ENDED


def detect_layout(header: list[str]) -> str | None:
    """The layout whose characteristic columns the header has, or None."""
    keys = {header_key(h) for h in header}
    for layout, signatures in SIGNATURES:
        if any(signature <= keys for signature in signatures):
            return layout
    return None


# --- Result ------------------------------------------------------------------


@dataclass(frozen=True)
class PreviewRow:
    line: int
    kind: str
    date: datetime.date
    matter: str
    timekeeper: str
    hours: Decimal
    rate: Decimal
    amount: Decimal
    narrative: str
    billable: bool
    status: str
    duplicate: bool


@dataclass
class TimeImportResult:
    layout: str = ""
    filename: str = ""
    encoding: str = ""
    date_order: str = ""
    dry_run: bool = False
    rows: int = 0
    time_entries: int = 0
    expenses: int = 0
    already_billed: int = 0
    already_imported: int = 0
    hours: Decimal = Decimal("0.00")
    amount: Decimal = Decimal("0.00")
    seconds: float = 0.0
    needs_date_order: bool = False
    needs_mapping: bool = False
    header: list[str] = field(default_factory=list)
    errors: list[RowError] = field(default_factory=list)
    error_count: int = 0
    preview: list[PreviewRow] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.error_count

    @property
    def written(self) -> bool:
        return self.ok and not self.dry_run

    @property
    def layout_label(self) -> str:
        return LAYOUT_LABELS.get(self.layout, "")

    def add_error(self, line: int | None, message: str) -> None:
        self.error_count += 1
        if len(self.errors) < MAX_LISTED_ERRORS:
            self.errors.append(RowError(line, message))

    def counts_text(self) -> str:
        parts = [_plural(self.time_entries, "time entry", "time entries")]
        if self.expenses:
            parts.append(_plural(self.expenses, "expense"))
        text = " and ".join(parts) + f" ({self.hours:,} hours)"
        if self.already_billed:
            text += (
                f"; {_plural(self.already_billed, 'row')} already billed in the "
                "old system, kept as billed"
            )
        if self.already_imported:
            text += (
                f"; {_plural(self.already_imported, 'row')} imported before and skipped"
            )
        return text

    def summary(self) -> str:
        name = f"“{self.filename}”" if self.filename else "The file"
        if not self.ok:
            n = self.error_count
            return (
                f"Nothing was imported from {name}: {n:,} problem"
                f"{'s' if n != 1 else ''} to fix first. Correct them in the file "
                "(or choose the settings below) and check it again."
            )
        if self.dry_run:
            return (
                f"{name} is ready to import ({self.rows:,} rows, read as "
                f"{self.layout_label}). Importing it would add "
                f"{self.counts_text()}. Nothing has been written yet."
            )
        return (
            f"Imported {name}: added {self.counts_text()}. New entries wait "
            "in the pre-bill review."
        )


def _plural(n: int, word: str, plural: str | None = None) -> str:
    return f"{n:,} {word if n == 1 else (plural or word + 's')}"


# --- Reading the file ----------------------------------------------------------


_DATE_ISO = re.compile(r"(\d{4})-(\d{1,2})-(\d{1,2})(?:[ T].*)?$")
_DATE_SLASHED = re.compile(r"(\d{1,2})[/.-](\d{1,2})[/.-](\d+)(?:\s+\d{1,2}:.*)?$")


def date_parts(text: str) -> tuple[int, int, int, bool] | None:
    """(first, second, year, iso) of a written date, before deciding which of
    first and second is the month; None for an empty cell."""
    value = text.strip()
    if not value:
        return None
    iso = _DATE_ISO.match(value)
    if iso:
        year, month, day = (int(g) for g in iso.groups())
        return month, day, year, True
    slashed = _DATE_SLASHED.match(value)
    if slashed is None:
        raise CellProblem(
            f"“{value}” is not a date we can read; write it like 3/14/2026 "
            "or 2026-03-14"
        )
    if len(slashed.group(3)) != 4:
        raise CellProblem(
            f"“{value}” does not have a four-digit year; write it like 3/14/2026"
        )
    first, second, year = (int(g) for g in slashed.groups())
    return first, second, year, False


def parse_date(text: str, order: str) -> datetime.date:
    parts = date_parts(text)
    if parts is None:
        raise CellProblem("the date is empty")
    first, second, year, iso = parts
    month, day = (first, second) if iso or order == "us" else (second, first)
    try:
        return datetime.date(year, month, day)
    except ValueError:
        hint = (
            " (dates are read day/month/year)"
            if order == "day_first"
            else " (dates are read month/day/year)"
        )
        raise CellProblem(f"“{text.strip()}” is not a real date{hint}") from None


def settle_date_order(values: list[str], chosen: str) -> tuple[str, bool]:
    """The date order for the file: the one chosen, else the one its dates
    prove (a 25/03/2026 is day-first), else US when no date could be read two
    ways. The flag says the dates are ambiguous and the person must choose."""
    if chosen:
        return chosen, False
    day_first = us = ambiguous = False
    for value in values:
        try:
            parts = date_parts(value)
        except CellProblem:
            continue
        if parts is None or parts[3]:
            continue
        first, second = parts[0], parts[1]
        day_first |= first > 12 >= second
        us |= second > 12 >= first
        ambiguous |= first <= 12 and second <= 12 and first != second
    if day_first and not us:
        return "day_first", False
    if us and not day_first:
        return "us", False
    return "us", ambiguous or (us and day_first)


_AMOUNT = re.compile(r"-?(\d{1,3}(,\d{3})+|\d+)(\.\d+)?|-?\.\d+")


def parse_amount(text: str, what: str) -> Decimal | None:
    """A sum of money: "$1,250.00", "1250", "(12.50)" for a negative."""
    value = text.strip().replace(" ", "").replace("\u00a0", "")
    if not value:
        return None
    negative = value.startswith("(") and value.endswith(")")
    value = value.strip("()").replace("$", "").replace("USD", "")
    if not _AMOUNT.fullmatch(value):
        raise CellProblem(
            f"the {what} “{text.strip()}” is not an amount; write it like 1250.00 "
            "or $1,250.00"
        )
    amount = Decimal(value.replace(",", ""))
    return -amount if negative else amount


_CLOCK = re.compile(r"(\d+):([0-5]\d)(?::[0-5]\d)?")


def parse_hours(text: str) -> tuple[Decimal, int | None] | None:
    """Hours as a decimal ("1.5", "1,5" is refused) or h:mm ("1:30"); the
    minutes too when the file gives them exactly."""
    value = text.strip().lower().removesuffix("h").strip()
    if not value:
        return None
    clock = _CLOCK.fullmatch(value)
    if clock:
        minutes = int(clock.group(1)) * 60 + int(clock.group(2))
        hours = (Decimal(minutes) / 60).quantize(CENT, rounding=ROUND_HALF_UP)
        return hours, minutes
    try:
        hours = Decimal(value)
    except InvalidOperation:
        raise CellProblem(
            f"the hours “{text.strip()}” are not a number; write them like 1.5 or 1:30"
        ) from None
    if not hours.is_finite():
        raise CellProblem(f"the hours “{text.strip()}” are not a number")
    return hours.quantize(CENT, rounding=ROUND_HALF_UP), None


_TRUE = {"yes", "y", "true", "1", "x", "billable"}
_FALSE = {"no", "n", "false", "0", "non_billable", "nonbillable", "no_charge"}


def parse_yes_no(text: str, what: str) -> bool | None:
    word = header_key(text)
    if not word:
        return None
    if word in _TRUE:
        return True
    if word in _FALSE:
        return False
    raise CellProblem(f"the {what} column says “{text.strip()}”; write yes or no")


_EXPENSE_TYPES = {"expense", "expenseentry", "hardcostentry", "softcostentry", "e"}
_TIME_TYPES = {"", "time", "timeentry", "fee", "f"}


def parse_kind(text: str) -> str:
    word = header_key(text).replace("_", "")
    if word in _TIME_TYPES:
        return "time"
    if word in _EXPENSE_TYPES:
        return "expense"
    raise CellProblem(
        f"the type “{text.strip()}” is neither time nor an expense; leave it "
        "blank for time or write ExpenseEntry"
    )


def _billed(layout: str, cells: dict[str, str]) -> bool:
    if cells.get("invoice", "").strip():
        return True
    status = header_key(cells.get("billed", ""))
    return status in {"billing_complete", "billed", "yes", "true", "y", "1"}


def _code(value: str, codes: dict, what: str) -> str:
    code = value.strip().upper()
    if code and code not in codes:
        raise CellProblem(f"“{value.strip()}” is not a UTBMS {what} code we know")
    return code


# --- Matching matters and people ------------------------------------------------


def _name_key(text: str) -> str:
    return " ".join(text.lower().split())


class _Directory:
    """The matters the importing person may see and the firm's people, read
    once, so a large file costs a few queries rather than a few per row."""

    def __init__(self, scope):
        self.firm = scope.firm
        self.numbers: dict[str, Matter] = {}
        titles: dict[str, list[Matter]] = defaultdict(list)
        for matter in Matter.objects.in_scope(scope).only("id", "number", "title"):
            self.numbers[_name_key(matter.number)] = matter
            titles[_name_key(matter.title)].append(matter)
        self.titles = titles
        members = Membership.objects.filter(
            organization=scope.firm, is_active=True
        ).select_related("user")
        people = {m.user_id: m.user for m in members}
        # Provider staff's time is recorded under their engagement with the
        # firm: the running one when there is one, else the latest.
        self.engagement_of: dict[int, object] = {}
        assignments = sorted(
            Assignment.objects.for_firm(scope.firm).select_related(
                "user", "engagement"
            ),
            key=lambda a: (a.engagement.status != ENDED, a.start_date),
        )
        for assignment in assignments:
            if assignment.user_id in people and assignment.user_id not in (
                self.engagement_of
            ):
                continue
            people[assignment.user_id] = assignment.user
            self.engagement_of[assignment.user_id] = assignment.engagement
        self.by_email = {u.email.lower(): u for u in people.values() if u.email}
        by_name: dict[str, list] = defaultdict(list)
        for user in people.values():
            if user.full_name:
                by_name[_name_key(user.full_name)].append(user)
        self.by_name = by_name

    def matter(self, value: str) -> Matter:
        key = _name_key(value)
        candidates = [key]
        for separator in (" - ", ":"):
            head = key.split(separator, 1)[0].strip()
            if head and head not in candidates:
                candidates.append(head)
        for candidate in candidates:
            if candidate in self.numbers:
                return self.numbers[candidate]
        titled = self.titles.get(key, [])
        if len(titled) == 1:
            return titled[0]
        if len(titled) > 1:
            raise CellProblem(
                f"{len(titled)} matters are titled “{value.strip()}”; write the "
                "matter number instead"
            )
        raise CellProblem(
            f"no matter you can see has the number or title “{value.strip()}”; "
            "check the number, or open the matter in FirmDesk first"
        )

    def person(self, value: str):
        key = _name_key(value)
        if "@" in key and key in self.by_email:
            return self.by_email[key]
        named = self.by_name.get(key, [])
        if len(named) == 1:
            return named[0]
        if len(named) > 1:
            raise CellProblem(
                f"{len(named)} people are called “{value.strip()}”; write the "
                "person's e-mail instead"
            )
        raise CellProblem(
            f"“{value.strip()}” is not one of the firm's people or its outside "
            "staff; write their full name as in FirmDesk, or their e-mail"
        )


# --- Rows --------------------------------------------------------------------


@dataclass
class _Entry:
    line: int
    kind: str
    matter: Matter
    user: object
    date: datetime.date
    hours: Decimal
    minutes: int | None
    rate: Decimal | None
    narrative: str
    billable: bool | None
    billed: bool
    task_code: str = ""
    activity_code: str = ""
    expense_code: str = ""
    ref: str = ""


def _columns(
    header: list[str], layout: str, mapping: dict[str, str] | None
) -> tuple[dict[str, list[int]], list[str]]:
    """Which columns feed which of our fields, and the header's problems."""
    keys = [header_key(h) for h in header]
    columns: dict[str, list[int]] = {}
    for name, wanted in LAYOUT_HEADERS[layout].items():
        found = [keys.index(w) for w in wanted if w in keys]
        if found:
            columns[name] = found
    problems = []
    for ours, theirs in (mapping or {}).items():
        if ours not in FIELDS:
            problems.append(
                f"“{ours}” is not one of our fields; ours are: {', '.join(FIELDS)}"
            )
            continue
        if not theirs:
            continue
        if header_key(theirs) not in keys:
            problems.append(
                f"the mapping puts {ours} in the column “{theirs}”, which the "
                "file does not have"
            )
            continue
        columns[ours] = [keys.index(header_key(theirs))]
        if ours == "quantity" and "hours" not in columns:
            columns["hours"] = columns[ours]
    if layout != "generic" or mapping:
        missing = [name for name in REQUIRED if name not in columns]
        if missing:
            problems.append(
                "no column holds the "
                + ", ".join(missing)
                + (
                    "; choose the columns below"
                    if layout == "generic"
                    else f" (the {LAYOUT_LABELS[layout]} layout reads "
                    + "; ".join(
                        f"{name}: {' or '.join(LAYOUT_HEADERS[layout][name])}"
                        for name in missing
                        if name in LAYOUT_HEADERS[layout]
                    )
                    + "); choose “another system” and map the columns"
                )
            )
        if "hours" not in columns and "quantity" not in columns:
            problems.append("no column holds the hours")
    return columns, problems


def _cells(columns: dict[str, list[int]], row: list[str]) -> dict[str, str]:
    out = {}
    for name, indexes in columns.items():
        for i in indexes:
            if i < len(row) and row[i].strip():
                out[name] = row[i].strip()
                break
        else:
            out[name] = ""
    return out


def _read(
    line: int,
    cells: dict[str, str],
    *,
    layout: str,
    kind: str,
    date_order: str,
    directory: _Directory,
) -> tuple[_Entry | None, list[str]]:
    problems: list[str] = []

    def take(fn, *args):
        try:
            return fn(*args)
        except CellProblem as exc:
            problems.append(str(exc))
            return None

    if "type" in cells:
        kind = take(parse_kind, cells["type"]) or kind
    matter = user = day = None
    if cells.get("matter"):
        matter = take(directory.matter, cells["matter"])
    else:
        problems.append("the matter is empty")
    if cells.get("timekeeper"):
        user = take(directory.person, cells["timekeeper"])
    else:
        problems.append("who did the work is empty")
    day = take(parse_date, cells.get("date", ""), date_order)
    narrative = cells.get("narrative") or cells.get("activity", "")
    billable = None
    if "non_billable" in cells:
        flag = take(parse_yes_no, cells["non_billable"], "non-billable")
        billable = None if flag is None else not flag
    if billable is None and "billable" in cells:
        billable = take(parse_yes_no, cells["billable"], "billable")
    entry = {
        "narrative": narrative,
        "billable": billable,
        "billed": _billed(layout, cells),
    }
    if kind == "expense":
        quantity_text = cells.get("quantity") or cells.get("hours") or "1"
        quantity = take(parse_amount, quantity_text, "quantity")
        cost = take(parse_amount, cells.get("unit_cost", ""), "price")
        if cost is None and not problems:
            problems.append("the price of the expense is empty")
        if quantity is not None and quantity <= 0:
            problems.append("the quantity must be more than zero")
        if not narrative:
            problems.append("the expense has no description")
        code = take(_code, cells.get("expense_code", ""), EXPENSE_CODES, "expense")
        entry.update(
            hours=quantity or Decimal(1),
            minutes=None,
            rate=cost,
            expense_code=code or "",
        )
    else:
        parsed = take(parse_hours, cells.get("hours", ""))
        if parsed is None and not any("hours" in p for p in problems):
            problems.append("the hours are empty")
        hours, minutes = parsed or (Decimal(0), None)
        if parsed and not Decimal(0) < hours <= 24:
            problems.append(
                f"{hours} hours is not a day's work; write between 0.01 and 24"
            )
        rate = take(parse_amount, cells.get("rate", ""), "rate")
        if rate is not None and rate < 0:
            problems.append("the rate cannot be negative")
        entry.update(
            hours=hours,
            minutes=minutes,
            rate=rate,
            task_code=take(_code, cells.get("task_code", ""), TASK_CODES, "task") or "",
            activity_code=take(
                _code, cells.get("activity_code", ""), ACTIVITY_CODES, "activity"
            )
            or "",
        )
    if problems:
        return None, problems
    ref = cells.get("id", "")
    return (
        _Entry(
            line=line,
            kind=kind,
            matter=matter,
            user=user,
            date=day,
            ref=f"{layout}:{ref}"[:80] if ref else "",
            **entry,
        ),
        [],
    )


def _fingerprint(entry: _Entry) -> str:
    text = "|".join(
        str(part)
        for part in (
            entry.kind,
            entry.matter.number,
            entry.date.isoformat(),
            entry.user.pk,
            entry.hours,
            entry.rate,
            _name_key(entry.narrative),
        )
    )
    return hashlib.sha256(text.encode("utf-8")).hexdigest()[:40]


# --- The import -------------------------------------------------------------------


def time_import(
    *,
    scope,
    actor,
    file,
    layout: str = "",
    mapping: dict[str, str] | None = None,
    date_order: str = "",
    dry_run: bool = False,
    filename: str = "",
) -> TimeImportResult:
    """Import a CSV file of time entries (and expenses) into ``scope.firm``.

    ``layout`` is one of ``LAYOUTS`` or empty to detect it from the header;
    ``mapping`` maps our fields (``FIELDS``) to the file's headers and is
    what the generic layout reads; ``date_order`` ("us" or "day_first") says
    how to read 03/04/2026 and is needed only when the file's dates leave it
    open. Problems come back in ``result.errors`` and nothing is written.
    """
    if not scope.works_on("billing"):
        raise PermissionError("Only people who do the firm's billing import time.")
    if layout and layout not in LAYOUTS:
        raise ValueError(f"layout must be one of {LAYOUTS}, not {layout!r}")
    if date_order and date_order not in DATE_ORDERS:
        raise ValueError(f"date_order must be one of {DATE_ORDERS}")
    started = time.monotonic()
    result = TimeImportResult(filename=filename, dry_run=dry_run)
    try:
        upload = read_csv_upload(file)
    except FileProblem as exc:
        result.add_error(None, str(exc))
        return _finish(result, started)
    digest, result.encoding, records = upload.digest, upload.encoding, upload.records
    header = upload.header
    result.header = header
    result.layout = layout or ("generic" if mapping else detect_layout(header) or "")
    if not result.layout:
        result.needs_mapping = True
        result.add_error(
            1,
            "We do not recognise these columns as a Clio, MyCase, Bill4Time or "
            "TimeSolv file. Choose “another system” and say which column holds "
            "the matter, the date, who did the work and the hours.",
        )
        return _finish(result, started)
    columns, problems = _columns(header, result.layout, mapping)
    if result.layout == "generic" and not mapping:
        result.needs_mapping = True
        problems.append(
            "say which of the file's columns holds each of our fields (at least "
            "the matter, the date, who did the work and the hours)"
        )
    for problem in problems:
        result.add_error(1, problem[0].upper() + problem[1:] + ".")
    if not result.ok:
        return _finish(result, started)

    body = [
        (i + 2, cells)
        for i, cells in enumerate(records[1:])
        if any(c.strip() for c in cells)
    ]
    rows = [(line, _cells(columns, cells), len(cells)) for line, cells in body]
    result.rows = len(rows)
    if not rows:
        result.add_error(None, "The file has column names but no rows to import.")
        return _finish(result, started)
    result.date_order, result.needs_date_order = settle_date_order(
        [cells.get("date", "") for _, cells, _ in rows],
        date_order or ("us" if result.layout in US_ONLY else ""),
    )
    if result.needs_date_order:
        result.add_error(
            None,
            "Some dates could be read two ways (is 03/04/2026 the 4th of March or "
            "the 3rd of April?). Choose the date order the file uses and check "
            "it again.",
        )
        return _finish(result, started)

    kind = "expense" if "unit_cost" in columns and "hours" not in columns else "time"
    if result.layout == "mycase" and "unit_cost" in columns:
        kind = "expense"
    directory = _Directory(scope)
    entries: list[_Entry] = []
    seen_refs: dict[str, int] = {}
    width = len(header)
    for line, cells, count in rows:
        if count > width:
            result.add_error(
                line,
                f"this row has {count} cells but the header has {width}; a value "
                "with a comma in it may be missing its quote marks",
            )
            continue
        entry, row_problems = _read(
            line,
            cells,
            layout=result.layout,
            kind=kind,
            date_order=result.date_order,
            directory=directory,
        )
        for problem in row_problems:
            result.add_error(line, problem)
        if entry is None:
            continue
        if entry.ref:
            if entry.ref in seen_refs:
                result.add_error(
                    line,
                    f"the id “{cells['id']}” is also on line {seen_refs[entry.ref]}; "
                    "each entry must appear once",
                )
                continue
            seen_refs[entry.ref] = line
        entries.append(entry)
    if not result.ok:
        return _finish(result, started)

    occurrences: Counter = Counter()
    for entry in entries:
        if not entry.ref:
            print_ = _fingerprint(entry)
            occurrences[print_] += 1
            entry.ref = f"row:{print_}:{occurrences[print_]}"

    if dry_run:
        _plan(scope, entries, result, directory=directory, actor=actor, write=False)
        return _finish(result, started)
    billing_settings(scope.firm)  # made before the lock below needs its row
    with transaction.atomic():
        # One import at a time per firm, so two people importing the same
        # file at once cannot both find its rows new.
        BillingSettings.objects.for_firm(scope.firm).select_for_update().get()
        _plan(scope, entries, result, directory=directory, actor=actor, write=True)
        audit_record(
            org=scope.firm,
            actor=actor,
            action="time.imported",
            summary=f"Imported {filename or 'a file'} ({result.layout_label}): "
            f"{result.counts_text()}"[:300],
            detail={
                "file": filename,
                "sha256": digest,
                "layout": result.layout,
                "encoding": result.encoding,
                "date_order": result.date_order,
                "rows": result.rows,
                "time_entries": result.time_entries,
                "expenses": result.expenses,
                "already_imported": result.already_imported,
                "hours": str(result.hours),
                "amount": str(result.amount),
            },
        )
    return _finish(result, started)


def _matters_with_terms(firm, matter_ids: set[int]) -> set[int]:
    """The matters among ``matter_ids`` with a rate or billability of their
    own (``MatterBilling``) or a rate for someone (``MatterRate``)."""
    found: set[int] = set()
    ids = sorted(matter_ids)
    for model in (MatterBilling, MatterRate):
        for start in range(0, len(ids), 500):
            found.update(
                model.objects.for_firm(firm)
                .filter(matter_id__in=ids[start : start + 500])
                .values_list("matter_id", flat=True)
            )
    return found


def _existing_refs(firm, refs: list[str]) -> set[str]:
    found: set[str] = set()
    for model in (TimeEntry, Expense):
        for start in range(0, len(refs), 500):
            chunk = refs[start : start + 500]
            found.update(
                model.objects.for_firm(firm)
                .filter(Q(source=Source.IMPORT) & Q(import_ref__in=chunk))
                .values_list("import_ref", flat=True)
            )
    return found


def _plan(
    scope,
    entries: list[_Entry],
    result: TimeImportResult,
    *,
    directory: _Directory,
    actor,
    write: bool,
):
    """Turn checked rows into entries and expenses (rates from the firm's terms
    where the file gives none); count them, preview them, and write them."""
    firm = scope.firm
    existing = _existing_refs(firm, [e.ref for e in entries])
    terms_cache: dict[tuple, object] = {}
    matters_with_terms = _matters_with_terms(firm, {e.matter.pk for e in entries})
    times: list[TimeEntry] = []
    expenses: list[Expense] = []
    for entry in entries:
        duplicate = entry.ref in existing
        status = Status.BILLED if entry.billed else Status.SUBMITTED
        if entry.kind == "expense":
            billable = True if entry.billable is None else entry.billable
            row = Expense(
                firm=firm,
                matter=entry.matter,
                incurred_by=entry.user,
                date=entry.date,
                expense_code=entry.expense_code,
                description=entry.narrative,
                quantity=entry.hours,
                unit_cost=money(entry.rate),
                billable=billable,
                status=status,
                source=Source.IMPORT,
                import_ref=entry.ref,
                created_by=actor,
            )
            amount = row.amount
        else:
            engagement = directory.engagement_of.get(entry.user.pk)
            # A matter with no terms of its own bills everyone as no matter
            # does, so one ``terms_for`` per person serves all such matters.
            own_terms = entry.matter.pk in matters_with_terms
            key = (entry.user.pk, entry.matter.pk if own_terms else None)
            if key not in terms_cache:
                terms_cache[key] = terms_for(
                    firm=firm,
                    user=entry.user,
                    matter=entry.matter if own_terms else None,
                    engagement=engagement,
                )
            terms = terms_cache[key]
            billable = terms.billable if entry.billable is None else entry.billable
            row = TimeEntry(
                firm=firm,
                timekeeper=entry.user,
                matter=entry.matter,
                engagement=engagement,
                date=entry.date,
                minutes=entry.minutes,
                hours=entry.hours,
                rate=money(entry.rate) if entry.rate is not None else terms.rate,
                cost_rate=terms.cost_rate,
                task_code=entry.task_code,
                activity_code=entry.activity_code,
                narrative=entry.narrative,
                billable=billable,
                outside_staff=terms.outside_staff,
                status=status,
                source=Source.IMPORT,
                import_ref=entry.ref,
                created_by=actor,
            )
            amount = row.amount
        if len(result.preview) < PREVIEW_ROWS:
            result.preview.append(
                PreviewRow(
                    line=entry.line,
                    kind=entry.kind,
                    date=entry.date,
                    matter=entry.matter.number,
                    timekeeper=entry.user.full_name or entry.user.email,
                    hours=entry.hours,
                    rate=row.unit_cost if entry.kind == "expense" else row.rate,
                    amount=amount,
                    narrative=entry.narrative,
                    billable=billable,
                    status=status,
                    duplicate=duplicate,
                )
            )
        if duplicate:
            result.already_imported += 1
            continue
        result.already_billed += entry.billed
        result.amount += amount
        if entry.kind == "expense":
            result.expenses += 1
            expenses.append(row)
        else:
            result.time_entries += 1
            result.hours += entry.hours
            times.append(row)
    if write:
        TimeEntry.objects.bulk_create(times, batch_size=1000)
        Expense.objects.bulk_create(expenses, batch_size=1000)
        # bulk_create sends no post_save: whoever keeps figures of time
        # (the insights roll-up) counts these days again.
        rows_written.send(sender=TimeEntry, firm=firm, rows=times)


def _finish(result: TimeImportResult, started: float) -> TimeImportResult:
    result.seconds = time.monotonic() - started
    return result
