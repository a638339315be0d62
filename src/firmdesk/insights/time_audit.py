"""Time audit (issue 18, item 2): for one or two weeks the firm's own people
record where their hours go, by category (billable client work, the eight
functions a firm can hand off, anything else); the result shows, per person
and for the firm, billable against non-billable hours per day: the "3 of 8
hours" picture.

Who may do what (``insights.permissions``): any member of the firm records
their own hours while the audit is open; the firm's attorneys and admins
create, close and reopen audits, record for anyone of the firm, import a
file, and read the results. Every change runs in one transaction with an
audit event.

Decided where the issue is silent (docs/insights-time-audit.md says it for
users):

* An audit runs 1 to 14 days, both ends included; weekends count if someone
  records time on them.
* "Per day" means per day with anything recorded: a day off, or a day
  someone forgot to fill in, does not pull their average down. The baseline
  of hours recovered (``insights.figures.audit_baseline``) counts days the
  same way.
* Hours are kept to the hundredth (1:20 is 1.33 h); a person's day holds 24
  hours at most.
* A closed audit takes no more hours; closing needs at least one hour
  recorded, since an empty baseline would measure nothing. The latest closed
  audit is the baseline; reopening one hands that role back to the one closed
  before it.
* Importing is whole or nothing. Each row gets a fingerprint
  (``import_ref``), so importing the same file again adds nothing. Hours
  typed on the page win over a file: rows for a person, day and category
  that someone typed on the page are skipped, never added on top.
"""

from __future__ import annotations

import dataclasses
import datetime
import hashlib
from collections import Counter, defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal

from django.db import transaction
from django.utils import timezone

from firmdesk.audit.services import audit_record
from firmdesk.billing.importing import parse_hours
from firmdesk.common.errors import ServiceError
from firmdesk.conflicts.importing import (
    CellProblem,
    FileProblem,
    RowError,
    header_key,
    parse_date,
    read_csv_upload,
)
from firmdesk.orgs.models import Membership, Role, User

from . import charts, formulas, permissions
from .models import AuditCategory, TimeAudit, TimeAuditEntry

MAX_DAYS = 14
DAY_LIMIT = Decimal("24")
ZERO = Decimal("0.00")
CENT = Decimal("0.01")
TENTH = Decimal("0.1")
BILLABLE = AuditCategory.BILLABLE.value
CATEGORY_LABELS = dict(AuditCategory.choices)
NON_BILLABLE = tuple(c for c in AuditCategory.values if c != BILLABLE)
# The categories a firm can hand to an outside team (one per function).
FUNCTIONS = tuple(c for c in NON_BILLABLE if c != AuditCategory.OTHER)
WORKDAY_HOURS = Decimal("8")


@dataclass(frozen=True)
class Reference:
    """An industry figure to set the firm's own beside."""

    source: str
    utilisation_percent: Decimal
    billed_of_eight: Decimal
    note: str
    url: str


# /work/shared/reference/industry-figures.md, cited as it cites it.
CLIO_2023 = Reference(
    source="Clio Legal Trends Report 2023",
    utilisation_percent=Decimal("37"),
    billed_of_eight=Decimal("3.0"),
    note="Lawyers' utilisation rose from 28 % (2016) to 37 %, about 3.0 of 8 "
    "hours (0.37 × 8 = 2.96).",
    url="https://www.clio.com/resources/legal-trends/2023-report/read-online/",
)


def _require(allowed: bool, what: str) -> None:
    if not allowed:
        raise ServiceError(f"You cannot {what}.")


def _plural(n, word: str, plural: str = "") -> str:
    return f"{n:,} {word if n == 1 else plural or word + 's'}"


def show_hours(value: Decimal | None) -> str:
    """``Decimal('7.50')`` → ``7.5 h``; empty for None."""
    if value is None:
        return ""
    text = f"{value:f}"
    if "." in text:
        text = text.rstrip("0").rstrip(".")
    return f"{text} h"


