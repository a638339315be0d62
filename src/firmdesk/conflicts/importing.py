"""Import contacts and matters from CSV files (issue 3, item 5).

``import_file`` is the one entry point: the ``firmdesk import`` command and the
import page both call it. It reads the file whole, checks every row and either
writes everything in one transaction (contacts, aliases, relationships,
pre-existing matters, parties, their conflict-index keys and one audit event)
or writes nothing and returns every problem with its line number.

Line numbers count the header as line 1 and then one per row, which is the row
number a spreadsheet shows (a cell with a line break inside does not shift it).

The layouts (``firmdesk``, ``clio``, ``mycase``, ``generic``) differ only in
which headers they recognise; every row then goes through the same rules, so
a Clio file and a FirmDesk file with the same data give the same result.
"""

import codecs
import contextlib
import csv
import datetime
import difflib
import hashlib
import io
import re
import time
from collections.abc import Callable
from dataclasses import asdict, dataclass, field

from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import DatabaseError, transaction
from django.utils import timezone

from firmdesk.audit.services import audit_record
from firmdesk.common.phones import Strictness, firm_region, phone_e164
from firmdesk.matters.models import (
    Contact,
    ContactAlias,
    ContactRelationship,
    Matter,
    MatterParty,
)

from .normalize import looks_like_org, normalize_name
from .services import contacts_index_bulk, matters_import_pre_existing

KINDS = ("contacts", "matters")
LAYOUTS = ("firmdesk", "clio", "mycase", "generic")
LAYOUT_LABELS = {
    "firmdesk": "FirmDesk",
    "clio": "Clio",
    "mycase": "MyCase",
    "generic": "generic",
}
BATCH = 2000
MAX_LISTED_ERRORS = 1000

Progress = Callable[[str, int, int], None]


# --- Result ------------------------------------------------------------------


@dataclass(frozen=True)
class RowError:
    """One problem in the file. ``line`` is None for a problem with the file as
    a whole (its encoding, its header)."""

    line: int | None
    message: str

    def __str__(self) -> str:
        return f"Line {self.line}: {self.message}" if self.line else self.message


@dataclass
class ImportResult:
    kind: str
    layout: str
    filename: str = ""
    encoding: str = ""
    dry_run: bool = False
    rows: int = 0
    contacts_created: int = 0
    contacts_matched: int = 0
    contacts_updated: int = 0
    rows_merged: int = 0
    aliases_created: int = 0
    relationships_created: int = 0
    matters_created: int = 0
    matters_matched: int = 0
    parties_created: int = 0
    index_keys: int = 0
    seconds: float = 0.0
    errors: list[RowError] = field(default_factory=list)
    error_count: int = 0

    @property
    def ok(self) -> bool:
        return not self.error_count

    @property
    def written(self) -> bool:
        return self.ok and not self.dry_run

    def add_error(self, line: int | None, message: str) -> None:
        self.error_count += 1
        if len(self.errors) < MAX_LISTED_ERRORS:
            self.errors.append(RowError(line, message))

    def summary(self) -> str:
        """The outcome in one paragraph a firm admin can read."""
        name = f"“{self.filename}”" if self.filename else "The file"
        if not self.ok:
            return (
                f"Nothing was imported from {name}: {self.error_count:,} "
                f"problem{'s' if self.error_count != 1 else ''} to fix first. "
                "Correct them in the file and import it again."
            )
        counts = self.counts_text()
        if self.dry_run:
            return (
                f"{name} is ready to import ({self.rows:,} rows). Importing it "
                f"would add {counts}. Nothing was written (dry run)."
            )
        return (
            f"Imported {name} ({self.rows:,} rows): added {counts}, "
            "all searchable by the conflict check."
        )

    def counts_text(self) -> str:
        parts = [_plural(self.contacts_created, "contact")] + [
            _plural(n, *words)
            for n, words in (
                (self.aliases_created, ("alias", "aliases")),
                (self.relationships_created, ("employer link",)),
                (self.matters_created, ("pre-existing matter",)),
                (self.parties_created, ("party role",)),
            )
            if n
        ]
        text = ", ".join(parts)
        for n, what in (
            (self.contacts_matched, "contact"),
            (self.matters_matched, "matter"),
        ):
            if n:
                were = "was" if n == 1 else "were"
                text += f"; {_plural(n, what)} already in the firm {were} recognised"
        if self.contacts_updated:
            text += (
                f" ({self.contacts_updated:,} contact"
                f"{'s' if self.contacts_updated != 1 else ''} "
                "gain e-mails, phones or aliases)"
            )
        if self.rows_merged:
            text += (
                f"; {_plural(self.rows_merged, 'row')} named a contact of an "
                "earlier row again"
            )
        return text

    def as_dict(self) -> dict:
        data = asdict(self)
        data["errors"] = [
            {"line": e.line, "message": e.message, "text": str(e)} for e in self.errors
        ]
        data["ok"] = self.ok
        data["written"] = self.written
        data["summary"] = self.summary()
        return data


def _plural(n: int, word: str, plural: str | None = None) -> str:
    return f"{n:,} {word if n == 1 else (plural or word + 's')}"


class FileProblem(Exception):
    """The file as a whole cannot be read; nothing row by row to report."""


class CellProblem(ValueError):
    """A value that cannot be read; the message is for the person who typed it."""


# --- Reading the bytes ---------------------------------------------------------


def decode_csv_bytes(data: bytes) -> tuple[str, str]:
    """The text of a CSV file and the name of its encoding.

    Simple rules instead of guessing: a byte-order mark says the encoding;
    otherwise the file is UTF-8 if it decodes as UTF-8, else Windows-1252
    (what Excel writes when a file is re-saved as plain "CSV" on Windows).
    """
    if data.startswith(b"PK\x03\x04"):
        raise FileProblem(
            "This is an Excel workbook (.xlsx), not a CSV file. Open it in Excel "
            "and choose File › Save As › “CSV UTF-8 (Comma delimited)”, then "
            "import that file."
        )
    if data.startswith(codecs.BOM_UTF8):
        try:
            return data[3:].decode("utf-8"), "UTF-8 with byte-order mark"
        except UnicodeDecodeError:
            data = data[3:]
    elif data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        try:
            return data.decode("utf-16"), "UTF-16"
        except UnicodeDecodeError:
            raise FileProblem(
                "The file says it is UTF-16 but is damaged. Save it from Excel "
                "as “CSV UTF-8 (Comma delimited)” and import it again."
            ) from None
    try:
        return data.decode("utf-8"), "UTF-8"
    except UnicodeDecodeError:
        pass
    try:
        return data.decode("cp1252"), "Windows-1252"
    except UnicodeDecodeError:
        # Five byte values have no Windows-1252 character; Latin-1 reads them.
        return data.decode("latin-1"), "Latin-1"


def _delimiter(text: str) -> str:
    """Comma, unless the header line clearly uses semicolons or tabs (Excel in
    some regions writes semicolons; "Unicode text" exports use tabs)."""
    first = text.split("\n", 1)[0]
    counts = {d: first.count(d) for d in (",", ";", "\t")}
    best = max(counts, key=lambda d: counts[d])
    return best if counts[best] > counts[","] else ","


