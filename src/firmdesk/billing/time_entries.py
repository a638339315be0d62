"""Recording time and expenses: entries typed in, timed, or logged on a task.

Each change is one transaction with its audit event. A timekeeper changes their
own entries while they are drafts or submitted; billing people (``may_bill``)
change anyone's and may set the rate. Once the pre-bill review has been through
an entry (reviewed, billed) it changes only there.

Time logged on a task *is* a time entry: ``Task.minutes_logged`` is kept as
the total minutes of the task's entries, in the same transaction as they change.
"""

import datetime
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

from django.db import IntegrityError, transaction
from django.utils import timezone

from firmdesk.audit.services import audit_record
from firmdesk.common.errors import ServiceError
from firmdesk.work import services as work_services
from firmdesk.work.models import Task

from . import utbms
from .models import Expense, Status, TimeEntry
from .money import CENT, ZERO, hours_from_minutes, money
from .rates import billing_settings, terms_for
from .selectors import client_requires_codes, may_bill, task_minutes_total

MAX_HOURS = Decimal("24")
MAX_MINUTES = 24 * 60
OPEN_STATUSES = (Status.DRAFT, Status.SUBMITTED)


@dataclass
class EntryFields:
    """What a person types for a time entry. ``rate`` None keeps the rate the
    firm's terms give (only billing people may set one)."""

    date: datetime.date
    hours: Decimal
    matter: object = None
    narrative: str = ""
    task_code: str = ""
    activity_code: str = ""
    billable: bool | None = None
    rate: Decimal | None = None


@dataclass
class ExpenseFields:
    date: datetime.date
    matter: object
    description: str
    quantity: Decimal = Decimal("1")
    unit_cost: Decimal = ZERO
    expense_code: str = ""
    billable: bool = True


def _audit(scope, obj, action: str, summary: str, **detail):
    audit_record(
        org=scope.firm,
        actor=scope.user,
        action=action,
        obj=obj,
        matter=getattr(obj, "matter", None),
        summary=summary,
        detail=detail or None,
    )


def _today(scope) -> datetime.date:
    return timezone.localdate(timezone=scope.firm.tz)


# --- Who may do what -----------------------------------------------------------


def may_change(scope, entry: TimeEntry) -> bool:
    """Edit, delete or submit: while a draft or submitted, by the timekeeper or
    by billing people."""
    if entry.status not in OPEN_STATUSES or entry.timer_started_at is not None:
        return False
    return entry.timekeeper_id == scope.user.pk or may_bill(scope)


def may_change_expense(scope, expense: Expense) -> bool:
    if expense.status not in OPEN_STATUSES:
        return False
    return expense.incurred_by_id == scope.user.pk or may_bill(scope)


def _must_change(scope, entry) -> None:
    if entry.timer_started_at is not None:
        raise ServiceError("Stop the timer first; then the entry can be changed.")
    if entry.status not in OPEN_STATUSES:
        raise ServiceError(
            f"This entry is {entry.get_status_display().lower()}: it changes "
            "only in the pre-bill review now."
        )
    if not may_change(scope, entry):
        raise ServiceError(
            "Only the person whose time it is, or the firm's billing people, "
            "can change it."
        )


def _must_change_expense(scope, expense) -> None:
    if expense.status not in OPEN_STATUSES:
        raise ServiceError(
            f"This expense is {expense.get_status_display().lower()}: it changes "
            "only in the pre-bill review now."
        )
    if not may_change_expense(scope, expense):
        raise ServiceError(
            "Only the person who incurred it, or the firm's billing people, "
            "can change it."
        )


# --- Checking what was typed ---------------------------------------------------


def _check_matter(scope, matter) -> None:
    if matter is not None and not scope.can_see_matter(matter):
        raise ServiceError("Choose one of the matters in the list.", field="matter")


def _check_hours(hours) -> Decimal:
    try:
        hours = Decimal(hours)
    except (InvalidOperation, TypeError, ValueError):
        raise ServiceError(
            "Enter the hours as a number, such as 1.5.", field="hours"
        ) from None
    if hours <= 0 or hours > MAX_HOURS:
        raise ServiceError(
            "Enter the hours worked: more than 0 and at most 24.", field="hours"
        )
    if hours != hours.quantize(CENT):
        raise ServiceError(
            "Enter the hours with at most two decimals, such as 1.25.", field="hours"
        )
    return hours.quantize(CENT)


