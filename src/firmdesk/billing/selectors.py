"""Reading time and expenses: always through a Scope, so a row outside it is
the same 404 as a row that does not exist."""

import datetime

from django.db.models import Exists, OuterRef, Sum

from firmdesk.access.selectors import access_object
from firmdesk.matters.models import Matter, MatterParty
from firmdesk.work.models import Task

from .models import ClientBillingTerms, Expense, TimeEntry

ENTRY_RELATED = ("matter", "timekeeper")


def may_bill(scope) -> bool:
    """Billing people: the firm's own and outside staff with the billing function."""
    return scope.works_on("billing")


def access_time_entry(scope, public_id, *, for_write=False) -> TimeEntry:
    return access_object(
        TimeEntry,
        scope,
        public_id,
        for_write=for_write,
        queryset=TimeEntry.objects.in_scope(scope).select_related(*ENTRY_RELATED),
    )


def access_expense(scope, public_id, *, for_write=False) -> Expense:
    return access_object(
        Expense,
        scope,
        public_id,
        for_write=for_write,
        queryset=Expense.objects.in_scope(scope).select_related(
            "matter", "incurred_by", "receipt"
        ),
    )


def _with_task_visible(scope, rows):
    """Say on each row whether its viewer may open its task, in the same query
    (access/guard.py GuardedTaskLink reads ``task_visible``)."""
    visible = Task.objects.in_scope(scope).filter(pk=OuterRef("task_id"))
    return rows.annotate(task_visible=Exists(visible))


def time_entries_for(scope, **filters):
    """Time entries the Scope may see, newest first; ``filters`` narrow them:
    ``timekeeper`` (a user), ``matter``, ``status``, ``start``, ``end`` (dates)."""
    rows = TimeEntry.objects.in_scope(scope).select_related(*ENTRY_RELATED, "task")
    if filters.get("timekeeper") is not None:
        rows = rows.filter(timekeeper=filters["timekeeper"])
    if filters.get("matter") is not None:
        rows = rows.filter(matter=filters["matter"])
    if filters.get("status"):
        rows = rows.filter(status=filters["status"])
    if filters.get("start"):
        rows = rows.filter(date__gte=filters["start"])
    if filters.get("end"):
        rows = rows.filter(date__lte=filters["end"])
    return _with_task_visible(scope, rows).order_by("-date", "-created_at")


def week_of(scope, *, day: datetime.date):
    """The viewer's own entries in the week (Monday to Sunday) holding ``day``,
    with the hours of each day."""
    monday = day - datetime.timedelta(days=day.weekday())
    sunday = monday + datetime.timedelta(days=6)
    entries = list(
        time_entries_for(scope, timekeeper=scope.user, start=monday, end=sunday)
        .filter(timer_started_at__isnull=True)
        .order_by("date", "created_at")
    )
    days = []
    for offset in range(7):
        date = monday + datetime.timedelta(days=offset)
        of_day = [e for e in entries if e.date == date]
        days.append(
            {"date": date, "entries": of_day, "hours": sum(e.hours for e in of_day)}
        )
    return days


def running_timer(scope) -> TimeEntry | None:
    """The viewer's running timer in this firm, if any."""
    return (
        TimeEntry.objects.in_scope(scope)
        .filter(timekeeper=scope.user, timer_started_at__isnull=False)
        .select_related(*ENTRY_RELATED)
        .first()
    )


def task_entries(scope, task):
    """The time logged on a task the viewer has opened."""
    return (
        TimeEntry.objects.in_scope(scope)
        .filter(task=task)
        .select_related("timekeeper")
        .order_by("date", "created_at")
    )


def task_minutes_total(firm, task) -> int:
    """The minutes of every entry on a task, for ``Task.minutes_logged``."""
    total = (
        TimeEntry.objects.for_firm(firm)
        .filter(task=task, timer_started_at__isnull=True)
        .aggregate(total=Sum("minutes"))["total"]
    )
    return total or 0


def expenses_for(scope, **filters):
    rows = Expense.objects.in_scope(scope).select_related("matter", "incurred_by")
    if filters.get("matter") is not None:
        rows = rows.filter(matter=filters["matter"])
    if filters.get("status"):
        rows = rows.filter(status=filters["status"])
    if filters.get("mine"):
        rows = rows.filter(incurred_by=scope.user)
    return rows.order_by("-date", "-created_at")


def matters_for_time(scope):
    """The open matters the viewer may record time or expenses on."""
    return (
        Matter.objects.in_scope(scope)
        .exclude(Matter.closed_q())
        .order_by("number")
        .only("public_id", "number", "title", "firm_id")
    )


def client_requires_codes(firm, matter) -> bool:
    """Whether the matter's client asks for UTBMS codes on every line."""
    if matter is None:
        return False
    clients = MatterParty.objects.for_firm(firm).filter(
        matter=matter, role=MatterParty.Role.CLIENT
    )
    return (
        ClientBillingTerms.objects.for_firm(firm)
        .filter(client__in=clients.values("contact"), requires_utbms=True)
        .exists()
    )
