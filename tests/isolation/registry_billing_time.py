"""Isolation registry entries of billing's time and expense pages (format:
registry.py).

Everyone who may act for the firm records their own time and expenses; the
billing home and everyone's time are for billing people (the firm's members and
outside staff with the billing function, which the shared ``assistant`` lacks).
The rows here are an attorney's, so only billing people may change them, and
only the attorney may stop their own timer."""

from firmdesk.billing.models import Expense, TimeEntry

from .registry import (
    FIRM_MEMBERS,
    NO_FIRM_ACCESS,
    PROVIDER_STAFF_IN_FIRM,
    Route,
    _firm,
)

EVERYONE_IN_FIRM = FIRM_MEMBERS + PROVIDER_STAFF_IN_FIRM
NOT_BILLING = NO_FIRM_ACCESS + PROVIDER_STAFF_IN_FIRM


def _entry(attr):
    return lambda f: {**_firm(f), "entry_id": getattr(f, attr).public_id}


def _expense(attr):
    return lambda f: {**_firm(f), "expense_id": getattr(f, attr).public_id}


def _entry_state(f):
    return list(
        TimeEntry.unscoped.filter(pk=f.billing_entry.pk).values_list("status", "hours")
    )


def _timer_state(f):
    return TimeEntry.unscoped.get(pk=f.billing_timer.pk).timer_started_at


def _expense_state(f):
    return list(
        Expense.unscoped.filter(pk=f.billing_expense.pk).values_list(
            "status", flat=True
        )
    )


ROUTES: list = [
    Route(
        "billing:home",
        kwargs=_firm,
        allowed=FIRM_MEMBERS,
        denied=NOT_BILLING,
        why="the billing sections, for billing people",
    ),
    Route(
        "billing:my_time",
        kwargs=_firm,
        allowed=EVERYONE_IN_FIRM,
        denied=NO_FIRM_ACCESS,
        why="the viewer's own time only",
    ),
    Route(
        "billing:time_all",
        kwargs=_firm,
        allowed=FIRM_MEMBERS,
        denied=NOT_BILLING,
    ),
    Route(
        "billing:entry_new",
        kwargs=_firm,
        allowed=EVERYONE_IN_FIRM,
        denied=NO_FIRM_ACCESS,
        why="matters offered are the viewer's own (matters_for_time)",
    ),
    Route(
        "billing:entry_edit",
        kwargs=_entry("billing_entry"),
        foreign_kwargs=_entry("other_billing_entry"),
        allowed=FIRM_MEMBERS,
        denied=NOT_BILLING,
    ),
    Route(
        "billing:entry_submit",
        kwargs=_entry("billing_entry"),
        foreign_kwargs=_entry("other_billing_entry"),
        method="POST",
        success=303,
        state=_entry_state,
        allowed=FIRM_MEMBERS,
        denied=NOT_BILLING,
    ),
    Route(
        "billing:entry_delete",
        kwargs=_entry("billing_entry"),
        foreign_kwargs=_entry("other_billing_entry"),
        method="POST",
        success=303,
        state=_entry_state,
        allowed=FIRM_MEMBERS,
        denied=NOT_BILLING,
    ),
    Route(
        "billing:timer_start",
        kwargs=_firm,
        method="POST",
        success=303,
        allowed=EVERYONE_IN_FIRM,
        denied=NO_FIRM_ACCESS,
        why="starts the viewer's own timer on a matter they may see",
    ),
    Route(
        "billing:timer_stop",
        kwargs=_entry("billing_timer"),
        foreign_kwargs=_entry("other_billing_entry"),
        method="POST",
        success=303,
        state=_timer_state,
        allowed=("attorney",),
        denied=(*NOT_BILLING, "firm_admin", "firm_staff"),
        why="only the person whose timer it is stops it",
    ),
    Route(
        "billing:expense_list",
        kwargs=_firm,
        allowed=EVERYONE_IN_FIRM,
        denied=NO_FIRM_ACCESS,
        why="provider staff without billing see their own expenses only",
    ),
    Route(
        "billing:expense_new",
        kwargs=_firm,
        allowed=EVERYONE_IN_FIRM,
        denied=NO_FIRM_ACCESS,
    ),
    Route(
        "billing:expense_edit",
        kwargs=_expense("billing_expense"),
        foreign_kwargs=_expense("other_billing_expense"),
        allowed=FIRM_MEMBERS,
        denied=NOT_BILLING,
    ),
    Route(
        "billing:expense_submit",
        kwargs=_expense("billing_expense"),
        foreign_kwargs=_expense("other_billing_expense"),
        method="POST",
        success=303,
        state=_expense_state,
        allowed=FIRM_MEMBERS,
        denied=NOT_BILLING,
    ),
    Route(
        "billing:expense_delete",
        kwargs=_expense("billing_expense"),
        foreign_kwargs=_expense("other_billing_expense"),
        method="POST",
        success=303,
        state=_expense_state,
        allowed=FIRM_MEMBERS,
        denied=NOT_BILLING,
    ),
    Route(
        "billing:expense_receipt",
        kwargs=_expense("billing_expense"),
        foreign_kwargs=_expense("other_billing_expense"),
        allowed=FIRM_MEMBERS,
        denied=NOT_BILLING,
        why="the receipt of an expense, to whoever may see the expense",
    ),
]