def _check_codes(fields: EntryFields) -> None:
    if fields.task_code and fields.task_code not in utbms.TASK_CODES:
        raise ServiceError("Choose a task code from the list.", field="task_code")
    if fields.activity_code and fields.activity_code not in utbms.ACTIVITY_CODES:
        raise ServiceError(
            "Choose an activity code from the list.", field="activity_code"
        )


def _check_rate(scope, rate) -> Decimal | None:
    if rate is None:
        return None
    if not may_bill(scope):
        raise ServiceError("Only the firm's billing people can set the rate.")
    if rate < 0:
        raise ServiceError("Enter a rate of 0 or more.", field="rate")
    return money(rate)


def _codes_required(entry_firm, matter, *, task_code, activity_code) -> None:
    if client_requires_codes(entry_firm, matter) and not (task_code and activity_code):
        raise ServiceError(
            "This client requires a UTBMS task code and activity code on every "
            "entry: choose both, then submit.",
            field="task_code" if not task_code else "activity_code",
        )


def _apply_terms(scope, entry: TimeEntry, engagement) -> None:
    terms = terms_for(
        firm=scope.firm,
        user=entry.timekeeper,
        matter=entry.matter,
        engagement=engagement,
    )
    entry.rate = terms.rate
    entry.cost_rate = terms.cost_rate
    entry.outside_staff = terms.outside_staff
    entry.billable = terms.billable


def _own_engagement(scope):
    """Provider staff record time under their engagement with the firm."""
    return scope.engagement if scope.is_provider_staff else None


# --- Time entries --------------------------------------------------------------


def time_entry_create(
    *, scope, fields: EntryFields, task=None, source=TimeEntry.Source.MANUAL
) -> TimeEntry:
    """A draft entry of the viewer's own time, rate and cost from the firm's terms."""
    _check_matter(scope, fields.matter)
    hours = _check_hours(fields.hours)
    _check_codes(fields)
    rate = _check_rate(scope, fields.rate)
    entry = TimeEntry(
        firm=scope.firm,
        timekeeper=scope.user,
        matter=fields.matter,
        task=task,
        engagement=_own_engagement(scope),
        date=fields.date,
        hours=hours,
        narrative=fields.narrative.strip(),
        task_code=fields.task_code,
        activity_code=fields.activity_code,
        source=source,
        created_by=scope.user,
    )
    _apply_terms(scope, entry, entry.engagement)
    if fields.billable is not None and entry.billable:
        # A timekeeper may mark time no-charge; time the firm does not bill
        # (outside staff it keeps as cost) cannot be made billable here.
        entry.billable = fields.billable
    if rate is not None:
        entry.rate = rate
    with transaction.atomic():
        entry.save()
        _audit(scope, entry, "time_entry.created", f"Recorded {hours} h")
    return entry


def time_entry_update(*, scope, entry: TimeEntry, fields: EntryFields) -> TimeEntry:
    if entry.matter_id != getattr(fields.matter, "pk", None):
        # Staff who reached the matter only through their task keep it.
        _check_matter(scope, fields.matter)
    hours = _check_hours(fields.hours)
    _check_codes(fields)
    rate = _check_rate(scope, fields.rate)
    with transaction.atomic():
        entry = (
            TimeEntry.objects.for_firm(scope.firm).select_for_update().get(pk=entry.pk)
        )
        _must_change(scope, entry)
        before = {"hours": str(entry.hours), "rate": str(entry.rate)}
        matter_changed = entry.matter_id != getattr(fields.matter, "pk", None)
        entry.matter = fields.matter
        if matter_changed:
            _apply_terms(scope, entry, entry.engagement)
        entry.date = fields.date
        entry.hours = hours
        entry.narrative = fields.narrative.strip()
        entry.task_code = fields.task_code
        entry.activity_code = fields.activity_code
        if fields.billable is not None:
            allowed = terms_for(
                firm=scope.firm,
                user=entry.timekeeper,
                matter=entry.matter,
                engagement=entry.engagement,
            ).billable
            entry.billable = fields.billable and allowed
        if rate is not None:
            entry.rate = rate
        entry.save()
        _audit(
            scope,
            entry,
            "time_entry.edited",
            f"Changed a time entry ({entry.hours} h)",
            before=before,
            after={"hours": str(entry.hours), "rate": str(entry.rate)},
        )
    return entry


