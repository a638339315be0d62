"""The roll-up: what each engagement (and the firm's own people) did each day,
kept current as the work happens.

``WorkDay`` holds one row per firm, engagement (None: in-house work) and day
of the firm's calendar; ``BillableDay`` one per firm, person and day. The
figures (``insights.figures``) read only these rows. docs/insights-rollup.md
says, for a reader who is not an engineer, what is counted where and when.

Three ways in, one way of counting:

* ``compute(firm, keys)`` counts cells from the raw rows (tasks, reviews,
  time entries, leads, feedback, breaches, provider bills). Every other
  function here writes what it returns; nothing else decides what a row
  counts for.
* ``refresh(firm, keys)`` rewrites some cells inside the caller's transaction:
  it locks them first (inserting the missing ones), then counts, so two
  transactions changing the same cell at once queue on the row lock and the
  second counts what the first committed. The receivers in
  ``insights.signals`` call it whenever a counted row is saved or deleted.
* ``rebuild(firm=None)`` throws a firm's cells away and writes them again
  from ``compute`` in bulk: for seeds, imports that bypass the services, and
  repairs.

A cell whose every column is zero may stay (``refresh`` never deletes a row,
because a transaction waiting for that row's lock would then find nothing to
update); ``rebuild`` writes none. Readers treat "no row" and "a row of zeros"
alike (``is_empty``).

Days are the firm's local dates (``Organization.time_zone``), converted in
Python with the zone database the rest of FirmDesk uses, so SQLite and
PostgreSQL agree.
"""

from __future__ import annotations

import datetime
import uuid
import zoneinfo
from collections import defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from functools import reduce
from operator import or_

from django.db import DEFAULT_DB_ALIAS, transaction
from django.db.models import BooleanField, Case, ExpressionWrapper, F, Q, Value, When
from django.db.models.functions import Coalesce

from firmdesk.billing.models import ProviderBill, TimeEntry
from firmdesk.intake.models import FeedbackRequest, Lead
from firmdesk.orgs.business_hours import BusinessCalendar
from firmdesk.orgs.models import Organization
from firmdesk.work.models import Review, SlaBreach, Task

from .models import BillableDay, RollupVersion, WorkDay

Key = tuple[int | None, datetime.date]  # (engagement id or None, day)
PersonKey = tuple[int, datetime.date]  # (person id, day)
Cells = dict[Key, dict]

ZERO = Decimal("0.00")
ONE_DAY = datetime.timedelta(days=1)
FINISHED = (Task.Status.APPROVED, Task.Status.DONE)

# The columns of ``WorkDay``, by the raw rows they are counted from. A change
# to one kind of row recounts only its part of the cell.
PARTS: dict[str, tuple[str, ...]] = {
    "finished": ("finished", "finished_with_due", "finished_on_time"),
    "responses": ("task_response_minutes",),
    "approvals": ("approval_minutes",),
    "reviews": ("reviewed", "returned", "returned_reasons"),
    "time": ("staff_minutes",),
    "leads": ("lead_response_minutes",),
    "feedback": ("feedback_answers", "feedback_rating_sum"),
    "breaches": ("breaches",),
    "bills": ("bills", "billed_cost"),
}
ALL_PARTS = frozenset(PARTS)
COLUMNS = tuple(column for columns in PARTS.values() for column in columns)
LIST_COLUMNS = ("task_response_minutes", "approval_minutes", "lead_response_minutes")


def empty(parts: Iterable[str] = ALL_PARTS) -> dict:
    """A cell with nothing in it (the columns of ``parts``)."""
    cell: dict = {}
    for part in parts:
        for column in PARTS[part]:
            if column in LIST_COLUMNS:
                cell[column] = []
            elif column == "returned_reasons":
                cell[column] = {}
            elif column == "billed_cost":
                cell[column] = ZERO
            else:
                cell[column] = 0
    return cell


def is_empty(cell: dict) -> bool:
    return not any(cell.values())