def show_day(day: datetime.date) -> str:
    return f"{day:%a} {day.month}/{day.day}/{day.year}"


# --- Reading --------------------------------------------------------------------------


def audits_of_firm(firm, *, open_only: bool = False):
    audits = TimeAudit.objects.for_firm(firm).select_related("created_by")
    return audits.filter(closed_at__isnull=True) if open_only else audits


def audit_days(audit: TimeAudit) -> list[datetime.date]:
    span = (audit.end_date - audit.start_date).days
    return [audit.start_date + datetime.timedelta(days=n) for n in range(span + 1)]


def firm_people(firm) -> list[User]:
    """The firm's own active people (never provider staff), by name."""
    return list(
        User.objects.filter(
            memberships__organization=firm,
            memberships__is_active=True,
            is_active=True,
        ).order_by("full_name", "email")
    )


def person_of_firm(firm, public_id) -> User | None:
    return next(
        (p for p in firm_people(firm) if str(p.public_id) == str(public_id)), None
    )


def recorded_hours(
    audit: TimeAudit, person
) -> dict[tuple[datetime.date, str], Decimal]:
    """(day, category) → the person's hours in the audit."""
    cells: dict[tuple[datetime.date, str], Decimal] = defaultdict(Decimal)
    for day, category, hours in (
        TimeAuditEntry.objects.for_firm(audit.firm_id)
        .filter(audit=audit, person=person)
        .values_list("date", "category", "hours")
    ):
        cells[(day, category)] += hours
    return dict(cells)


# --- Hours as people write them -------------------------------------------------------


def read_hours(text: str) -> Decimal:
    """Hours typed as 1.5 or 1:30, to the hundredth; empty is 0. A
    ``ServiceError`` says what to write instead."""
    try:
        parsed = parse_hours(text or "")
    except CellProblem as problem:
        raise ServiceError(_sentence(str(problem))) from None
    if parsed is None:
        return ZERO
    hours, _ = parsed
    written = (text or "").strip()
    if hours < 0:
        raise ServiceError(f"Hours cannot be below zero (“{written}”).")
    if hours > DAY_LIMIT:
        raise ServiceError(f"{written} is more than a day: write 24 hours at most.")
    if hours == 0 and any(ch in "123456789" for ch in written):
        raise ServiceError(f"“{written}” is less than 0.01 hours; write 0.01 or more.")
    return hours


def _sentence(text: str) -> str:
    text = text.strip()
    text = text[:1].upper() + text[1:]
    return text if text.endswith(".") else text + "."


def day_total_problem(person_name: str, day: datetime.date, total: Decimal) -> str:
    return (
        f"{person_name}'s hours on {show_day(day)} add up to {show_hours(total)}; "
        "a day holds 24 hours at most."
    )


# --- Creating, closing, reopening -----------------------------------------------------


def audit_create(
    *, scope, title: str, start_date: datetime.date, end_date: datetime.date
) -> TimeAudit:
    _require(permissions.may_plan(scope), "start a time audit")
    title = " ".join((title or "").split())
    if not title:
        raise ServiceError(
            "Give the audit a name, such as “Time audit, first week of March”.",
            field="title",
        )
    if len(title) > 200:
        raise ServiceError("Keep the name to 200 characters.", field="title")
    if end_date < start_date:
        raise ServiceError(
            "The last day comes before the first day; swap them.", field="end_date"
        )
    days = (end_date - start_date).days + 1
    if days > MAX_DAYS:
        raise ServiceError(
            f"That is {days} days; an audit runs one or two weeks (14 days at most). "
            "Choose a later first day or an earlier last day.",
            field="end_date",
        )
    with transaction.atomic():
        audit = TimeAudit.objects.for_firm(scope.firm).create(
            firm=scope.firm,
            title=title,
            start_date=start_date,
            end_date=end_date,
            created_by=scope.user,
        )
        audit_record(
            org=scope.firm,
            actor=scope.user,
            action="insights.time_audit_created",
            obj=audit,
            summary=f"Started the time audit “{title}” ({show_day(start_date)} to "
            f"{show_day(end_date)})",
            detail={"start": start_date.isoformat(), "end": end_date.isoformat()},
        )
    return audit