def _read_records(text: str) -> list[list[str]]:
    if "\x00" in text:
        raise FileProblem(
            "The file contains binary data, so it is not a CSV file. Save it "
            "from your spreadsheet as “CSV UTF-8 (Comma delimited)”."
        )
    text = text.lstrip("\ufeff")
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=_delimiter(text))
    records: list[list[str]] = []
    try:
        for record in reader:
            records.append(record)
    except csv.Error as exc:
        raise FileProblem(
            f"Line {len(records) + 1}: the file cannot be read as CSV here "
            f"({exc}). A quote mark inside a value may be missing its partner."
        ) from None
    return records


# --- Values ------------------------------------------------------------------

_DATE_ISO = re.compile(r"(\d{4})-(\d{1,2})-(\d{1,2})")
_DATE_US = re.compile(r"(\d{1,2})[/.-](\d{1,2})[/.-](\d+)")
# A time after the date, as exports write it: "3/14/2024 9:30 AM",
# "2024-03-14T09:30:00Z".
_TIME_TAIL = re.compile(
    r"(?:[ T]\s*\d{1,2}:\d{2}(?::\d{2}(?:\.\d+)?)?\s*(?:[AaPp]\.?[Mm]\.?)?"
    r"\s*(?:Z|[+-]\d{2}:?\d{2})?)?\s*"
)


def parse_date(text: str) -> datetime.date | None:
    """A date written month/day/year (3/14/2024, 03/14/2024) or ISO (2024-03-14).

    A time after the date is ignored. Two-digit years are refused rather than
    guessed (Clio reads "24" as the year 0024), and so are day-first dates
    that cannot be month/day/year (25/12/2024).
    """
    value = (text or "").strip()
    if not value:
        return None
    iso = _DATE_ISO.match(value)
    us = None if iso else _DATE_US.match(value)
    match = iso or us
    if match is None or not _TIME_TAIL.fullmatch(value[match.end() :]):
        raise CellProblem(
            f"“{value}” is not a date we can read; write it as month/day/year "
            "(3/14/2024) or as 2024-03-14"
        )
    if iso:
        year, month, day = (int(g) for g in iso.groups())
    else:
        month, day, year = (int(g) for g in us.groups())
        if len(us.group(3)) != 4:
            raise CellProblem(
                f"“{value}” does not have a four-digit year; write it like 3/14/2024"
            )
    try:
        return datetime.date(year, month, day)
    except ValueError:
        hint = "; dates are month/day/year" if us and month > 12 >= day else ""
        raise CellProblem(f"“{value}” is not a real date{hint}") from None


def parse_phone(text: str, region: str) -> str:
    """A phone number in E.164 form (+12125550100), read the way the firm's
    country writes numbers; an extension is dropped (E.164 has none)."""
    value = (text or "").strip()
    e164 = phone_e164(value, region, strictness=Strictness.POSSIBLE)
    if e164 is not None:
        return e164
    raise CellProblem(
        f"the phone number “{value}” is not one we can read; write it with its "
        "area code, such as (212) 555-0100 or +44 20 7946 0000, or leave it empty"
    )


_SPLIT_EMAILS = re.compile(r"[;,\s]+")
_SPLIT_LIST = re.compile(r"[;\n]+")


def parse_emails(text: str) -> list[str]:
    out = []
    for part in _SPLIT_EMAILS.split(text or ""):
        part = part.strip().strip("<>").rstrip(".")
        if not part:
            continue
        try:
            validate_email(part)
        except ValidationError:
            raise CellProblem(f"“{part}” is not an e-mail address") from None
        out.append(part.lower())
    return out


_KIND_WORDS = {
    "person": Contact.Kind.PERSON,
    "individual": Contact.Kind.PERSON,
    "people": Contact.Kind.PERSON,
    "organization": Contact.Kind.ORGANIZATION,
    "organisation": Contact.Kind.ORGANIZATION,
    "org": Contact.Kind.ORGANIZATION,
    "company": Contact.Kind.ORGANIZATION,
    "business": Contact.Kind.ORGANIZATION,
    "entity": Contact.Kind.ORGANIZATION,
}

_ROLE_WORDS = {
    "client": MatterParty.Role.CLIENT,
    "our client": MatterParty.Role.CLIENT,
    "adverse": MatterParty.Role.ADVERSE,
    "adverse party": MatterParty.Role.ADVERSE,
    "opposing party": MatterParty.Role.ADVERSE,
    "co party": MatterParty.Role.CO_PARTY,
    "coparty": MatterParty.Role.CO_PARTY,
    "opposing counsel": MatterParty.Role.OPPOSING_COUNSEL,
    "related": MatterParty.Role.RELATED,
    "related party": MatterParty.Role.RELATED,
    "witness": MatterParty.Role.WITNESS,
    "expert": MatterParty.Role.EXPERT,
    "expert witness": MatterParty.Role.EXPERT,
}

_STATUS_WORDS = {
    "open": Matter.Status.OPEN,
    "active": Matter.Status.OPEN,
    "pending": Matter.Status.PENDING,
    "closed": Matter.Status.CLOSED,
    "archived": Matter.Status.CLOSED,
    "inactive": Matter.Status.CLOSED,
    "pre existing": Matter.Status.PRE_EXISTING,
    "preexisting": Matter.Status.PRE_EXISTING,
}

_YES = {"yes", "y", "true", "1", "x"}
_NO = {"no", "n", "false", "0", ""}


def _word(text: str) -> str:
    return re.sub(r"[\s_\-]+", " ", (text or "").strip().lower()).strip()


def _did_you_mean(value: str, choices) -> str:
    close = difflib.get_close_matches(value, list(choices), n=1, cutoff=0.75)
    return f" Did you mean “{close[0]}”?" if close else ""


def parse_kind(text: str) -> str:
    word = _word(text)
    if word in _KIND_WORDS:
        return _KIND_WORDS[word]
    raise CellProblem(
        f"the kind “{text.strip()}” is not one we know; use person or "
        f"organization.{_did_you_mean(word, _KIND_WORDS)}"
    )


def parse_role(text: str) -> str:
    word = _word(text)
    if word in _ROLE_WORDS:
        return _ROLE_WORDS[word]
    choices = ", ".join(MatterParty.Role.values)
    raise CellProblem(
        f"the role “{text.strip()}” is not one we know; use one of: {choices}."
        + _did_you_mean(word, list(_ROLE_WORDS))
    )


def parse_status(text: str) -> str:
    word = _word(text)
    if word in _STATUS_WORDS:
        return _STATUS_WORDS[word]
    raise CellProblem(
        f"the matter status “{text.strip()}” is not one we know; use open, "
        "pending, closed or pre_existing." + _did_you_mean(word, _STATUS_WORDS)
    )


def parse_yes_no(text: str, what: str) -> bool:
    word = _word(text)
    if word in _YES:
        return True
    if word in _NO:
        return False
    raise CellProblem(f"“{text.strip()}” in {what} should be yes or no (or empty)")