def minutes_of_entry(minutes: int | None, hours: Decimal) -> int:
    """A time entry's minutes: as recorded, or, when only hours were typed or
    imported, the hours in minutes (rounded to the minute)."""
    if minutes is not None:
        return minutes
    return int((Decimal(hours) * 60).to_integral_value(ROUND_HALF_UP))


class Clock:
    """The firm's zone and business calendar, as the roll-up reads them."""

    def __init__(self, firm: Organization):
        self.firm = firm
        self.tz = zoneinfo.ZoneInfo(firm.time_zone)
        self._calendar: BusinessCalendar | None = None

    def day(self, when: datetime.datetime) -> datetime.date:
        return when.astimezone(self.tz).date()

    def start(self, day: datetime.date) -> datetime.datetime:
        """The instant ``day`` begins in the firm's zone."""
        return datetime.datetime.combine(day, datetime.time.min, tzinfo=self.tz)

    def business_minutes(self, start: datetime.datetime, end: datetime.datetime) -> int:
        """Minutes of the firm's business hours from ``start`` to ``end``, as
        the task page and the weekly review count them."""
        if self._calendar is None:
            self._calendar = BusinessCalendar.for_organization(self.firm)
        spent = self._calendar.business_time_between(start, end)
        return int(round(spent.total_seconds() / 60))


# --- What one raw row counts for, and where -------------------------------------
#
# Each ``*_keys`` function takes a row as a dict of the fields named in its
# model's ``FIELDS`` and says which cells it counts in. ``compute`` and the
# receivers that find the cells a change touches (``insights.signals``) both
# use them, so the two cannot disagree.

TASK_FIELDS = (
    "engagement_id",
    "status",
    "approved_at",
    "completed_at",
    "due_at",
    "submitted_at",
    "first_response_at",
    "routed_at",
    "created_at",
)
REVIEW_FIELDS = ("task_id", "engagement_id", "created_at", "decision", "reason")
TIME_FIELDS = (
    "engagement_id",
    "timekeeper_id",
    "date",
    "minutes",
    "hours",
    "outside_staff",
    "billable",
    "written_off",
)
LEAD_FIELDS = ("engagement_id", "received_at", "first_response_at")
FEEDBACK_FIELDS = ("lead_id", "engagement_id", "answered_at", "rating")
BREACH_FIELDS = ("engagement_id", "due_at")
BILL_FIELDS = ("engagement_id", "period_end", "reconciled_total")
# A review counts for its task's engagement, feedback for its lead's.
THROUGH = {
    Review: {"engagement_id": F("task__engagement_id")},
    FeedbackRequest: {"engagement_id": F("lead__engagement_id")},
}
FIELDS = {
    Task: TASK_FIELDS,
    Review: REVIEW_FIELDS,
    TimeEntry: TIME_FIELDS,
    Lead: LEAD_FIELDS,
    FeedbackRequest: FEEDBACK_FIELDS,
    SlaBreach: BREACH_FIELDS,
    ProviderBill: BILL_FIELDS,
}


def values(queryset):
    """``queryset`` as dicts of the fields its model's rows are counted by."""
    model = queryset.model
    through = THROUGH.get(model, {})
    own = [name for name in FIELDS[model] if name not in through]
    return queryset.values(*own, **through)


def task_counted(row: dict) -> dict:
    """A task as the roll-up counts it, from its fields (``TASK_FIELDS``).
    ``compute`` reads the same from the database (``TASK_COUNTED``, with
    ``delivered_at`` = Coalesce(submitted_at, completed_at))."""
    delivered = row["submitted_at"] or row["completed_at"]
    return {
        "engagement_id": row["engagement_id"],
        "status": row["status"],
        "finished_at": row["approved_at"] or row["completed_at"],
        "first_response_at": row["first_response_at"],
        "approved_at": row["approved_at"],
        "given_at": row["routed_at"] or row["created_at"],
        "has_due": row["due_at"] is not None,
        # Task.on_time: handed in (the submission approved, or the completion
        # of work needing no review) by the due time.
        "on_time": row["due_at"] is not None
        and delivered is not None
        and delivered <= row["due_at"],
    }