def _locked(audit: TimeAudit) -> TimeAudit:
    return (
        TimeAudit.objects.for_firm(audit.firm_id).select_for_update().get(pk=audit.pk)
    )


def audit_close(*, scope, audit: TimeAudit) -> TimeAudit:
    """End recording: the audit becomes the baseline of hours recovered."""
    _require(permissions.may_plan(scope), "close a time audit")
    with transaction.atomic():
        locked = _locked(audit)
        if locked.closed_at is not None:
            return locked
        if (
            not TimeAuditEntry.objects.for_firm(scope.firm)
            .filter(audit=locked)
            .exists()
        ):
            raise ServiceError(
                "Nobody has recorded any hours in this audit yet. Record or import "
                "hours first: a closed audit is the baseline hours recovered are "
                "measured against, and an empty one would measure nothing."
            )
        locked.closed_at = timezone.now()
        locked.save(update_fields=["closed_at", "updated_at"])
        audit_record(
            org=scope.firm,
            actor=scope.user,
            action="insights.time_audit_closed",
            obj=locked,
            summary=f"Closed the time audit “{locked.title}”; it is now the "
            "baseline for hours recovered",
        )
    return locked


def audit_reopen(*, scope, audit: TimeAudit) -> TimeAudit:
    """Take hours again; until it is closed once more, the audit closed
    before it (if any) is the baseline."""
    _require(permissions.may_plan(scope), "reopen a time audit")
    with transaction.atomic():
        locked = _locked(audit)
        if locked.closed_at is None:
            return locked
        closed_at = locked.closed_at
        locked.closed_at = None
        locked.save(update_fields=["closed_at", "updated_at"])
        audit_record(
            org=scope.firm,
            actor=scope.user,
            action="insights.time_audit_reopened",
            obj=locked,
            summary=f"Reopened the time audit “{locked.title}” for more hours",
            detail={"closed_at": closed_at.isoformat()},
        )
    return locked


# --- Recording hours ------------------------------------------------------------------


def may_record_for(scope, person) -> bool:
    """Everyone records their own hours; attorneys and admins anyone's."""
    if person.pk == scope.user.pk:
        return permissions.may_record_audit_time(scope)
    return permissions.may_plan(scope)


def audit_hours_record(
    *,
    scope,
    audit: TimeAudit,
    person,
    days: dict[datetime.date, dict[str, Decimal]],
) -> int:
    """Replace ``person``'s hours on each day of ``days`` (category → hours;
    a category left out, or 0, holds no hours). Returns how many day and
    category cells changed; nothing is written when none did.

    A cell left as it was keeps its entries (and their notes); a changed cell
    becomes one entry typed on the page."""
    _require(
        may_record_for(scope, person),
        "record hours for someone else; only the firm's attorneys and admins can",
    )
    if person_of_firm(scope.firm, person.public_id) is None:
        raise ServiceError(f"{person} is not one of the firm's own people.")
    new: dict[tuple[datetime.date, str], Decimal] = {}
    for day, hours in days.items():
        for category, value in hours.items():
            if category not in CATEGORY_LABELS:
                raise ServiceError(f"“{category}” is not a category of the audit.")
            if value < 0 or value > DAY_LIMIT or value != value.quantize(CENT):
                raise ServiceError(
                    "Hours are 0 to 24, to the hundredth, such as 1.25 or 1:15."
                )
            if value:
                new[(day, category)] = value
        total = sum(hours.values(), ZERO)
        if total > DAY_LIMIT:
            raise ServiceError(
                day_total_problem(person.full_name, day, total), field=day.isoformat()
            )
    with transaction.atomic():
        locked = _locked(audit)
        if locked.closed_at is not None:
            raise ServiceError(
                "This audit is closed, so its hours can no longer change. Ask an "
                "attorney or firm admin to reopen it."
            )
        outside = [d for d in days if not locked.start_date <= d <= locked.end_date]
        if outside:
            raise ServiceError(
                f"{show_day(outside[0])} is not a day of this audit "
                f"({show_day(locked.start_date)} to {show_day(locked.end_date)})."
            )
        changed = _replace_cells(locked, person, days, new)
        if changed:
            for_whom = (
                "their own hours"
                if person.pk == scope.user.pk
                else f"hours for {person.full_name}"
            )
            audit_record(
                org=scope.firm,
                actor=scope.user,
                action="insights.time_audit_hours_recorded",
                obj=locked,
                summary=f"Recorded {for_whom} in the time audit “{locked.title}” "
                f"({_plural(len(changed), 'change')})",
                detail={
                    "person": str(person.public_id),
                    "changes": [
                        {
                            "day": day.isoformat(),
                            "category": category,
                            "before": str(before),
                            "after": str(after),
                        }
                        for (day, category), (before, after) in sorted(changed.items())
                    ],
                },
            )
    return len(changed)