# Aliases are written "Jane Roe (maiden); JR Holdings (trade)". Only these
# words in brackets at the very end are read as the kind of alias, so a name
# such as "Acme (USA)" stays whole.
_ALIAS_KIND_WORDS = {
    **{k: k for k in ContactAlias.Kind.values},
    "maiden name": "maiden",
    "former name": "former",
    "trade name": "trade",
    "dba": "trade",
    "also known as": "aka",
}
# "Name (word)": an alias with its kind, a MyCase contact with its role.
_BRACKETED = re.compile(r"^(.*\S)\s*\(([^()]+)\)\s*$")


def parse_aliases(text: str) -> list[tuple[str, str]]:
    out = []
    for part in _SPLIT_LIST.split(text or ""):
        part = part.strip()
        if not part:
            continue
        kind = ContactAlias.Kind.AKA
        match = _BRACKETED.match(part)
        if match and _word(match.group(2)) in _ALIAS_KIND_WORDS:
            part, kind = match.group(1), _ALIAS_KIND_WORDS[_word(match.group(2))]
        if len(part) > 300:
            raise CellProblem("an alias is longer than 300 characters")
        out.append((part, kind))
    return out


def alias_text(name: str, kind: str) -> str:
    """How the export writes one alias; ``parse_aliases`` reads it back."""
    return name if kind == ContactAlias.Kind.AKA else f"{name} ({kind})"


def parse_party_list(text: str) -> list[tuple[str, str]]:
    """MyCase's "Contacts" cell: one "Name (Role)" per line."""
    out = []
    for part in _SPLIT_LIST.split(text or ""):
        part = part.strip()
        if not part:
            continue
        match = _BRACKETED.match(part)
        if not match:
            raise CellProblem(
                f"“{part}” in the list of contacts has no role; write it as "
                "Name (Role), such as “Jane Roe (Client)”"
            )
        out.append((match.group(1), parse_role(match.group(2))))
    return out


# --- Layouts -----------------------------------------------------------------

# Our fields, in the order of the firmdesk layout (the export writes these).
FIRMDESK_COLUMNS = (
    "kind",
    "name",
    "aliases",
    "email",
    "phone",
    "address",
    "company",
    "prospective",
    "notes",
    "matter_number",
    "matter_title",
    "role",
    "matter_status",
    "practice_area",
    "opened_on",
    "closed_on",
)
# Fields a mapping may name besides those: parts of a name, and the rest.
EXTRA_FIELDS = (
    "first_name",
    "middle_name",
    "last_name",
    "date_of_birth",
    "description",
    "matter_note",
    "client_name",
    "client_first_name",
    "client_last_name",
    "client_company",
    "parties",
)
FIELDS = FIRMDESK_COLUMNS + EXTRA_FIELDS
MATTER_FIELDS = frozenset(
    {
        "matter_number",
        "matter_title",
        "role",
        "matter_status",
        "practice_area",
        "opened_on",
        "closed_on",
        "description",
        "matter_note",
        "client_name",
        "client_first_name",
        "client_last_name",
        "client_company",
        "parties",
    }
)
# Clio and MyCase export contacts and matters as separate files: each kind
# reads only its own fields from them, so that a "Status" or "Number" column
# in a contacts file never creates matters.
SEPARATE_FILES = frozenset({"clio", "mycase"})


def header_key(text: str) -> str:
    """Headers compare without case, spaces or punctuation: "E-mail Address",
    "e_mail_address" and ":E-mail address" are the same column."""
    return re.sub(r"[^a-z0-9]+", "_", (text or "").strip().lower()).strip("_")


def _own(*names):
    return {n: (n,) for n in names}


# Each field lists the headers that feed it, best first. Where a source
# system's import template and its export name a column differently, both are
# listed (docs/import-export.md says which is which).
LAYOUT_HEADERS: dict[str, dict[str, tuple[str, ...]]] = {
    "firmdesk": {
        **_own(*FIELDS),
        "email": ("email", "emails", "e_mail"),
        "phone": ("phone", "phones"),
    },
    "clio": {
        "kind": ("type", "contact_type"),
        "name": ("name",),
        "first_name": ("first_name",),
        "middle_name": ("middle_name",),
        "last_name": ("last_name",),
        "company": ("company", "company_name"),
        "email": ("email_address", "primary_email_address", "email"),
        "phone": ("primary_phone", "primary_phone_number", "phone_number", "phone"),
        "address": (
            "business_street",
            "business_city",
            "business_state",
            "business_postal_code",
            "business_country",
            "primary_address",
        ),
        "notes": ("notes",),
        "matter_number": (
            "display_number",
            "custom_number",
            "matter_number",
            "number",
        ),
        "description": ("description",),
        "matter_status": ("status",),
        "practice_area": ("practice_area",),
        "opened_on": ("open_date",),
        "closed_on": ("close_date",),
        "matter_note": ("note",),
        "client_name": ("client_name", "client"),
        "client_first_name": ("client_first_name",),
        "client_last_name": ("client_last_name",),
        "client_company": ("client_company_name",),
    },
    "mycase": {
        "first_name": ("first_name",),
        "middle_name": ("middle_name",),
        "last_name": ("last_name",),
        "company": ("company",),
        "email": ("e_mail_address", "email_address", "email"),
        "phone": (
            "work_phone",
            "home_phone",
            "mobile_phone",
            "cell_phone",
            "company_main_phone",
        ),
        "address": (
            "home_street",
            "home_street_2",
            "home_city",
            "home_state",
            "home_postal_code",
            "home_country_region",
            "business_street",
            "business_street_2",
            "business_city",
            "business_state",
            "business_postal_code",
            "business_country_region",
        ),
        "date_of_birth": ("birthday",),
        "notes": ("notes", "private_notes"),
        "matter_title": ("case_matter_name", "case_name"),
        "matter_number": ("number", "case_number"),
        "description": ("case_description",),
        "matter_status": ("case_closed",),
        "practice_area": ("practice_area",),
        "opened_on": ("open_date",),
        "closed_on": ("closed_date", "close_date"),
        "parties": ("contacts",),
    },
    "generic": {**_own(*FIELDS)},
}
# Extra columns by prefix: Clio's bulk export has one column per type of
# e-mail and phone ("Email Address (Work)", "Phone Number (Mobile)").
LAYOUT_PREFIXES = {
    "clio": {"email": ("email_address_",), "phone": ("phone_number_",)},
}
# MyCase cases without a case number are numbered from their MyCase ID.
FALLBACK_NUMBER = {"mycase": (("mycase_id", "legalcase_id"), "MyCase-")}


@dataclass
class Columns:
    """Which columns of the file feed which field."""

    fields: dict[str, list[int]]
    header: list[str]
    fallback_number: tuple[int, str] | None = None

    def has(self, *names: str) -> bool:
        return any(self.fields.get(n) for n in names)