TASK_COUNTED = {
    "finished_at": Coalesce("approved_at", "completed_at"),
    "given_at": Coalesce("routed_at", "created_at"),
    "has_due": ExpressionWrapper(Q(due_at__isnull=False), BooleanField()),
    "on_time": Case(
        When(delivered_at__lte=F("due_at"), then=Value(True)),
        default=Value(False),
    ),
}


# What a task's event counts in: finished (approved, or done without
# review), first answered, approved. A task counts on the day of each.
EVENT_PARTS = {
    "finished": "finished",
    "responded": "responses",
    "approved": "approvals",
}


def task_events(task: dict) -> list[tuple[str, datetime.datetime]]:
    """(what, when) for a task as ``task_counted`` gives it."""
    events = []
    if task["status"] in FINISHED and task["finished_at"] is not None:
        events.append(("finished", task["finished_at"]))
    if task["first_response_at"] is not None:
        events.append(("responded", task["first_response_at"]))
    if task["approved_at"] is not None:
        events.append(("approved", task["approved_at"]))
    return events


def task_footprints(row: dict) -> dict[str, tuple]:
    """Part → everything about a task (``TASK_FIELDS``) that part's counts
    depend on: a change that leaves a part's footprint as it was leaves its
    counts as they were. Starting work, handing it in, completing approved
    work change a task but seldom a footprint."""
    task = task_counted(row)
    engagement = task["engagement_id"]
    finished = task["status"] in FINISHED and task["finished_at"] is not None
    answered, approved = task["first_response_at"], task["approved_at"]
    return {
        "finished": (
            engagement,
            (task["finished_at"], task["has_due"], task["on_time"])
            if finished
            else None,
        ),
        "responses": (engagement, answered, answered and task["given_at"]),
        "approvals": (engagement, approved, approved and task["given_at"]),
    }


def task_keys(row: dict, clock: Clock, parts=None) -> set[Key]:
    """The cells a task counts in (for ``parts``: all when None)."""
    task = task_counted(row)
    return {
        (task["engagement_id"], clock.day(when))
        for what, when in task_events(task)
        if parts is None or EVENT_PARTS[what] in parts
    }


def review_keys(row: dict, clock: Clock) -> set[Key]:
    return {(row["engagement_id"], clock.day(row["created_at"]))}


def time_keys(row: dict) -> set[Key]:
    """Outside staff's time on an engagement counts on the engagement's day."""
    if row["outside_staff"] and row["engagement_id"] is not None:
        return {(row["engagement_id"], row["date"])}
    return set()


def person_keys(row: dict) -> set[PersonKey]:
    """The firm's own people's billable time counts on their day."""
    if row["billable"] and not row["outside_staff"] and not row["written_off"]:
        return {(row["timekeeper_id"], row["date"])}
    return set()


def lead_keys(row: dict, clock: Clock) -> set[Key]:
    if row["first_response_at"] is None:
        return set()
    return {(row["engagement_id"], clock.day(row["first_response_at"]))}


def feedback_keys(row: dict, clock: Clock) -> set[Key]:
    if row["answered_at"] is None or row["rating"] is None:
        return set()
    return {(row["engagement_id"], clock.day(row["answered_at"]))}


def breach_keys(row: dict, clock: Clock) -> set[Key]:
    return {(row["engagement_id"], clock.day(row["due_at"]))}


def bill_keys(row: dict) -> set[Key]:
    return {(row["engagement_id"], row["period_end"])}


def keys_of(
    model, row: dict | None, clock: Clock, parts=None
) -> tuple[set[Key], set[PersonKey]]:
    """The ``WorkDay`` and ``BillableDay`` cells a row of ``model`` counts in
    (a task: for ``parts``)."""
    if row is None:
        return set(), set()
    if model is Task:
        return task_keys(row, clock, parts), set()
    if model is TimeEntry:
        return time_keys(row), person_keys(row)
    if model is ProviderBill:
        return bill_keys(row), set()
    by_instant = {
        Review: review_keys,
        Lead: lead_keys,
        FeedbackRequest: feedback_keys,
        SlaBreach: breach_keys,
    }
    return by_instant[model](row, clock), set()