def _replace_cells(audit, person, days, new) -> dict:
    """Write the cells of ``days`` whose hours differ; (day, category) →
    (before, after) for each changed cell."""
    entries = TimeAuditEntry.objects.for_firm(audit.firm_id).filter(
        audit=audit, person=person, date__in=list(days)
    )
    cells: dict[tuple[datetime.date, str], list[TimeAuditEntry]] = defaultdict(list)
    for entry in entries:
        cells[(entry.date, entry.category)].append(entry)
    changed = {}
    doomed: list[int] = []
    for key in sorted(set(cells) | set(new)):
        before = sum((e.hours for e in cells.get(key, [])), ZERO)
        after = new.get(key, ZERO)
        if before == after:
            continue
        changed[key] = (before, after)
        old = cells.get(key, [])
        if after and len(old) == 1 and not old[0].import_ref:
            old[0].hours = after
            old[0].save(update_fields=["hours", "updated_at"])
            continue
        doomed.extend(e.pk for e in old)
        if after:
            TimeAuditEntry.objects.for_firm(audit.firm_id).create(
                firm_id=audit.firm_id,
                audit=audit,
                person=person,
                date=key[0],
                category=key[1],
                hours=after,
            )
    if doomed:
        TimeAuditEntry.objects.for_firm(audit.firm_id).filter(pk__in=doomed).delete()
    return changed


# --- Results --------------------------------------------------------------------------


def _per_day(hours: Decimal, days: int) -> Decimal | None:
    return (hours / days).quantize(CENT, ROUND_HALF_UP) if days else None


@dataclass
class ResultLine:
    """One person, or a group of people (the firm, its attorneys): their
    hours by category over the days they recorded anything."""

    label: str
    person: User | None = None
    days: int = 0  # days with anything recorded (person-days for a group)
    hours: dict[str, Decimal] = field(default_factory=dict)

    def add(self, category: str, hours: Decimal) -> None:
        self.hours[category] = self.hours.get(category, ZERO) + hours

    @property
    def total(self) -> Decimal:
        return sum(self.hours.values(), ZERO)

    @property
    def billable(self) -> Decimal:
        return self.hours.get(BILLABLE, ZERO)

    @property
    def non_billable(self) -> Decimal:
        return self.total - self.billable

    @property
    def total_per_day(self) -> Decimal | None:
        return _per_day(self.total, self.days)

    @property
    def billable_per_day(self) -> Decimal | None:
        return _per_day(self.billable, self.days)

    @property
    def non_billable_per_day(self) -> Decimal | None:
        return _per_day(self.non_billable, self.days)

    @property
    def utilisation(self) -> Decimal | None:
        """Billable hours ÷ all hours recorded, in per cent."""
        return formulas.percent(self.billable, self.total)

    @property
    def billed_of_eight(self) -> Decimal | None:
        """The utilisation as hours of an 8-hour day, Clio's way of saying it."""
        if not self.total:
            return None
        return (self.billable * WORKDAY_HOURS / self.total).quantize(
            TENTH, ROUND_HALF_UP
        )

    def per_day(self, category: str) -> Decimal | None:
        return _per_day(self.hours.get(category, ZERO), self.days)

    def by_category(self, categories: Iterable[str]) -> list[dict]:
        """For a table: each category's hours and hours per day."""
        return [
            {"hours": self.hours.get(c, ZERO), "per_day": self.per_day(c)}
            for c in categories
        ]


