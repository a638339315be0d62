"""The pre-bill review: the queue of submitted time and expenses, their flags,
and what a reviewer does with each (approve, edit, write down, write off, send
back), every step an ``EntryChange`` and an audit event in one transaction.

Who reviews: the firm's people and provider staff whose work includes billing
(``scope.works_on("billing")``). Provider staff do not review their own time or
expenses: someone else must look at it. The flags themselves are pure
(``billing.prebill``); this module loads what they need in a fixed number of
queries (``flags_of``).
"""

import datetime
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

from django.contrib.auth import get_user_model
from django.db import transaction
from django.db.models import Q
from django.http import Http404
from django.urls import reverse

from firmdesk.access.selectors import access_object
from firmdesk.audit.services import audit_record
from firmdesk.common.errors import ServiceError
from firmdesk.matters.models import Matter, MatterParty
from firmdesk.notify.services import notify

from . import prebill
from .models import BILLING, EntryChange, Expense, Status, TimeEntry
from .money import line_amount, money
from .rates import billing_settings
from .utbms import ACTIVITY_CODES, EXPENSE_CODES, TASK_CODES

User = get_user_model()
TIME = "time"
EXPENSE = "expense"
KINDS = {TIME: TimeEntry, EXPENSE: Expense}
A = EntryChange.Action
OPEN = (Status.SUBMITTED, Status.REVIEWED)
# The queue shows at most this many rows; filters narrow it.
QUEUE_LIMIT = 500


# --- Who may review -----------------------------------------------------------------


def may_review(scope) -> bool:
    return scope.works_on(BILLING)


def kind_of(row) -> str:
    return TIME if isinstance(row, TimeEntry) else EXPENSE


def person_of(row):
    """Whose time or expense it is."""
    return row.timekeeper if isinstance(row, TimeEntry) else row.incurred_by


def person_id_of(row):
    return row.timekeeper_id if isinstance(row, TimeEntry) else row.incurred_by_id


def is_own(scope, row) -> bool:
    """Provider staff's own time: reviewed by someone else."""
    return not scope.is_firm_member and person_id_of(row) == scope.user.pk


OWN_TIME = (
    "You cannot review your own time or expenses: another member of the "
    "billing team reviews them."
)


def access_review_row(scope, kind: str, public_id):
    """A time entry or expense the reviewer may open; 404 for anything else,
    including every page of the review for people who do not do billing."""
    model = KINDS.get(kind)
    if model is None or not may_review(scope):
        raise Http404("Nothing to review here.")
    queryset = model.objects.in_scope(scope).select_related(
        "matter", "timekeeper" if model is TimeEntry else "incurred_by"
    )
    return access_object(model, scope, public_id, queryset=queryset)


# --- The queue and its flags --------------------------------------------------------


@dataclass
class QueueRow:
    kind: str
    row: object
    flags: list
    own: bool

    @property
    def person(self):
        return person_of(self.row)


def submitted_rows(scope, *, matter=None, person=None):
    """Submitted time entries and expenses the reviewer may see, oldest first."""
    entries = (
        TimeEntry.objects.in_scope(scope)
        .filter(status=Status.SUBMITTED)
        .select_related("matter", "timekeeper")
        .order_by("date", "created_at")
    )
    expenses = (
        Expense.objects.in_scope(scope)
        .filter(status=Status.SUBMITTED)
        .select_related("matter", "incurred_by")
        .order_by("date", "created_at")
    )
    if matter is not None:
        entries = entries.filter(matter=matter)
        expenses = expenses.filter(matter=matter)
    if person is not None:
        entries = entries.filter(timekeeper=person)
        expenses = expenses.filter(incurred_by=person)
    return list(entries[:QUEUE_LIMIT]), list(expenses[:QUEUE_LIMIT])


def queue_choices(scope):
    """The matters and people with something waiting, for the queue's filters."""
    waiting_time = TimeEntry.objects.in_scope(scope).filter(status=Status.SUBMITTED)
    waiting_costs = Expense.objects.in_scope(scope).filter(status=Status.SUBMITTED)
    matters = (
        Matter.objects.in_scope(scope)
        .filter(
            Q(pk__in=waiting_time.values("matter_id"))
            | Q(pk__in=waiting_costs.values("matter_id"))
        )
        .order_by("number")
    )
    people = User.objects.filter(
        Q(pk__in=waiting_time.values("timekeeper_id"))
        | Q(pk__in=waiting_costs.values("incurred_by_id"))
    ).order_by("full_name")
    return list(matters), list(people)