def match_columns(
    header: list[str], layout: str, kind: str, mapping: dict[str, str] | None
) -> tuple[Columns, list[str]]:
    """Map the header to our fields; returns the columns and header problems."""
    problems: list[str] = []
    keys = [header_key(h) for h in header]
    spec = LAYOUT_HEADERS[layout]
    fields: dict[str, list[int]] = {}
    for name, accepted in spec.items():
        if layout in SEPARATE_FILES and (name in MATTER_FIELDS) != (kind == "matters"):
            continue
        found = []
        for wanted in accepted:
            found += [i for i, k in enumerate(keys) if k == wanted and i not in found]
        for prefix in LAYOUT_PREFIXES.get(layout, {}).get(name, ()):
            found += [
                i for i, k in enumerate(keys) if k.startswith(prefix) and i not in found
            ]
        if found:
            fields[name] = found
    for ours, theirs in (mapping or {}).items():
        ours_key = header_key(ours)
        if ours_key not in FIELDS:
            problems.append(
                f"The mapping names “{ours}”, which is not one of our columns. "
                f"Ours are: {', '.join(FIELDS)}."
            )
            continue
        columns = [i for i, h in enumerate(header) if h.strip() == theirs.strip()]
        columns = columns or [i for i, k in enumerate(keys) if k == header_key(theirs)]
        if not columns:
            problems.append(
                f"The mapping says “{ours}” is in the column “{theirs}”, but the "
                f"file has no such column. Its columns are: {_list_header(header)}."
            )
            continue
        fields[ours_key] = columns
    fallback = None
    if layout in FALLBACK_NUMBER and kind == "matters":
        names, prefix = FALLBACK_NUMBER[layout]
        for i, k in enumerate(keys):
            if k in names:
                fallback = (i, prefix)
                break
    return Columns(fields=fields, header=header, fallback_number=fallback), problems


def _list_header(header: list[str]) -> str:
    shown = [f"“{h}”" for h in header[:40]]
    return ", ".join(shown) + (" …" if len(header) > 40 else "")


def _required_problem(columns: Columns, layout: str, kind: str) -> str | None:
    """What the header lacks for this layout and kind, in words, or None."""
    label = LAYOUT_LABELS[layout]
    if kind == "contacts":
        if layout == "firmdesk":
            missing = [c for c in ("kind", "name") if not columns.has(c)]
            if missing:
                return (
                    f"The file has no {' or '.join(missing)} column, which the "
                    f"FirmDesk layout needs."
                )
            return None
        if not columns.has("name", "first_name", "last_name", "company"):
            return (
                f"No column holds the contact's name. The {label} layout reads "
                + (
                    "first_name, last_name and company (or Name)"
                    if layout == "clio"
                    else "First Name, Last Name and Company"
                    if layout == "mycase"
                    else "the columns the mapping names (map at least name)"
                )
                + "."
            )
        return None
    if not columns.has("matter_number") and columns.fallback_number is None:
        return (
            f"No column holds the matter number. The {label} layout reads "
            + (
                "Display Number, custom_number or Matter Number"
                if layout == "clio"
                else "Number or MyCase ID"
                if layout == "mycase"
                else "matter_number"
            )
            + "."
        )
    return None


def _layout_hint(header: list[str], kind: str, mapping) -> str:
    """ "This looks like a Clio file" when another layout would read the header."""
    for other in ("firmdesk", "clio", "mycase"):
        columns, _ = match_columns(header, other, kind, mapping)
        if _required_problem(columns, other, kind) is None and len(
            columns.fields
        ) >= min(3, len(header)):
            label = LAYOUT_LABELS[other]
            return f" The columns look like the {label} layout: choose that."
    return ""


# --- Rows --------------------------------------------------------------------


@dataclass
class ContactIn:
    """A contact as one row gives it, or as a row names it (a company on a
    person's row, a matter's client: those join a contact of that name)."""

    kind: str | None
    name: str
    norm: str
    emails: list[str] = field(default_factory=list)
    phones: list[str] = field(default_factory=list)
    aliases: list[tuple[str, str]] = field(default_factory=list)
    address: str = ""
    notes: str = ""
    date_of_birth: datetime.date | None = None
    prospective: bool = False

    @property
    def email_key(self) -> str:
        return self.emails[0].lower() if self.emails else ""


@dataclass
class MatterIn:
    number: str
    title: str = ""
    status: str = ""
    practice_area: str = ""
    opened_on: datetime.date | None = None
    closed_on: datetime.date | None = None
    description: str = ""
    note: str = ""


@dataclass
class RowIn:
    line: int
    contact: ContactIn | None = None
    employers: list[ContactIn] = field(default_factory=list)
    matter: MatterIn | None = None
    parties: list[tuple[ContactIn, str]] = field(default_factory=list)


_FORMULA_START = ("=", "+", "-", "@")


class _Row:
    """One record's cells, read through the column map."""

    def __init__(self, columns: Columns, cells: list[str]):
        self.columns = columns
        self.cells = cells

    def all(self, name: str) -> list[str]:
        out = []
        for i in self.columns.fields.get(name, ()):
            value = self.cell(i)
            if value:
                out.append(value)
        return out

    def get(self, name: str) -> str:
        values = self.all(name)
        return values[0] if values else ""

    def cell(self, index: int) -> str:
        value = self.cells[index].strip() if index < len(self.cells) else ""
        if value[:1] == "'" and value[1:2] in _FORMULA_START:
            # Written so by our export (and others) to keep Excel from
            # reading the cell as a formula.
            value = value[1:]
        return value


def _join_name(*parts: str) -> str:
    return " ".join(p for p in parts if p)


def _check_length(value: str, limit: int, what: str, problems: list[str]) -> str:
    if len(value) > limit:
        problems.append(f"the {what} is longer than {limit} characters")
    return value


def _read_contact(row: _Row, layout: str, region: str, problems):
    """The row's own contact (None if the row names none) and, for a person,
    the companies named as their employers."""
    kind_text = row.get("kind")
    first, middle, last = (
        row.get("first_name"),
        row.get("middle_name"),
        row.get("last_name"),
    )
    company = row.get("company")
    name = row.get("name")
    kind: str | None = None
    if kind_text:
        try:
            kind = parse_kind(kind_text)
        except CellProblem as exc:
            problems.append(str(exc))
            return None, []
    elif layout == "firmdesk" and (name or company):
        problems.append(
            "the kind is empty; write person or organization in the kind column"
        )
        return None, []
    elif first or last:
        kind = Contact.Kind.PERSON
    elif name:
        kind = (
            Contact.Kind.ORGANIZATION if looks_like_org(name) else Contact.Kind.PERSON
        )
    elif company:
        kind = Contact.Kind.ORGANIZATION
    else:
        return None, []
    if kind == Contact.Kind.PERSON:
        name = name or _join_name(first, middle, last)
    else:
        name = name or company or _join_name(first, middle, last)
    if not name:
        problems.append("the name is empty")
        return None, []
    _check_length(name, 300, "name", problems)
    norm = normalize_name(name, kind)
    if not norm:
        problems.append(f"the name “{name}” has no letters or digits in it")
        return None, []
    contact = ContactIn(kind=kind, name=name, norm=norm)
    for value in row.all("email"):
        try:
            contact.emails += parse_emails(value)
        except CellProblem as exc:
            problems.append(str(exc))
    for value in row.all("phone"):
        for part in _SPLIT_LIST.split(value):
            if part.strip():
                try:
                    contact.phones.append(parse_phone(part, region))
                except CellProblem as exc:
                    problems.append(str(exc))
    for value in row.all("aliases"):
        try:
            contact.aliases += parse_aliases(value)
        except CellProblem as exc:
            problems.append(str(exc))
    contact.address = ", ".join(row.all("address"))
    contact.notes = "\n\n".join(row.all("notes"))
    try:
        contact.date_of_birth = parse_date(row.get("date_of_birth"))
    except CellProblem as exc:
        problems.append(f"date of birth: {exc}")
    try:
        contact.prospective = parse_yes_no(row.get("prospective"), "prospective")
    except CellProblem as exc:
        problems.append(str(exc))
    employers = []
    if kind == Contact.Kind.PERSON:
        for part in _SPLIT_LIST.split(company):
            part = part.strip()
            if len(part) > 300:
                problems.append("the company is longer than 300 characters")
            elif normalize_name(part, Contact.Kind.ORGANIZATION):
                employers.append(
                    ContactIn(
                        kind=Contact.Kind.ORGANIZATION,
                        name=part,
                        norm=normalize_name(part, Contact.Kind.ORGANIZATION),
                    )
                )
    return contact, employers