@dataclass
class CategoryShare:
    category: str
    label: str
    hours: Decimal
    percent_of_non_billable: Decimal | None
    hand_off: bool  # one of the eight functions an outside team can take


@dataclass
class AuditResults:
    audit: TimeAudit | None
    people: list[ResultLine]
    firm: ResultLine
    attorneys: ResultLine
    categories: list[str]  # those with hours, billable first
    non_billable_ranked: list[CategoryShare]
    reference: Reference = CLIO_2023

    @property
    def has_hours(self) -> bool:
        return bool(self.firm.total)

    @property
    def candidates(self) -> list[CategoryShare]:
        """The functions that take the most non-billable time, largest first:
        what to ask the fit assessment about."""
        return [share for share in self.non_billable_ranked if share.hand_off][:3]

    @property
    def category_labels(self) -> list[str]:
        return [CATEGORY_LABELS[c] for c in self.categories]

    @property
    def table(self) -> list[tuple[ResultLine, list[dict]]]:
        """Each person, then the attorneys and the firm, with their hours by
        category."""
        lines = [*self.people]
        if self.attorneys.days:
            lines.append(self.attorneys)
        lines.append(self.firm)
        return [(line, line.by_category(self.categories)) for line in lines]

    def chart(self) -> charts.Chart:
        """Stacked bars: each person's average day (and the firm's), billable
        and each non-billable category. A category a person has no hours in
        is left out of their bar (no "0 h" printed on it), and the text for
        those who cannot see the chart says each bar in words."""
        lines = [*self.people, self.firm]
        title = "Hours in an average recorded day, by category"
        chart = charts.bar_chart(
            title,
            [line.label for line in lines],
            [
                (CATEGORY_LABELS[c], [line.per_day(c) or None for line in lines])
                for c in self.categories
            ],
            unit="h",
            stacked=True,
        )
        bars = "; ".join(
            f"{line.label}: "
            + ", ".join(
                f"{CATEGORY_LABELS[c].lower()} {show_hours(line.per_day(c))}"
                for c in self.categories
                if line.hours.get(c)
            )
            + f" (all: {show_hours(line.total_per_day)})"
            for line in lines
        )
        return dataclasses.replace(chart, alt=f"{title}. {bars}.")


def audit_results(audit: TimeAudit) -> AuditResults:
    """Per person and for the firm: days recorded, billable and non-billable
    hours per day, hours by category, and utilisation (billable ÷ all hours
    recorded). Three queries: the hours, the people, their roles."""
    rows = list(
        TimeAuditEntry.objects.for_firm(audit.firm_id)
        .filter(audit=audit)
        .values_list("person_id", "date", "category", "hours")
    )
    ids = {row[0] for row in rows}
    people = {user.pk: user for user in User.objects.filter(pk__in=ids).order_by()}
    attorneys = {
        user_id
        for user_id, roles in Membership.objects.filter(
            organization_id=audit.firm_id, user_id__in=ids
        ).values_list("user_id", "roles")
        if Role.ATTORNEY in roles
    }
    return summarise(audit, rows, people, attorneys)