# --- Counting from the raw rows --------------------------------------------------


def _groups(keys: Iterable[tuple]) -> dict:
    """First element → its days, sorted."""
    out: dict = defaultdict(list)
    for first, day in keys:
        out[first].append(day)
    return {first: sorted(days) for first, days in out.items()}


def _is(path: str, value) -> Q:
    if value is None:
        return Q(**{f"{path}__isnull": True})
    return Q(**{path: value})


def _instants(fields: Iterable[str], path: str, wanted, clock: Clock) -> Q:
    """Rows of the wanted cells: their engagement (at ``path``) and one of
    ``fields`` within the days asked for (from the first to the last of each
    engagement's days; the caller keeps only the cells asked for). Every
    row when ``wanted`` is None."""
    q = Q()
    if wanted is None:
        return q
    for engagement, days in _groups(wanted).items():
        start, end = clock.start(days[0]), clock.start(days[-1] + ONE_DAY)
        within = Q()
        for name in fields:
            within |= Q(**{f"{name}__gte": start, f"{name}__lt": end})
        q |= _is(path, engagement) & within
    return q


def _dates(field: str, path: str, wanted) -> Q:
    q = Q()
    if wanted is None:
        return q
    for first, days in _groups(wanted).items():
        q |= _is(path, first) & Q(**{f"{field}__range": (days[0], days[-1])})
    return q


def _rows(model, firm, using: str, where: Q):
    rows = model.objects.db_manager(using).for_firm(firm).filter(where)
    return values(rows.order_by())


def _tasks(firm, using, where: Q, names: Iterable[str], **expressions):
    return (
        Task.objects.db_manager(using)
        .for_firm(firm)
        .alias(delivered_at=Coalesce("submitted_at", "completed_at"))
        .order_by()
        .values("engagement_id", *names, **expressions)
        .filter(where)
    )


def _count_tasks(firm, clock, wanted, cells, using, parts) -> None:
    """The task parts (finished, responses, approvals) in one read of the
    firm's tasks: each task counts on the day it finished, was first answered
    and was approved, in the parts asked for."""
    wheres = []
    if "finished" in parts:
        wheres.append(
            Q(status__in=FINISHED, finished_at__isnull=False)
            & _instants(("finished_at",), "engagement", wanted, clock)
        )
    for part, (field, _) in TASK_MINUTES.items():
        if part in parts:
            wheres.append(
                Q(**{f"{field}__isnull": False})
                & _instants((field,), "engagement", wanted, clock)
            )
    where = reduce(or_, wheres)
    counted = {
        name: TASK_COUNTED[name]
        for name in ("finished_at", "has_due", "on_time", "given_at")
    }
    fields = ("status", *(field for field, _ in TASK_MINUTES.values()))
    for task in _tasks(firm, using, where, fields, **counted):
        engagement = task["engagement_id"]
        if (
            "finished" in parts
            and task["status"] in FINISHED
            and task["finished_at"] is not None
        ):
            key = (engagement, clock.day(task["finished_at"]))
            if wanted is None or key in wanted:
                cell = cells[key]
                cell["finished"] += 1
                cell["finished_with_due"] += task["has_due"]
                cell["finished_on_time"] += task["on_time"]
        for part, (field, column) in TASK_MINUTES.items():
            when = task[field]
            if part not in parts or when is None:
                continue
            key = (engagement, clock.day(when))
            if wanted is None or key in wanted:
                minutes = clock.business_minutes(task["given_at"], when)
                cells[key][column].append(minutes)


# The parts counted in business minutes from when a task was given out to
# one of its instants (field), listed in a column on that instant's day.
TASK_MINUTES = {
    "responses": ("first_response_at", "task_response_minutes"),
    "approvals": ("approved_at", "approval_minutes"),
}
TASK_PARTS = frozenset(("finished", *TASK_MINUTES))