def rules_of(firm) -> prebill.Rules:
    settings = billing_settings(firm)
    return prebill.Rules(
        increment=settings.increment,
        max_hours_per_day=settings.max_hours_per_day,
        vague_phrases=tuple(settings.vague_phrases or ()),
    )


def _utbms_matters(firm, matter_ids) -> set:
    """Matters with a client party whose billing terms require UTBMS codes."""
    if not matter_ids:
        return set()
    return set(
        MatterParty.objects.for_firm(firm)
        .filter(
            role=MatterParty.Role.CLIENT,
            matter_id__in=matter_ids,
            contact__billing_terms__requires_utbms=True,
        )
        .values_list("matter_id", flat=True)
    )


def _item(row, utbms: set) -> prebill.Item:
    if isinstance(row, TimeEntry):
        return prebill.Item(
            key=(TIME, row.pk),
            kind=prebill.FEE,
            person=row.timekeeper_id,
            matter=row.matter_id,
            date=row.date,
            amount=row.hours,
            narrative=row.narrative,
            task_code=row.task_code,
            activity_code=row.activity_code,
            requires_utbms=row.matter_id in utbms,
        )
    return prebill.Item(
        key=(EXPENSE, row.pk),
        kind=prebill.EXPENSE,
        person=row.incurred_by_id,
        matter=row.matter_id,
        date=row.date,
        amount=line_amount(row.quantity, row.unit_cost),
        narrative=row.description,
        expense_code=row.expense_code,
        requires_utbms=row.matter_id in utbms,
    )


def flags_of(*, scope, entries=(), expenses=(), rules=None) -> dict:
    """The flags of ``entries`` and ``expenses``, keyed ``(kind, pk)``.

    Day totals and duplicates also count the same people's other entries of
    those days that the reviewer may see and that were not written off (an
    entry already approved or billed still makes a day long, or a copy a
    duplicate). Four queries whatever the number of rows: the firm's rules,
    the days' other entries, their other expenses, the clients' UTBMS terms.
    """
    rules = rules or rules_of(scope.firm)
    entries, expenses = list(entries), list(expenses)
    shown = [*entries, *expenses]
    if not shown:
        return {}
    others: list = []
    if entries:
        others += list(
            TimeEntry.objects.in_scope(scope).filter(
                timekeeper_id__in={e.timekeeper_id for e in entries},
                date__in={e.date for e in entries},
                written_off=False,
            )
        )
    if expenses:
        others += list(
            Expense.objects.in_scope(scope).filter(
                incurred_by_id__in={e.incurred_by_id for e in expenses},
                date__in={e.date for e in expenses},
                written_off=False,
            )
        )
    utbms = _utbms_matters(scope.firm, {row.matter_id for row in shown})
    items = {(kind_of(r), r.pk): _item(r, utbms) for r in others}
    items.update({(kind_of(r), r.pk): _item(r, utbms) for r in shown})
    found = prebill.flags_for(items.values(), rules)
    return {key: found[key] for key in ((kind_of(r), r.pk) for r in shown)}


def queue(scope, *, matter=None, person=None, flag: str = "") -> list[QueueRow]:
    """The review queue: submitted rows with their flags, filtered by matter,
    person and flag code (``"none"``: rows without flags)."""
    entries, expenses = submitted_rows(scope, matter=matter, person=person)
    found = flags_of(scope=scope, entries=entries, expenses=expenses)
    rows = [
        QueueRow(kind_of(r), r, found[(kind_of(r), r.pk)], is_own(scope, r))
        for r in [*entries, *expenses]
    ]
    if flag == "none":
        rows = [r for r in rows if not r.flags]
    elif flag:
        rows = [r for r in rows if any(f.code == flag for f in r.flags)]
    return rows