def time_entry_delete(*, scope, entry: TimeEntry) -> None:
    with transaction.atomic():
        entry = (
            TimeEntry.objects.for_firm(scope.firm).select_for_update().get(pk=entry.pk)
        )
        if entry.timer_started_at is None:
            _must_change(scope, entry)
        elif entry.timekeeper_id != scope.user.pk:
            raise ServiceError("Only the person whose timer it is can discard it.")
        task_id = entry.task_id
        _audit(
            scope,
            entry,
            "time_entry.deleted",
            f"Deleted a time entry of {entry.hours} h on {entry.date}",
        )
        entry.delete()
        if task_id is not None:
            _sync_task(scope, task_id)


def time_entry_submit(*, scope, entry: TimeEntry) -> TimeEntry:
    """Draft → submitted: ready for the pre-bill review."""
    with transaction.atomic():
        entry = (
            TimeEntry.objects.for_firm(scope.firm).select_for_update().get(pk=entry.pk)
        )
        _must_change(scope, entry)
        if entry.status != Status.DRAFT:
            raise ServiceError("This entry has been submitted already.")
        _codes_required(
            scope.firm,
            entry.matter,
            task_code=entry.task_code,
            activity_code=entry.activity_code,
        )
        entry.status = Status.SUBMITTED
        entry.save(update_fields=["status", "updated_at"])
        _audit(scope, entry, "time_entry.submitted", f"Submitted {entry.hours} h")
    return entry


def _sync_task(scope, task_id, *, summary="") -> None:
    task = Task.objects.for_firm(scope.firm).get(pk=task_id)
    work_services.task_minutes_logged_set(
        task=task,
        total=task_minutes_total(scope.firm, task),
        actor=scope.user,
        summary=summary,
    )


# --- The timer ---------------------------------------------------------------------


def timer_start(*, scope, matter, task=None, narrative="", now=None) -> TimeEntry:
    """A running timer: an entry with no hours yet, stopped by ``timer_stop``.
    One per person (a database constraint), across every firm they work for."""
    now = now or timezone.now()
    _check_matter(scope, matter)
    if task is not None:
        if task.assignee_id != scope.user.pk:
            raise ServiceError("Only the person the task is given to can time it.")
        matter = task.matter
    entry = TimeEntry(
        firm=scope.firm,
        timekeeper=scope.user,
        matter=matter,
        task=task,
        engagement=_own_engagement(scope),
        date=timezone.localdate(now, timezone=scope.firm.tz),
        narrative=narrative.strip(),
        timer_started_at=now,
        source=TimeEntry.Source.TIMER,
        created_by=scope.user,
    )
    _apply_terms(scope, entry, entry.engagement)
    try:
        with transaction.atomic():
            entry.save()
            _audit(scope, entry, "time_entry.timer_started", "Started a timer")
    except IntegrityError:
        raise ServiceError(
            "Your timer is already running. Stop it before you start another."
        ) from None
    return entry