def _read_matter(row: _Row, problems) -> MatterIn | None:
    number = row.get("matter_number")
    if not number and row.columns.fallback_number is not None:
        index, prefix = row.columns.fallback_number
        if row.cell(index):
            number = prefix + row.cell(index)
    if not number:
        return None
    _check_length(number, 40, "matter number", problems)
    matter = MatterIn(number=number)
    matter.description = row.get("description")
    title = row.get("matter_title")
    if title:
        _check_length(title, 200, "matter title", problems)
    elif matter.description:
        title = matter.description.splitlines()[0].strip()
        title = title if len(title) <= 200 else title[:199] + "…"
    matter.title = title
    status = row.get("matter_status")
    if status:
        try:
            word = _word(status)
            if word in ("true", "false"):  # MyCase's "Case Closed"
                matter.status = "closed" if word == "true" else "open"
            else:
                matter.status = parse_status(status)
        except CellProblem as exc:
            problems.append(str(exc))
    matter.practice_area = _check_length(
        row.get("practice_area"), 80, "practice area", problems
    )
    for attr, label in (("opened_on", "opening date"), ("closed_on", "closing date")):
        try:
            setattr(matter, attr, parse_date(row.get(attr)))
        except CellProblem as exc:
            problems.append(f"{label}: {exc}")
    matter.note = row.get("matter_note")
    return matter


def _named(name: str, kind: str | None, problems) -> ContactIn | None:
    if len(name) > 300:
        problems.append(f"the name “{name[:40]}…” is longer than 300 characters")
        return None
    norm = normalize_name(name, kind or Contact.Kind.PERSON)
    if not norm:
        return None
    return ContactIn(kind=kind, name=name, norm=norm)


def read_row(
    row: _Row, line: int, *, kind: str, layout: str, region: str
) -> tuple[RowIn, list[str]]:
    problems: list[str] = []
    result = RowIn(line=line)
    result.contact, result.employers = _read_contact(row, layout, region, problems)
    result.matter = _read_matter(row, problems)
    role_text = row.get("role")
    role = None
    if role_text:
        try:
            role = parse_role(role_text)
        except CellProblem as exc:
            problems.append(str(exc))
    if kind == "contacts" and result.contact is None and not problems:
        problems.append(
            "there is no name on this row; fill in the name (or first and last "
            "name, or company) or delete the row"
        )
    if kind == "matters" and result.matter is None:
        problems.append(
            "there is no matter number on this row; every matter needs its number"
        )
    if result.matter is not None and result.contact is not None:
        if role is None and not role_text:
            problems.append(
                f"the role of “{result.contact.name}” in matter "
                f"{result.matter.number} is empty; use one of: "
                f"{', '.join(MatterParty.Role.values)}"
            )
        elif role is not None:
            result.parties.append((result.contact, role))
    elif role_text and result.matter is None:
        problems.append(
            "a role is given but no matter number; fill in matter_number or "
            "clear the role"
        )
    if result.matter is not None:
        client = _join_name(row.get("client_first_name"), row.get("client_last_name"))
        if client:
            ref = _named(client, Contact.Kind.PERSON, problems)
        elif row.get("client_company"):
            ref = _named(row.get("client_company"), Contact.Kind.ORGANIZATION, problems)
        elif row.get("client_name"):
            ref = _named(row.get("client_name"), None, problems)
        else:
            ref = None
        if ref is not None:
            result.parties.append((ref, MatterParty.Role.CLIENT))
        try:
            for name, party_role in parse_party_list(row.get("parties")):
                ref = _named(name, None, problems)
                if ref is not None:
                    result.parties.append((ref, party_role))
        except CellProblem as exc:
            problems.append(str(exc))
    return result, problems


# --- Planning ----------------------------------------------------------------


def _same_text(text: str) -> str:
    """Aliases are kept unless they repeat the name or another alias word for
    word (case and spacing aside): "Acme Corp" stays an alias of "ACME, Inc."
    even though the conflict search reads both the same."""
    return " ".join(text.split()).casefold()


@dataclass
class _PlannedContact:
    kind: str
    name: str
    norm: str
    emails: list[str] = field(default_factory=list)
    phones: list[str] = field(default_factory=list)
    aliases: dict[str, tuple[str, str]] = field(default_factory=dict)
    address: str = ""
    notes: str = ""
    date_of_birth: datetime.date | None = None
    prospective: bool = False
    existing_id: int | None = None
    pk: int | None = None
    rows: int = 0
    # For a contact already in the firm: what the file adds to it.
    new_emails: list[str] = field(default_factory=list)
    new_phones: list[str] = field(default_factory=list)
    new_aliases: list[tuple[str, str]] = field(default_factory=list)

    @property
    def gains_details(self) -> bool:
        return bool(
            self.existing_id
            and (self.new_emails or self.new_phones or self.new_aliases)
        )

    @property
    def aliases_to_add(self) -> list[tuple[str, str]]:
        return self.new_aliases if self.existing_id else list(self.aliases.values())

    def absorb(self, c: ContactIn) -> None:
        for e in c.emails:
            if e not in self.emails:
                self.emails.append(e)
        for p in c.phones:
            if p not in self.phones:
                self.phones.append(p)
        for alias, alias_kind in c.aliases:
            same = _same_text(alias)
            if same != _same_text(self.name) and same not in self.aliases:
                self.aliases[same] = (alias, alias_kind)
        self.address = self.address or c.address
        self.notes = self.notes or c.notes
        self.date_of_birth = self.date_of_birth or c.date_of_birth
        self.prospective = self.prospective or c.prospective


@dataclass
class _PlannedMatter:
    source: MatterIn
    existing_id: int | None = None
    pk: int | None = None

    def absorb(self, m: MatterIn) -> None:
        s = self.source
        for attr in (
            "title",
            "status",
            "practice_area",
            "opened_on",
            "closed_on",
            "description",
            "note",
        ):
            if not getattr(s, attr):
                setattr(s, attr, getattr(m, attr))