def row_flags(scope, row) -> list:
    key = (kind_of(row), row.pk)
    if isinstance(row, TimeEntry):
        return flags_of(scope=scope, entries=[row])[key]
    return flags_of(scope=scope, expenses=[row])[key]


def history(scope, row):
    """The review steps of one row, oldest first."""
    field = "time_entry" if isinstance(row, TimeEntry) else "expense"
    return (
        EntryChange.objects.in_scope(scope)
        .filter(**{field: row})
        .select_related("by")
        .order_by("created_at")
    )


# --- Changes ------------------------------------------------------------------------


def _check(scope, row, *, statuses=OPEN):
    if not may_review(scope):
        raise Http404("Nothing to review here.")
    if is_own(scope, row):
        raise ServiceError(OWN_TIME)
    if row.status == Status.BILLED:
        raise ServiceError(
            "This is already on an invoice. Change the invoice instead, or void it."
        )
    if row.status not in statuses:
        if row.status == Status.DRAFT:
            raise ServiceError(
                "This is back with the timekeeper: it can be reviewed once "
                "they submit it again."
            )
        raise ServiceError("This has already been approved.")


def _locked(scope, row):
    """The row again, locked until the change commits, so two reviewers
    acting at once take turns and the second sees the first's change."""
    model = type(row)
    fresh = model.objects.for_firm(scope.firm).select_for_update().get(pk=row.pk)
    fresh.matter = row.matter
    return fresh


def _value(value):
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, datetime.date):
        return value.isoformat()
    return value


def _record(scope, row, action, *, before, after, note="", summary) -> EntryChange:
    kind = kind_of(row)
    change = EntryChange.objects.create(
        firm=scope.firm,
        time_entry=row if kind == TIME else None,
        expense=row if kind == EXPENSE else None,
        action=action,
        by=scope.user,
        before={k: _value(v) for k, v in before.items()},
        after={k: _value(v) for k, v in after.items()},
        note=note,
    )
    audit_record(
        org=scope.firm,
        actor=scope.user,
        action=f"billing.{kind}_{action}",
        obj=row,
        matter=row.matter,
        summary=summary,
        detail={
            "before": change.before,
            "after": change.after,
            **({"note": note} if note else {}),
        },
    )
    return change


def _what(row) -> str:
    if isinstance(row, TimeEntry):
        return f"{row.hours} h of {row.date.isoformat()}"
    return f"expense of {row.date.isoformat()}"


def entry_approve(*, scope, row, note: str = ""):
    """Approve (→ reviewed). A flagged row needs a note saying why it stands."""
    note = note.strip()
    with transaction.atomic():
        row = _locked(scope, row)
        _check(scope, row, statuses=(Status.SUBMITTED,))
        flags = row_flags(scope, row)
        if flags and not note:
            raise ServiceError(
                "This entry is flagged. Say in a short note why it can be billed "
                "as it is, or fix it first.",
                field="note",
            )
        row.status = Status.REVIEWED
        row.save(update_fields=["status", "updated_at"])
        after = {"status": Status.REVIEWED}
        if flags:
            after["flags"] = [f.code for f in flags]
        _record(
            scope,
            row,
            A.APPROVED,
            before={"status": Status.SUBMITTED},
            after=after,
            note=note,
            summary=f"Approved {_what(row)}",
        )
    return row


TIME_FIELDS = ("narrative", "hours", "task_code", "activity_code", "rate", "billable")
EXPENSE_FIELDS = (
    "description",
    "quantity",
    "unit_cost",
    "expense_code",
    "billable",
)


def editable_fields(row) -> tuple[str, ...]:
    return TIME_FIELDS if isinstance(row, TimeEntry) else EXPENSE_FIELDS