def timer_stop(*, scope, entry: TimeEntry, now=None) -> TimeEntry:
    """The elapsed minutes (rounded up to the minute, at most a day) become the
    entry's minutes, and its hours rounded up to the firm's increment."""
    now = now or timezone.now()
    increment = billing_settings(scope.firm).increment
    with transaction.atomic():
        entry = (
            TimeEntry.objects.for_firm(scope.firm).select_for_update().get(pk=entry.pk)
        )
        if entry.timer_started_at is None or entry.timekeeper_id != scope.user.pk:
            raise ServiceError("That timer is not running.")
        seconds = max((now - entry.timer_started_at).total_seconds(), 0)
        minutes = min(max(int(-(-seconds // 60)), 1), MAX_MINUTES)
        entry.minutes = minutes
        entry.hours = min(hours_from_minutes(minutes, increment), MAX_HOURS)
        entry.timer_started_at = None
        entry.save()
        _audit(scope, entry, "time_entry.timer_stopped", f"Timed {minutes} minutes")
        if entry.task_id is not None:
            _sync_task(scope, entry.task_id, summary=f"Timed {minutes} minutes")
    return entry


# --- Time logged on a task ---------------------------------------------------------


def time_log_on_task(
    *, scope, task, revision, minutes: int, narrative: str = "", date=None
) -> TimeEntry:
    """The assignee logs time on their task: a submitted time entry (the
    work is done), and the task's ``minutes_logged`` grows by as much."""
    if not 1 <= minutes <= MAX_MINUTES:
        raise ServiceError(
            "Enter the minutes spent, between 1 and 1440.", field="minutes"
        )
    increment = billing_settings(scope.firm).increment
    with transaction.atomic():
        task = work_services.task_for_logging(scope=scope, task=task, revision=revision)
        entry = TimeEntry(
            firm=scope.firm,
            timekeeper=task.assignee,
            matter=task.matter,
            task=task,
            engagement=task.engagement,
            date=date or _today(scope),
            minutes=minutes,
            hours=hours_from_minutes(minutes, increment),
            narrative=narrative.strip() or f"Time logged on task: {task.title}",
            status=Status.SUBMITTED,
            source=TimeEntry.Source.TASK,
            created_by=scope.user,
        )
        _apply_terms(scope, entry, task.engagement)
        entry.save()
        _audit(
            scope,
            entry,
            "time_entry.logged_on_task",
            f"Logged {minutes} minutes on “{task.title}”",
        )
        work_services.task_minutes_logged_set(
            task=task,
            total=task_minutes_total(scope.firm, task),
            actor=scope.user,
            summary=f"Logged {minutes} minutes",
        )
    return entry


# --- Expenses ----------------------------------------------------------------------


def _check_expense(scope, fields: ExpenseFields) -> None:
    if fields.matter is None:
        raise ServiceError("Choose the matter it was spent on.", field="matter")
    _check_matter(scope, fields.matter)
    if not fields.description.strip():
        raise ServiceError("Say what it was for.", field="description")
    if fields.expense_code and fields.expense_code not in utbms.EXPENSE_CODES:
        raise ServiceError(
            "Choose an expense code from the list.", field="expense_code"
        )
    if fields.quantity <= 0:
        raise ServiceError("Enter a quantity above 0.", field="quantity")
    if fields.unit_cost < 0:
        raise ServiceError("Enter a cost of 0 or more.", field="unit_cost")


def _attach_receipt(scope, expense, receipt_file) -> None:
    from firmdesk.documents.services import document_upload

    expense.receipt = document_upload(
        firm=scope.firm,
        actor=scope.user,
        uploaded_file=receipt_file,
        title=f"Receipt: {expense.description.strip()[:80]}",
        matter=expense.matter,
    )


def expense_create(*, scope, fields: ExpenseFields, receipt_file=None) -> Expense:
    _check_expense(scope, fields)
    expense = Expense(
        firm=scope.firm,
        matter=fields.matter,
        incurred_by=scope.user,
        date=fields.date,
        expense_code=fields.expense_code,
        description=fields.description.strip(),
        quantity=fields.quantity,
        unit_cost=money(fields.unit_cost),
        billable=fields.billable,
        created_by=scope.user,
    )
    with transaction.atomic():
        if receipt_file is not None:
            _attach_receipt(scope, expense, receipt_file)
        expense.save()
        _audit(scope, expense, "expense.created", f"Recorded {expense.amount}")
    return expense


def expense_update(
    *, scope, expense: Expense, fields: ExpenseFields, receipt_file=None
) -> Expense:
    _check_expense(scope, fields)
    with transaction.atomic():
        expense = (
            Expense.objects.for_firm(scope.firm).select_for_update().get(pk=expense.pk)
        )
        _must_change_expense(scope, expense)
        before = str(expense.amount)
        expense.matter = fields.matter
        expense.date = fields.date
        expense.expense_code = fields.expense_code
        expense.description = fields.description.strip()
        expense.quantity = fields.quantity
        expense.unit_cost = money(fields.unit_cost)
        expense.billable = fields.billable
        if receipt_file is not None:
            _attach_receipt(scope, expense, receipt_file)
        expense.save()
        _audit(
            scope,
            expense,
            "expense.edited",
            "Changed an expense",
            before=before,
            after=str(expense.amount),
        )
    return expense


def expense_delete(*, scope, expense: Expense) -> None:
    with transaction.atomic():
        expense = (
            Expense.objects.for_firm(scope.firm).select_for_update().get(pk=expense.pk)
        )
        _must_change_expense(scope, expense)
        _audit(
            scope, expense, "expense.deleted", f"Deleted an expense of {expense.amount}"
        )
        expense.delete()


def expense_submit(*, scope, expense: Expense) -> Expense:
    with transaction.atomic():
        expense = (
            Expense.objects.for_firm(scope.firm).select_for_update().get(pk=expense.pk)
        )
        _must_change_expense(scope, expense)
        if expense.status != Status.DRAFT:
            raise ServiceError("This expense has been submitted already.")
        if client_requires_codes(scope.firm, expense.matter) and not (
            expense.expense_code
        ):
            raise ServiceError(
                "This client requires a UTBMS expense code on every expense: "
                "choose one, then submit.",
                field="expense_code",
            )
        expense.status = Status.SUBMITTED
        expense.save(update_fields=["status", "updated_at"])
        _audit(scope, expense, "expense.submitted", f"Submitted {expense.amount}")
    return expense