def _short(norm: str) -> str:
    """First and last word of a person's name: "chloe a lefevre" → "chloe
    lefevre", so a matter's list of contacts finds the contact with a middle
    name."""
    words = norm.split()
    return f"{words[0]} {words[-1]}" if len(words) >= 2 else ""


def _remember_short(index: dict, norm: str, value) -> None:
    short = _short(norm)
    if short:
        # Two different people with the same first and last name: no guess.
        index[short] = value if index.get(short, value) == value else None


class _Existing:
    """What the firm already has that the file may name: read once."""

    def __init__(self, firm, numbers: set[str]):
        self.by_email: dict[tuple[str, str, str], int] = {}
        self.by_name: dict[tuple[str, str], int] = {}
        self.without_email: dict[tuple[str, str], int] = {}
        self.by_short: dict[str, int | None] = {}
        self.details: dict[int, tuple[list, list]] = {}
        self.names: dict[int, str] = {}
        for pk, kind, name, emails, phones in (
            Contact.objects.for_firm(firm)
            .order_by("pk")
            .values_list("pk", "kind", "name", "emails", "phones")
            .iterator(chunk_size=5000)
        ):
            norm = normalize_name(name, kind)
            self.details[pk] = (list(emails or []), list(phones or []))
            self.names[pk] = name
            for email in emails or []:
                self.by_email.setdefault((kind, norm, email.lower()), pk)
            if not emails:
                self.without_email.setdefault((kind, norm), pk)
            self.by_name.setdefault((kind, norm), pk)
            if kind == Contact.Kind.PERSON:
                _remember_short(self.by_short, norm, pk)
        self.matters: dict[str, int] = {}
        ordered = sorted(numbers)
        for start in range(0, len(ordered), 500):
            chunk = ordered[start : start + 500]
            self.matters.update(
                Matter.objects.for_firm(firm)
                .filter(number__in=chunk)
                .values_list("number", "pk")
            )


class _Plan:
    """The contacts, matters, parties and links the file describes, each once.

    Two rows are the same contact when kind and normalised name agree and
    either their e-mails agree or one of them has no e-mail; the same rule
    finds contacts the firm already has (docs/import-export.md).
    """

    def __init__(self, existing: _Existing):
        self.existing = existing
        self.contacts: list[_PlannedContact] = []
        self.by_email: dict[tuple[str, str, str], _PlannedContact] = {}
        self.by_name: dict[tuple[str, str], list[_PlannedContact]] = {}
        self.by_existing: dict[int, _PlannedContact] = {}
        self.by_short: dict[str, _PlannedContact | None] = {}
        self.matters: dict[str, _PlannedMatter] = {}
        self.parties: set[tuple[str, int, str]] = set()
        self.party_refs: list[tuple[str, _PlannedContact, str]] = []
        self.relationships: list[tuple[_PlannedContact, _PlannedContact]] = []
        self.rows_merged = 0
        # Set by _settle: what is not in the firm yet.
        self.new_relationships: list[tuple[_PlannedContact, _PlannedContact]] = []
        self.new_parties: list[tuple[_PlannedMatter, _PlannedContact, str]] = []

    def _has_email(self, planned: _PlannedContact) -> bool:
        if planned.emails:
            return True
        return bool(
            planned.existing_id and self.existing.details[planned.existing_id][0]
        )

    def _match(self, kind: str, norm: str, email: str) -> _PlannedContact | None:
        if email and (kind, norm, email) in self.by_email:
            return self.by_email[(kind, norm, email)]
        for planned in self.by_name.get((kind, norm), ()):
            if not email or not self._has_email(planned):
                return planned
        existing = self.existing
        if email:
            pk = existing.by_email.get(
                (kind, norm, email)
            ) or existing.without_email.get((kind, norm))
        else:
            pk = existing.by_name.get((kind, norm))
        if pk is None:
            return None
        return self.by_existing.get(pk) or self._create(
            kind, existing.names[pk], norm, existing_id=pk
        )

    def _create(
        self, kind: str, name: str, norm: str, existing_id: int | None = None
    ) -> _PlannedContact:
        planned = _PlannedContact(
            kind=kind, name=name, norm=norm, existing_id=existing_id
        )
        self.contacts.append(planned)
        self.by_name.setdefault((kind, norm), []).append(planned)
        if kind == Contact.Kind.PERSON:
            _remember_short(self.by_short, norm, planned)
        if existing_id:
            self.by_existing[existing_id] = planned
        return planned

    def add_full(self, c: ContactIn) -> _PlannedContact:
        planned = self._match(c.kind, c.norm, c.email_key)
        if planned is None:
            planned = self._create(c.kind, c.name, c.norm)
        if planned.rows:
            self.rows_merged += 1
        planned.rows += 1
        planned.name = planned.name or c.name
        planned.absorb(c)
        for email in planned.emails:
            self.by_email.setdefault((c.kind, c.norm, email.lower()), planned)
        return planned

    def resolve(self, c: ContactIn) -> _PlannedContact:
        """A reference by name only: a contact of the file or the firm with
        that name, else a new contact with just the name."""
        kinds = [c.kind] if c.kind else [Contact.Kind.PERSON, Contact.Kind.ORGANIZATION]
        for kind in kinds:
            planned = self._match(kind, normalize_name(c.name, kind), "")
            if planned is not None:
                return planned
        if c.kind in (None, Contact.Kind.PERSON):
            short = _short(normalize_name(c.name, Contact.Kind.PERSON))
            if self.by_short.get(short) is not None:
                return self.by_short[short]
            pk = self.existing.by_short.get(short)
            if pk is not None:
                name = self.existing.names[pk]
                return self.by_existing.get(pk) or self._create(
                    Contact.Kind.PERSON,
                    name,
                    normalize_name(name, Contact.Kind.PERSON),
                    existing_id=pk,
                )
        kind = c.kind or (
            Contact.Kind.ORGANIZATION if looks_like_org(c.name) else Contact.Kind.PERSON
        )
        return self._create(kind, c.name, normalize_name(c.name, kind))

    def add_matter(self, m: MatterIn) -> None:
        planned = self.matters.get(m.number)
        if planned is None:
            self.matters[m.number] = _PlannedMatter(
                source=m, existing_id=self.existing.matters.get(m.number)
            )
        else:
            planned.absorb(m)

    def add_party(self, number: str, contact: _PlannedContact, role: str) -> None:
        key = (number, id(contact), role)
        if key not in self.parties:
            self.parties.add(key)
            self.party_refs.append((number, contact, role))


def _build_plan(rows: list[RowIn], existing: _Existing) -> _Plan:
    plan = _Plan(existing)
    full: dict[int, _PlannedContact] = {}
    for row in rows:
        if row.contact is not None:
            full[row.line] = plan.add_full(row.contact)
        if row.matter is not None:
            plan.add_matter(row.matter)
    for row in rows:
        own = full.get(row.line)
        for ref in row.employers if own is not None else ():
            employer = plan.resolve(ref)
            if employer is not own:
                plan.relationships.append((employer, own))
        if row.matter is None:
            continue
        for ref, role in row.parties:
            contact = own if ref is row.contact else plan.resolve(ref)
            plan.add_party(row.matter.number, contact, role)
    return plan