def _clean_edit(row, values: dict) -> dict:
    cleaned = {}
    for name in editable_fields(row):
        if name not in values:
            continue
        value = values[name]
        if name in ("hours", "rate", "quantity", "unit_cost"):
            try:
                value = Decimal(value).quantize(Decimal("0.01"))
            except (InvalidOperation, TypeError, ValueError):
                raise ServiceError("Enter a number.", field=name) from None
            if value < 0 or (name in ("hours", "quantity") and value == 0):
                raise ServiceError("Enter a number above zero.", field=name)
        elif name in ("task_code", "activity_code", "expense_code"):
            value = (value or "").strip().upper()
            known = {
                "task_code": TASK_CODES,
                "activity_code": ACTIVITY_CODES,
                "expense_code": EXPENSE_CODES,
            }[name]
            if value and value not in known:
                raise ServiceError(
                    f"“{value}” is not a UTBMS code. Choose one from the list.",
                    field=name,
                )
        elif name in ("narrative", "description"):
            value = (value or "").strip()
            if not value:
                raise ServiceError("Say what was done.", field=name)
        elif name == "billable":
            value = bool(value)
        cleaned[name] = value
    return cleaned


def entry_edit(*, scope, row, values: dict, note: str = ""):
    """Change what the review may change (a time entry's narrative, hours,
    codes, rate and billable; an expense's description, quantity, unit cost,
    code and billable), recording each field's value before and after."""
    with transaction.atomic():
        row = _locked(scope, row)
        _check(scope, row)
        wanted = _clean_edit(row, values)
        before, after = {}, {}
        for name, value in wanted.items():
            if getattr(row, name) != value:
                before[name] = getattr(row, name)
                after[name] = value
                setattr(row, name, value)
        if not after:
            raise ServiceError("Nothing was changed: change a field, then save.")
        row.save(update_fields=[*after, "updated_at"])
        _record(
            scope,
            row,
            A.EDITED,
            before=before,
            after=after,
            note=note.strip(),
            summary=f"Edited {_what(row)}: {', '.join(after)}",
        )
    return row


def _gross(row) -> Decimal:
    if isinstance(row, TimeEntry):
        return line_amount(row.hours, row.rate)
    return line_amount(row.quantity, row.unit_cost)


def entry_write_down(
    *, scope, row, note: str, amount: Decimal | None = None, to_hours=None
):
    """Bill less: by ``amount``, or (time only) as if it were ``to_hours``.
    The row keeps its hours (the client sees the work and the reduction, as
    LEDES has it); its ``adjustment`` goes down. The note is required."""
    note = note.strip()
    if not note:
        raise ServiceError("Say why the amount is written down.", field="note")
    if (amount is None) == (to_hours is None):
        raise ServiceError(
            "Give either the amount to take off or the hours to bill, not both."
        )
    with transaction.atomic():
        row = _locked(scope, row)
        _check(scope, row)
        if row.written_off or not row.billable:
            raise ServiceError(
                "The client is billed nothing for this: there is nothing to write down."
            )
        gross = _gross(row)
        billed = gross + row.adjustment
        if to_hours is not None:
            if not isinstance(row, TimeEntry):
                raise Http404("Expenses are written down by an amount.")
            to_hours = Decimal(to_hours)
            if to_hours < 0 or to_hours >= row.hours:
                raise ServiceError(
                    f"Enter fewer hours than the {row.hours} h recorded.",
                    field="to_hours",
                )
            new_billed = money(to_hours * row.rate)
            if new_billed >= billed:
                raise ServiceError(
                    "Billed at that many hours it would cost no less than now. "
                    "Enter fewer hours.",
                    field="to_hours",
                )
            amount = billed - new_billed
        else:
            amount = money(amount)
            if amount <= 0:
                raise ServiceError("Enter an amount above zero.", field="amount")
            if amount > billed:
                raise ServiceError(
                    f"That is more than the {billed} billed. To bill nothing, "
                    "write it off.",
                    field="amount",
                )
        before = {"adjustment": row.adjustment}
        row.adjustment = row.adjustment - amount
        row.save(update_fields=["adjustment", "updated_at"])
        after = {"adjustment": row.adjustment, "taken_off": amount}
        if to_hours is not None:
            after["bill_as_hours"] = to_hours
        _record(
            scope,
            row,
            A.WRITTEN_DOWN,
            before=before,
            after=after,
            note=note,
            summary=f"Wrote down {_what(row)} by {amount}",
        )
    return row