def summarise(
    audit: TimeAudit | None,
    rows: Iterable[tuple[int, datetime.date, str, Decimal]],
    people: dict,
    attorneys: set[int],
) -> AuditResults:
    """The results of ``rows`` (person id, day, category, hours); ``people``
    maps each person id to the person, ``attorneys`` holds the attorneys'
    ids."""
    days: dict[int, set] = defaultdict(set)
    cells: list[tuple[int, str, Decimal]] = []
    for person_id, day, category, hours in rows:
        days[person_id].add(day)
        cells.append((person_id, category, hours))
    by_person = {
        person_id: ResultLine(
            label=people[person_id].full_name or people[person_id].email,
            person=people[person_id],
            days=len(days[person_id]),
        )
        for person_id in days
    }
    firm = ResultLine(label="Whole firm")
    lawyers = ResultLine(label="Attorneys")
    for person_id, category, hours in cells:
        by_person[person_id].add(category, hours)
        firm.add(category, hours)
        if person_id in attorneys:
            lawyers.add(category, hours)
    firm.days = sum(len(d) for d in days.values())
    lawyers.days = sum(len(days[p]) for p in attorneys if p in days)
    categories = [c for c in AuditCategory.values if firm.hours.get(c)]
    ranked = sorted(
        (c for c in NON_BILLABLE if firm.hours.get(c)),
        key=lambda c: (-firm.hours[c], AuditCategory.values.index(c)),
    )
    return AuditResults(
        audit=audit,
        people=sorted(by_person.values(), key=lambda line: line.label.lower()),
        firm=firm,
        attorneys=lawyers,
        categories=categories,
        non_billable_ranked=[
            CategoryShare(
                category=c,
                label=CATEGORY_LABELS[c],
                hours=firm.hours[c],
                percent_of_non_billable=formulas.percent(
                    firm.hours[c], firm.non_billable
                ),
                hand_off=c in FUNCTIONS,
            )
            for c in ranked
        ],
    )


# --- Import ---------------------------------------------------------------------------

COLUMNS = {
    "person": {
        "person_e_mail",
        "person_email",
        "e_mail",
        "email",
        "e_mail_address",
        "email_address",
        "person",
    },
    "date": {"date", "day"},
    "category": {"category"},
    "hours": {"hours", "hour"},
    "note": {"note", "notes"},
}
REQUIRED_COLUMNS = ("person", "date", "category", "hours")
PREVIEW_ROWS = 20
MAX_LISTED = 200
MAX_BYTES = 2 * 1024 * 1024
CLOSED_FOR_IMPORT = (
    "This time audit is closed. Reopen it on its page to import hours into it."
)
CATEGORY_WORDS = {
    **{header_key(value): value for value in AuditCategory.values},
    **{header_key(label): value for value, label in AuditCategory.choices},
}


class RowStatus:
    NEW = "new"
    IMPORTED = "imported before"
    TYPED = "typed on the page"


@dataclass
class ImportRow:
    line: int
    person: User
    date: datetime.date
    category: str
    hours: Decimal
    note: str
    ref: str = ""
    status: str = RowStatus.NEW

    @property
    def category_label(self) -> str:
        return CATEGORY_LABELS[self.category]


@dataclass
class AuditImportResult:
    filename: str = ""
    encoding: str = ""
    digest: str = ""
    dry_run: bool = False
    rows: int = 0
    added: int = 0
    already_imported: int = 0
    kept_typed: int = 0
    hours: Decimal = ZERO
    errors: list[RowError] = field(default_factory=list)
    problems: int = 0
    preview: list[ImportRow] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.problems

    def problem(self, line: int | None, message: str) -> None:
        self.problems += 1
        if len(self.errors) < MAX_LISTED:
            self.errors.append(RowError(line, message))

    def summary(self) -> str:
        name = f"“{self.filename}”" if self.filename else "The file"
        if not self.ok:
            return (
                f"Nothing was imported from {name}: "
                f"{_plural(self.problems, 'problem')} to fix first. Correct the "
                "file and check it again."
            )
        skipped = ""
        if self.already_imported:
            skipped += (
                f"; {_plural(self.already_imported, 'row')} imported before and skipped"
            )
        if self.kept_typed:
            skipped += (
                f"; {_plural(self.kept_typed, 'row')} skipped because those hours "
                "were typed on the page"
            )
        adds = f"{_plural(self.added, 'row')} ({show_hours(self.hours)})"
        if self.dry_run:
            return (
                f"{name} is ready ({_plural(self.rows, 'row')}): importing it "
                f"would add {adds}{skipped}. Nothing is written until you import it."
            )
        return f"Imported {name}: added {adds}{skipped}."