# --- Writing -----------------------------------------------------------------


def _import_note(filename: str, today: datetime.date, status: str) -> str:
    source = f"“{filename}”" if filename else "a file"
    note = (
        f"Imported from {source} on {today:%B} {today.day}, {today.year}; "
        "exempt from the conflict check."
    )
    if status and status != Matter.Status.PRE_EXISTING:
        note += f" Status in the old system: {Matter.Status(status).label.lower()}."
    return note


def _settle(plan: _Plan, firm) -> None:
    """Take away what the firm already has: for known contacts, the e-mails,
    phones and aliases they have (their names, addresses and notes are left
    as they are); known employer links; known party roles."""
    existing_ids = [c.existing_id for c in plan.contacts if c.existing_id]
    alias_texts: dict[int, set[str]] = {}
    for start in range(0, len(existing_ids), 500):
        for contact_id, name in (
            ContactAlias.objects.for_firm(firm)
            .filter(contact_id__in=existing_ids[start : start + 500])
            .values_list("contact_id", "name")
        ):
            alias_texts.setdefault(contact_id, set()).add(_same_text(name))
    for c in plan.contacts:
        if c.existing_id:
            emails, phones = plan.existing.details[c.existing_id]
            c.new_emails = [e for e in c.emails if e not in {x.lower() for x in emails}]
            c.new_phones = [p for p in c.phones if p not in phones]
            known = alias_texts.get(c.existing_id, set())
            c.new_aliases = [v for n, v in c.aliases.items() if n not in known]

    pairs = {(id(e), id(p)): (e, p) for e, p in plan.relationships if e is not p}
    known_pairs: set[tuple[int, int]] = set()
    employers = {e.existing_id for e, p in pairs.values() if p.existing_id}
    if employers - {None}:
        known_pairs = set(
            ContactRelationship.objects.for_firm(firm)
            .filter(
                kind=ContactRelationship.Kind.EMPLOYER,
                from_contact_id__in=employers - {None},
            )
            .values_list("from_contact_id", "to_contact_id")
        )
    plan.new_relationships = [
        (e, p)
        for e, p in pairs.values()
        if (e.existing_id, p.existing_id) not in known_pairs
    ]

    matter_ids = [m.existing_id for m in plan.matters.values() if m.existing_id]
    known_parties: set[tuple[int, int, str]] = set()
    for start in range(0, len(matter_ids), 500):
        known_parties |= set(
            MatterParty.objects.for_firm(firm)
            .filter(matter_id__in=matter_ids[start : start + 500])
            .values_list("matter_id", "contact_id", "role")
        )
    plan.new_parties = [
        (plan.matters[number], contact, role)
        for number, contact, role in plan.party_refs
        if (plan.matters[number].existing_id, contact.existing_id, role)
        not in known_parties
    ]


def _count(plan: _Plan, result: ImportResult) -> None:
    """What the import adds, the same for a dry run as for the real thing."""
    new = [c for c in plan.contacts if not c.existing_id]
    result.rows_merged = plan.rows_merged
    result.contacts_created = len(new)
    result.contacts_matched = len(plan.contacts) - len(new)
    result.contacts_updated = sum(1 for c in plan.contacts if c.gains_details)
    result.aliases_created = sum(len(c.aliases_to_add) for c in plan.contacts)
    result.relationships_created = len(plan.new_relationships)
    result.matters_created = sum(1 for m in plan.matters.values() if not m.existing_id)
    result.matters_matched = len(plan.matters) - result.matters_created
    result.parties_created = len(plan.new_parties)


def _write(plan: _Plan, *, firm, filename: str, step) -> list[int]:
    """Save the plan; returns the ids of the contacts to (re)index."""
    new_contacts = [c for c in plan.contacts if not c.existing_id]
    step("Saving contacts", 0, len(new_contacts))
    for start in range(0, len(new_contacts), BATCH):
        batch = new_contacts[start : start + BATCH]
        objs = Contact.objects.for_firm(firm).bulk_create(
            [
                Contact(
                    firm=firm,
                    kind=c.kind,
                    name=c.name,
                    emails=c.emails,
                    phones=c.phones,
                    address=c.address,
                    notes=c.notes,
                    date_of_birth=c.date_of_birth,
                    is_prospective=c.prospective,
                )
                for c in batch
            ]
        )
        for planned, obj in zip(batch, objs, strict=True):
            planned.pk = obj.pk
        step("Saving contacts", start + len(batch), len(new_contacts))
    updated = []
    now = timezone.now()
    for c in plan.contacts:
        if c.existing_id:
            c.pk = c.existing_id
            if c.gains_details:
                emails, phones = plan.existing.details[c.existing_id]
                updated.append(
                    Contact(
                        pk=c.pk,
                        firm=firm,
                        emails=emails + c.new_emails,
                        phones=phones + c.new_phones,
                        updated_at=now,
                    )
                )
    if updated:
        Contact.objects.for_firm(firm).bulk_update(
            updated, ["emails", "phones", "updated_at"], batch_size=BATCH
        )
    ContactAlias.objects.for_firm(firm).bulk_create(
        [
            ContactAlias(firm=firm, contact_id=c.pk, name=name, kind=kind)
            for c in plan.contacts
            for name, kind in c.aliases_to_add
        ],
        batch_size=BATCH,
    )

    ContactRelationship.objects.for_firm(firm).bulk_create(
        [
            ContactRelationship(
                firm=firm,
                from_contact_id=e.pk,
                to_contact_id=p.pk,
                kind=ContactRelationship.Kind.EMPLOYER,
            )
            for e, p in plan.new_relationships
        ],
        batch_size=BATCH,
    )

    # Matters arrive "pre-existing" (the engine sets the status): they predate
    # FirmDesk, so no conflict check could have cleared them, and the note
    # says where they came from.
    new_matters = [m for m in plan.matters.values() if not m.existing_id]
    today = timezone.localdate(timezone=firm.tz)

    def note(status: str) -> str:
        return _import_note(filename, today, status)

    step("Saving matters", 0, len(new_matters))
    for start in range(0, len(new_matters), BATCH):
        batch = new_matters[start : start + BATCH]
        objs = matters_import_pre_existing(
            firm=firm,
            matters=[
                Matter(
                    firm=firm,
                    number=m.source.number,
                    title=m.source.title or m.source.number,
                    practice_area=m.source.practice_area,
                    opened_on=m.source.opened_on,
                    closed_on=m.source.closed_on,
                    description=m.source.description,
                    note="\n\n".join(
                        filter(None, [note(m.source.status), m.source.note])
                    ),
                )
                for m in batch
            ],
        )
        for planned, obj in zip(batch, objs, strict=True):
            planned.pk = obj.pk
        step("Saving matters", start + len(batch), len(new_matters))
    for m in plan.matters.values():
        if m.existing_id:
            m.pk = m.existing_id

    ordered = sorted({(m.pk, c.pk, role) for m, c, role in plan.new_parties})
    step("Saving parties", 0, len(ordered))
    for start in range(0, len(ordered), BATCH * 5):
        MatterParty.objects.for_firm(firm).bulk_create(
            [
                MatterParty(firm=firm, matter_id=m, contact_id=c, role=r)
                for m, c, r in ordered[start : start + BATCH * 5]
            ],
            batch_size=BATCH,
        )
        step("Saving parties", min(start + BATCH * 5, len(ordered)), len(ordered))
    return [c.pk for c in new_contacts] + [u.pk for u in updated]