def _count_reviews(firm, clock, wanted, cells, using) -> None:
    where = _instants(("created_at",), "task__engagement", wanted, clock)
    for row in _rows(Review, firm, using, where):
        (key,) = review_keys(row, clock)
        if wanted is not None and key not in wanted:
            continue
        cell = cells[key]
        cell["reviewed"] += 1
        if row["decision"] == Review.Decision.RETURNED:
            cell["returned"] += 1
            reasons = cell["returned_reasons"]
            reason = row["reason"] or Review.Reason.OTHER.value
            reasons[reason] = reasons.get(reason, 0) + 1


def _count_time(firm, clock, wanted, cells, using) -> None:
    where = Q(outside_staff=True, engagement__isnull=False)
    if wanted is not None:
        where &= _dates("date", "engagement", wanted)
    for row in _rows(TimeEntry, firm, using, where):
        for key in time_keys(row):
            if wanted is None or key in wanted:
                cells[key]["staff_minutes"] += minutes_of_entry(
                    row["minutes"], row["hours"]
                )


def _count_leads(firm, clock, wanted, cells, using) -> None:
    where = Q(first_response_at__isnull=False)
    if wanted is not None:
        where &= _instants(("first_response_at",), "engagement", wanted, clock)
    for row in _rows(Lead, firm, using, where):
        for key in lead_keys(row, clock):
            if wanted is None or key in wanted:
                waited = row["first_response_at"] - row["received_at"]
                cells[key]["lead_response_minutes"].append(
                    int(round(waited.total_seconds() / 60))
                )


def _count_feedback(firm, clock, wanted, cells, using) -> None:
    where = Q(answered_at__isnull=False, rating__isnull=False)
    if wanted is not None:
        where &= _instants(("answered_at",), "lead__engagement", wanted, clock)
    for row in _rows(FeedbackRequest, firm, using, where):
        for key in feedback_keys(row, clock):
            if wanted is None or key in wanted:
                cells[key]["feedback_answers"] += 1
                cells[key]["feedback_rating_sum"] += row["rating"]


def _count_breaches(firm, clock, wanted, cells, using) -> None:
    where = _instants(("due_at",), "engagement", wanted, clock)
    for row in _rows(SlaBreach, firm, using, where):
        for key in breach_keys(row, clock):
            if wanted is None or key in wanted:
                cells[key]["breaches"] += 1


def _count_bills(firm, clock, wanted, cells, using) -> None:
    where = _dates("period_end", "engagement", wanted)
    for row in _rows(ProviderBill, firm, using, where):
        for key in bill_keys(row):
            if wanted is None or key in wanted:
                cells[key]["bills"] += 1
                cells[key]["billed_cost"] += row["reconciled_total"]


COUNTERS: dict[str, Callable] = {
    "reviews": _count_reviews,
    "time": _count_time,
    "leads": _count_leads,
    "feedback": _count_feedback,
    "breaches": _count_breaches,
    "bills": _count_bills,
}


def compute(
    firm,
    keys: Iterable[Key] | None = None,
    *,
    parts: Iterable[str] = ALL_PARTS,
    using: str = DEFAULT_DB_ALIAS,
    clock: Clock | None = None,
) -> Cells:
    """The cells of ``firm`` counted from the raw rows: those of ``keys``
    ((engagement id or None, day) pairs), or every cell of the firm. Only the
    columns of ``parts``; cells with nothing in them are left out."""
    parts = frozenset(parts)
    wanted = None if keys is None else set(keys)
    if wanted is not None and not wanted:
        return {}
    clock = clock or Clock(firm)
    cells: Cells = defaultdict(lambda: empty(parts))
    if parts & TASK_PARTS:
        _count_tasks(firm, clock, wanted, cells, using, parts)
    for part in sorted(parts - TASK_PARTS):
        COUNTERS[part](firm, clock, wanted, cells, using)
    out = {}
    for key, cell in cells.items():
        if is_empty(cell):
            continue
        for column in LIST_COLUMNS:
            if column in cell:
                cell[column].sort()
        out[key] = cell
    return out