def _fingerprint(row: ImportRow) -> str:
    text = "|".join(
        (
            row.person.email.lower(),
            row.date.isoformat(),
            row.category,
            str(row.hours),
            " ".join(row.note.split()).lower(),
        )
    )
    return hashlib.sha256(text.encode("utf-8")).hexdigest()[:40]


def _columns(header: list[str], result: AuditImportResult) -> dict[str, int]:
    found: dict[str, int] = {}
    for index, name in enumerate(header):
        key = header_key(name)
        for column, names in COLUMNS.items():
            if key in names and column not in found:
                found[column] = index
    missing = [c for c in REQUIRED_COLUMNS if c not in found]
    if missing:
        shown = ", ".join(h for h in header if h) or "none"
        result.problem(
            1,
            "the file needs the columns person e-mail, date, category and hours "
            f"(note is optional); missing: {', '.join(missing)}. Its columns "
            f"are: {shown}.",
        )
    return found


def _category(text: str) -> str:
    category = CATEGORY_WORDS.get(header_key(text))
    if category is None:
        raise CellProblem(
            f"“{text.strip()}” is not a category; write one of: "
            + "; ".join(f"{value} ({label})" for value, label in AuditCategory.choices)
        )
    return category


def _read_row(line, cells, columns, audit, people) -> tuple[ImportRow | None, list]:
    def cell(name: str) -> str:
        index = columns.get(name)
        return cells[index].strip() if index is not None and index < len(cells) else ""

    problems = []
    email = cell("person").lower()
    person = people.get(email)
    if not email:
        problems.append("the person's e-mail is empty")
    elif person is None:
        problems.append(
            f"nobody among the firm's own people has the e-mail “{cell('person')}”"
        )
    day = None
    try:
        day = parse_date(cell("date"))
        if day is None:
            problems.append("the date is empty")
        elif not audit.start_date <= day <= audit.end_date:
            problems.append(
                f"{show_day(day)} is not a day of this audit "
                f"({show_day(audit.start_date)} to {show_day(audit.end_date)})"
            )
    except CellProblem as problem:
        problems.append(str(problem))
    category = None
    try:
        category = _category(cell("category"))
    except CellProblem as problem:
        problems.append(str(problem))
    hours = ZERO
    try:
        hours = read_hours(cell("hours"))
        if not hours:
            problems.append("the hours are empty or 0; give hours such as 1.5 or 1:30")
    except ServiceError as error:
        problems.append(error.message.rstrip("."))
    note = cell("note")
    if len(note) > 300:
        problems.append("the note is longer than 300 characters; shorten it")
    if problems:
        return None, problems
    assert person is not None and day is not None and category is not None
    return ImportRow(line, person, day, category, hours, note), []