def entry_write_off(*, scope, row, note: str):
    """Bill none of it. The row is decided (reviewed) and bills at zero."""
    note = note.strip()
    if not note:
        raise ServiceError("Say why it is written off.", field="note")
    with transaction.atomic():
        row = _locked(scope, row)
        _check(scope, row)
        if row.written_off:
            raise ServiceError("This is already written off.")
        before = {"written_off": False, "status": row.status}
        row.written_off = True
        row.status = Status.REVIEWED
        row.save(update_fields=["written_off", "status", "updated_at"])
        _record(
            scope,
            row,
            A.WRITTEN_OFF,
            before=before,
            after={"written_off": True, "status": Status.REVIEWED},
            note=note,
            summary=f"Wrote off {_what(row)}",
        )
    return row


def _edit_url(row) -> str:
    """Where the timekeeper fixes what was sent back: their own edit page."""
    if isinstance(row, TimeEntry):
        return reverse("billing:entry_edit", args=[row.firm.slug, row.public_id])
    return reverse("billing:expense_edit", args=[row.firm.slug, row.public_id])


def entry_send_back(*, scope, row, reason: str):
    """Back to the timekeeper as a draft, with the reason; they are told."""
    reason = reason.strip()
    if not reason:
        raise ServiceError(
            "Say what the timekeeper should fix, so they can do it in one go.",
            field="reason",
        )
    with transaction.atomic():
        row = _locked(scope, row)
        _check(scope, row)
        before = {"status": row.status}
        row.status = Status.DRAFT
        row.save(update_fields=["status", "updated_at"])
        change = _record(
            scope,
            row,
            A.RETURNED,
            before=before,
            after={"status": Status.DRAFT},
            note=reason,
            summary=f"Sent back {_what(row)} to its timekeeper",
        )
        what = "time entry" if isinstance(row, TimeEntry) else "expense"
        notify(
            user=person_of(row),
            firm=scope.firm,
            about=row,
            kind="billing.entry_returned",
            title=f"Your {what} of {row.date:%b %-d, %Y} was sent back for changes",
            body=f"{scope.user.full_name}: {reason}"[:500],
            key=f"billing.entry_returned:{change.pk}",
            url=_edit_url(row),
        )
    return row


def entries_approve_unflagged(*, scope, matter) -> int:
    """Approve every submitted, unflagged row of ``matter`` the reviewer may
    approve (not their own, as provider staff); flagged rows stay for one by
    one. Returns how many were approved."""
    if not may_review(scope):
        raise Http404("Nothing to review here.")
    with transaction.atomic():
        entries, expenses = submitted_rows(scope, matter=matter)
        entries = list(
            TimeEntry.objects.for_firm(scope.firm)
            .select_for_update()
            .filter(pk__in=[e.pk for e in entries], status=Status.SUBMITTED)
        )
        expenses = list(
            Expense.objects.for_firm(scope.firm)
            .select_for_update()
            .filter(pk__in=[e.pk for e in expenses], status=Status.SUBMITTED)
        )
        found = flags_of(scope=scope, entries=entries, expenses=expenses)
        approved = [
            row
            for row in [*entries, *expenses]
            if not found[(kind_of(row), row.pk)] and not is_own(scope, row)
        ]
        changes = []
        for model in (TimeEntry, Expense):
            ids = [r.pk for r in approved if isinstance(r, model)]
            if ids:
                model.objects.for_firm(scope.firm).filter(pk__in=ids).update(
                    status=Status.REVIEWED
                )
        for row in approved:
            kind = kind_of(row)
            changes.append(
                EntryChange(
                    firm=scope.firm,
                    time_entry=row if kind == TIME else None,
                    expense=row if kind == EXPENSE else None,
                    action=A.APPROVED,
                    by=scope.user,
                    before={"status": Status.SUBMITTED},
                    after={"status": Status.REVIEWED},
                    note="Approved with the matter's other unflagged entries.",
                )
            )
        EntryChange.objects.bulk_create(changes)
        if approved:
            audit_record(
                org=scope.firm,
                actor=scope.user,
                action="billing.entries_approved",
                obj=matter,
                matter=matter,
                summary=f"Approved {len(approved)} unflagged entries and expenses",
                detail={
                    "time": [str(r.public_id) for r in approved if kind_of(r) == TIME],
                    "expenses": [
                        str(r.public_id) for r in approved if kind_of(r) == EXPENSE
                    ],
                },
            )
    return len(approved)