# --- The entry point -----------------------------------------------------------


def _read_bytes(file) -> bytes | str:
    if isinstance(file, bytes | bytearray | memoryview):
        return bytes(file)
    if isinstance(file, str):
        return file
    if hasattr(file, "seek"):
        with contextlib.suppress(OSError, ValueError):
            file.seek(0)
    if hasattr(file, "chunks"):  # Django's UploadedFile
        return b"".join(file.chunks())
    return file.read()


@dataclass(frozen=True)
class CsvUpload:
    digest: str  # SHA-256 of the file as uploaded, for the audit trail
    encoding: str
    records: list[list[str]]

    @property
    def header(self) -> list[str]:
        return [h.strip().lstrip("\ufeff") for h in self.records[0]]


def read_csv_upload(file) -> CsvUpload:
    """An uploaded CSV file (bytes, text or an upload) as its records, with its
    encoding and digest; ``FileProblem`` says in plain words why it cannot be
    read. Every CSV import reads its file through here."""
    raw = _read_bytes(file)
    digest = hashlib.sha256(
        raw if isinstance(raw, bytes) else raw.encode("utf-8")
    ).hexdigest()
    if isinstance(raw, bytes):
        text, encoding = decode_csv_bytes(raw)
    else:
        text, encoding = raw, "text"
    records = _read_records(text)
    if not records or not any(cell.strip() for cell in records[0]):
        raise FileProblem(
            "The file is empty, or its first line (the column names) is blank."
        )
    return CsvUpload(digest, encoding, records)


def import_file(
    *,
    firm,
    actor,
    kind: str,
    file,
    layout: str = "firmdesk",
    mapping: dict[str, str] | None = None,
    dry_run: bool = False,
    progress: Progress | None = None,
    filename: str = "",
) -> ImportResult:
    """Import a CSV file of contacts or matters into ``firm``, whole or not at all.

    ``file`` is the file's bytes, its text, or a file object (an upload).
    ``mapping`` maps our column names to the file's headers
    (``{"name": "Display Name"}``); the generic layout needs one, the others
    accept one to fix a column they do not recognise. ``progress`` is called
    as ``progress(stage, done, total)``. Problems come back in
    ``result.errors`` with their line numbers and nothing is written; with
    ``dry_run`` nothing is written either, and the counts say what would be.
    """
    if kind not in KINDS:
        raise ValueError(f"kind must be one of {KINDS}, not {kind!r}")
    if layout not in LAYOUTS:
        raise ValueError(f"layout must be one of {LAYOUTS}, not {layout!r}")
    started = time.monotonic()
    filename = filename or str(getattr(file, "name", "") or "").rsplit("/", 1)[-1]
    result = ImportResult(kind=kind, layout=layout, filename=filename, dry_run=dry_run)
    step = progress or (lambda stage, done, total: None)
    try:
        upload = read_csv_upload(file)
    except FileProblem as exc:
        result.add_error(None, str(exc))
        return _finish(result, started)
    digest, result.encoding, records = upload.digest, upload.encoding, upload.records
    header = upload.header
    if layout == "generic" and not mapping:
        result.add_error(
            None,
            "The generic layout needs a column mapping: say which of your columns "
            "holds each of ours, at least the name (for example name=Display "
            "Name). Your columns are: " + _list_header(header) + ".",
        )
        return _finish(result, started)
    columns, problems = match_columns(header, layout, kind, mapping)
    for problem in problems:
        result.add_error(1, problem)
    required = _required_problem(columns, layout, kind)
    if required:
        result.add_error(1, required + _layout_hint(header, kind, mapping))
    if not result.ok:
        return _finish(result, started)

    region = firm_region(firm)
    rows: list[RowIn] = []
    body = records[1:]
    total = len(body)
    width = len(header)
    for index, cells in enumerate(body):
        line = index + 2
        if index % 500 == 0:
            step("Checking rows", index, total)
        if not any(c.strip() for c in cells):
            continue
        result.rows += 1
        if len(cells) > width and any(c.strip() for c in cells[width:]):
            result.add_error(
                line,
                f"this row has {len(cells)} cells but the header has {width}; a "
                "value with a comma in it may be missing its quote marks",
            )
            continue
        row, row_problems = read_row(
            _Row(columns, cells), line, kind=kind, layout=layout, region=region
        )
        for problem in row_problems:
            result.add_error(line, problem)
        if not row_problems:
            rows.append(row)
    step("Checking rows", total, total)
    if result.rows == 0:
        result.add_error(None, "The file has column names but no rows to import.")
    if not result.ok:
        return _finish(result, started)

    def plan_for(firm) -> _Plan:
        numbers = {r.matter.number for r in rows if r.matter is not None}
        plan = _build_plan(rows, _Existing(firm, numbers))
        _settle(plan, firm)
        _count(plan, result)
        return plan

    if dry_run:
        plan_for(firm)
        return _finish(result, started)
    try:
        with transaction.atomic():
            # Planned inside the transaction: what the firm already has cannot
            # change between reading it and writing next to it.
            plan = plan_for(firm)
            changed = _write(plan, firm=firm, filename=filename, step=step)
            step("Indexing for conflict checks", 0, len(changed))
            result.index_keys = contacts_index_bulk(
                firm=firm,
                contact_ids=changed,
                progress=lambda done, total: step(
                    "Indexing for conflict checks", done, total
                ),
            )
            audit_record(
                org=firm,
                actor=actor,
                action=f"{kind}.imported",
                summary=f"Imported {filename or 'a file'} "
                f"({LAYOUT_LABELS[layout]} layout): {result.counts_text()}"[:300],
                detail={
                    "file": filename,
                    "sha256": digest,
                    "layout": layout,
                    "encoding": result.encoding,
                    "rows": result.rows,
                    "contacts_created": result.contacts_created,
                    "contacts_matched": result.contacts_matched,
                    "contacts_updated": result.contacts_updated,
                    "aliases_created": result.aliases_created,
                    "relationships_created": result.relationships_created,
                    "matters_created": result.matters_created,
                    "matters_matched": result.matters_matched,
                    "parties_created": result.parties_created,
                },
            )
    except DatabaseError as exc:
        result = ImportResult(
            kind=kind, layout=layout, filename=filename, encoding=result.encoding
        )
        result.add_error(
            None,
            "The import stopped while saving, so nothing was written. Another "
            "change may have happened at the same time (for example a matter "
            f"with the same number was created); try again. Details: {exc}",
        )
    return _finish(result, started)


def _finish(result: ImportResult, started: float) -> ImportResult:
    result.seconds = time.monotonic() - started
    return result