def audit_import(
    *, scope, audit: TimeAudit, file, filename: str = "", dry_run: bool = False
) -> AuditImportResult:
    """Import hours from a CSV file (person e-mail, date, category, hours,
    note) into ``audit``, whole or not at all. Problems come back in
    ``result.errors`` with their line numbers (the header is line 1) and
    nothing is written; with ``dry_run`` nothing is written either, and the
    result says what would be."""
    _require(permissions.may_plan(scope), "import hours into a time audit")
    result = AuditImportResult(filename=filename, dry_run=dry_run)
    if audit.closed_at is not None:
        result.problem(None, CLOSED_FOR_IMPORT)
        return result
    try:
        upload = read_csv_upload(file)
    except FileProblem as problem:
        result.problem(None, str(problem))
        return result
    result.encoding, result.digest = upload.encoding, upload.digest
    columns = _columns(upload.header, result)
    if not result.ok:
        return result
    people = {p.email.lower(): p for p in firm_people(scope.firm)}
    rows: list[ImportRow] = []
    for index, cells in enumerate(upload.records[1:]):
        if not any(c.strip() for c in cells):
            continue
        result.rows += 1
        row, found = _read_row(index + 2, cells, columns, audit, people)
        for message in found:
            result.problem(index + 2, message)
        if row is not None:
            rows.append(row)
    if not result.rows and not result.problems:
        result.problem(None, "The file has column names but no rows of hours.")
    if result.problems:
        return result
    seen: Counter = Counter()
    for row in rows:
        print_ = _fingerprint(row)
        seen[print_] += 1
        row.ref = f"row:{print_}:{seen[print_]}"
    if dry_run:
        _plan(audit, rows, result)
        return result
    with transaction.atomic():
        locked = _locked(audit)
        _plan(locked, rows, result)
        if result.problems:
            return result
        new = [row for row in rows if row.status == RowStatus.NEW]
        TimeAuditEntry.objects.for_firm(scope.firm).bulk_create(
            [
                TimeAuditEntry(
                    firm=scope.firm,
                    audit=locked,
                    person=row.person,
                    date=row.date,
                    category=row.category,
                    hours=row.hours,
                    note=row.note,
                    import_ref=row.ref,
                )
                for row in new
            ]
        )
        audit_record(
            org=scope.firm,
            actor=scope.user,
            action="insights.time_audit_imported",
            obj=locked,
            summary=f"Imported {filename or 'a file'} into the time audit "
            f"“{locked.title}”: {_plural(result.added, 'row')} "
            f"({show_hours(result.hours)})",
            detail={
                "file": filename,
                "sha256": result.digest,
                "encoding": result.encoding,
                "rows": result.rows,
                "added": result.added,
                "already_imported": result.already_imported,
                "kept_typed": result.kept_typed,
                "hours": str(result.hours),
            },
        )
    return result


def _plan(audit: TimeAudit, rows: list[ImportRow], result: AuditImportResult) -> None:
    """Sort each row into new, imported before, or kept out by hours typed
    on the page; check every person's day stays within 24 hours."""
    if audit.closed_at is not None:
        result.problem(None, CLOSED_FOR_IMPORT)
        return
    existing = TimeAuditEntry.objects.for_firm(audit.firm_id).filter(audit=audit)
    refs = set()
    typed = set()
    totals: dict[tuple[int, datetime.date], Decimal] = defaultdict(Decimal)
    for person_id, day, category, hours, ref in existing.values_list(
        "person_id", "date", "category", "hours", "import_ref"
    ):
        totals[(person_id, day)] += hours
        if ref:
            refs.add(ref)
        else:
            typed.add((person_id, day, category))
    lines: dict[tuple[int, datetime.date], list[int]] = defaultdict(list)
    for row in rows:
        if row.ref in refs:
            row.status = RowStatus.IMPORTED
            result.already_imported += 1
        elif (row.person.pk, row.date, row.category) in typed:
            row.status = RowStatus.TYPED
            result.kept_typed += 1
        else:
            row.status = RowStatus.NEW
            result.added += 1
            result.hours += row.hours
            totals[(row.person.pk, row.date)] += row.hours
            lines[(row.person.pk, row.date)].append(row.line)
    names = {row.person.pk: row.person.full_name for row in rows}
    for key, numbers in sorted(lines.items(), key=lambda item: item[1][-1]):
        if totals[key] > DAY_LIMIT:
            person_id, day = key
            result.problem(
                numbers[-1],
                f"{names[person_id]}'s hours on {show_day(day)} would add up to "
                f"{show_hours(totals[key])} with what is already recorded (lines "
                f"{', '.join(str(n) for n in numbers)}); a day holds 24 hours at "
                "most",
            )
    result.preview = rows[:PREVIEW_ROWS]