def compute_billable(
    firm, keys: Iterable[PersonKey] | None = None, *, using: str = DEFAULT_DB_ALIAS
) -> dict[PersonKey, int]:
    """(person id, day) → billable minutes of the firm's own people, for
    ``keys`` or the whole firm; days without any are left out. These are the
    hours as billed (what "billable hours" means to a firm, and what the time
    audit's billable hours are compared with), not the minutes worked."""
    wanted = None if keys is None else set(keys)
    if wanted is not None and not wanted:
        return {}
    where = Q(billable=True, outside_staff=False, written_off=False)
    if wanted is not None:
        where &= _dates("date", "timekeeper", wanted)
    out: dict[PersonKey, int] = defaultdict(int)
    for row in _rows(TimeEntry, firm, using, where):
        for key in person_keys(row):
            if wanted is None or key in wanted:
                out[key] += minutes_of_entry(None, row["hours"])
    return {key: minutes for key, minutes in out.items() if minutes}


# --- Writing cells ----------------------------------------------------------------


def _sort_key(key: tuple) -> tuple:
    first, day = key
    return (day, first is not None, first or 0)


def _cells_q(path: str, keys: Iterable[tuple]) -> Q:
    q = Q()
    for first, days in _groups(keys).items():
        q |= _is(path, first) & Q(day__in=days)
    return q


def _locked(model, firm, path: str, keys: list[tuple], using: str) -> dict:
    """The rows of ``keys``, locked, after inserting those missing. Rows are
    locked in one order (day, then engagement or person), so transactions
    refreshing the same cells queue rather than deadlock."""
    attname = f"{path}_id"

    def lock() -> dict:
        rows = (
            model.objects.db_manager(using)
            .for_firm(firm)
            .filter(_cells_q(path, keys))
            .order_by("day", attname)
            .select_for_update()
        )
        return {(getattr(row, attname), row.day): row for row in rows}

    found = lock()
    missing = [key for key in keys if key not in found]
    if missing:
        model.objects.db_manager(using).bulk_create(
            [model(firm=firm, **{attname: one, "day": day}) for one, day in missing],
            ignore_conflicts=True,
        )
        found = lock()
    return found


def _write(model, rows: list, columns: list[str], using: str) -> None:
    if len(rows) == 1:
        rows[0].save(update_fields=[*columns, "updated_at"], using=using)
    elif rows:
        model.objects.db_manager(using).for_firm(rows[0].firm_id).bulk_update(
            rows, [*columns, "updated_at"], batch_size=500
        )


def mark_changed(firm, *, using: str = DEFAULT_DB_ALIAS) -> None:
    """Give the firm's roll-up a new version mark, inside the caller's
    transaction (readers of the roll-up key what they keep on it). One
    statement, an insert that updates the firm's mark where it exists, so a
    firm's first change costs no more than the others and, of two first
    changes at once, both leave a new mark. It locks the mark's row until the
    transaction ends; writers of the same firm's cells already queue on the
    cells' row locks."""
    RollupVersion.objects.db_manager(using).bulk_create(
        [RollupVersion(firm=firm, version=uuid.uuid4())],
        update_conflicts=True,
        unique_fields=["firm"],
        update_fields=["version"],
    )


def version(firm, *, using: str = DEFAULT_DB_ALIAS) -> str:
    """The firm's roll-up version mark as it stands ("" before any change
    was counted). Read it before the rows it stands for: rows read after it
    are as new as it, or newer."""
    found = (
        RollupVersion.objects.db_manager(using)
        .for_firm(firm)
        .values_list("version", flat=True)
        .first()
    )
    return found.hex if found else ""


def refresh(
    firm,
    keys: Iterable[Key],
    *,
    parts: Iterable[str] = ALL_PARTS,
    using: str = DEFAULT_DB_ALIAS,
) -> int:
    """Count the cells of ``keys`` again from the raw rows (the columns of
    ``parts``) and write what changed, inside the caller's transaction.
    Returns how many cells changed."""
    keys = sorted(set(keys), key=_sort_key)
    if not keys:
        return 0
    parts = frozenset(parts)
    columns = [column for part in sorted(parts) for column in PARTS[part]]
    with transaction.atomic(using=using, savepoint=False):
        rows = _locked(WorkDay, firm, "engagement", keys, using)
        counted = compute(firm, keys, parts=parts, using=using)
        changed = []
        for key in keys:
            row = rows[key]
            cell = counted.get(key) or empty(parts)
            if any(getattr(row, column) != cell[column] for column in columns):
                for column in columns:
                    setattr(row, column, cell[column])
                changed.append(row)
        _write(WorkDay, changed, columns, using)
        if changed:
            mark_changed(firm, using=using)
    return len(changed)


def refresh_billable(
    firm, keys: Iterable[PersonKey], *, using: str = DEFAULT_DB_ALIAS
) -> int:
    """``refresh`` for the firm's people's billable days."""
    keys = sorted(set(keys), key=_sort_key)
    if not keys:
        return 0
    with transaction.atomic(using=using, savepoint=False):
        rows = _locked(BillableDay, firm, "person", keys, using)
        counted = compute_billable(firm, keys, using=using)
        changed = []
        for key in keys:
            row = rows[key]
            if row.minutes != counted.get(key, 0):
                row.minutes = counted.get(key, 0)
                changed.append(row)
        _write(BillableDay, changed, ["minutes"], using)
        if changed:
            mark_changed(firm, using=using)
    return len(changed)


@dataclass
class Rebuilt:
    firms: int = 0
    work_days: int = 0
    billable_days: int = 0


def rebuild(firm=None, *, using: str = DEFAULT_DB_ALIAS) -> Rebuilt:
    """Write every cell of ``firm`` (or of every firm) again from the raw
    rows, one transaction per firm.

    The firm's cells are deleted first, then counted: the delete waits for
    any transaction refreshing one of them, and a refresh that starts
    meanwhile waits for this one and then counts again, so nothing done
    while a rebuild runs is lost. A cell a refresh inserted meanwhile is kept
    as it wrote it (it counted it after its own lock)."""
    if firm is not None:
        firms = [firm]
    else:
        firms = list(
            Organization.objects.using(using)
            .filter(kind=Organization.Kind.FIRM)
            .order_by("pk")
        )
    done = Rebuilt()
    for one in firms:
        with transaction.atomic(using=using):
            WorkDay.objects.db_manager(using).for_firm(one).delete()
            BillableDay.objects.db_manager(using).for_firm(one).delete()
            cells = compute(one, using=using)
            WorkDay.objects.db_manager(using).bulk_create(
                [
                    WorkDay(firm=one, engagement_id=engagement, day=day, **cell)
                    for (engagement, day), cell in cells.items()
                ],
                batch_size=1000,
                ignore_conflicts=True,
            )
            billable = compute_billable(one, using=using)
            BillableDay.objects.db_manager(using).bulk_create(
                [
                    BillableDay(firm=one, person_id=person, day=day, minutes=minutes)
                    for (person, day), minutes in billable.items()
                ],
                batch_size=1000,
                ignore_conflicts=True,
            )
            mark_changed(one, using=using)
        done.firms += 1
        done.work_days += len(cells)
        done.billable_days += len(billable)
    return done


def stored(firm, *, using: str = DEFAULT_DB_ALIAS) -> tuple[Cells, dict]:
    """The firm's cells as written (rows of nothing left out), in the shape
    ``compute`` and ``compute_billable`` return: for checking one against the
    other."""
    work: Cells = {}
    for row in (
        WorkDay.objects.db_manager(using)
        .for_firm(firm)
        .values("engagement_id", "day", *COLUMNS)
    ):
        cell = {column: row[column] for column in COLUMNS}
        if not is_empty(cell):
            work[(row["engagement_id"], row["day"])] = cell
    billable = {
        (person, day): minutes
        for person, day, minutes in BillableDay.objects.db_manager(using)
        .for_firm(firm)
        .filter(minutes__gt=0)
        .values_list("person_id", "day", "minutes")
    }
    return work, billable
