"""Time entries, the running timer and expenses (issue 17, items 1, 1a and 2),
and the billing home page."""

import datetime

from django.contrib import messages
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_http_methods, require_POST

from firmdesk.billing import selectors
from firmdesk.billing import time_entries as services
from firmdesk.billing.models import Status
from firmdesk.billing.rates import billing_settings, terms_for
from firmdesk.common.errors import ServiceError
from firmdesk.orgs.models import User
from firmdesk.web.pages import (
    apply_service_error,
    day_in_range,
    forbidden_if,
    see_other,
    send_document,
)
from firmdesk.work.selectors import access_task

from . import forms


def _today(scope) -> datetime.date:
    """Today in the viewer's zone (ViewerZoneMiddleware activates it)."""
    return timezone.localdate()


def _my_time_url(scope, day=None) -> str:
    url = reverse("billing:my_time", args=[scope.firm.slug])
    return f"{url}?week={day.isoformat()}" if day else url


# --- Billing home --------------------------------------------------------------


def home(request, firm_slug):
    scope = request.scope
    forbidden_if(not selectors.may_bill(scope))
    return render(request, "web/billing/home.html", {"may_bill": True})


# --- My time ---------------------------------------------------------------------


def my_time(request, firm_slug):
    scope = request.scope
    try:
        day = datetime.date.fromisoformat(request.GET.get("week", ""))
    except ValueError:
        day = _today(scope)
    if not day_in_range(day):
        day = _today(scope)
    week = selectors.week_of(scope, day=day)
    monday = week[0]["date"]
    terms = terms_for(firm=scope.firm, user=request.user, engagement=scope.engagement)
    return render(
        request,
        "web/billing/time/my_time.html",
        {
            "week": week,
            "week_total": sum(d["hours"] for d in week),
            "previous": monday - datetime.timedelta(days=7),
            "next": monday + datetime.timedelta(days=7),
            "this_week": monday <= _today(scope) <= week[-1]["date"],
            "timer": selectors.running_timer(scope),
            "timer_form": forms.TimerForm(
                matters=selectors.matters_for_time(scope), auto_id="timer_%s"
            ),
            "outside_billed": terms.outside_staff and terms.billable,
            "may_bill": selectors.may_bill(scope),
        },
    )


def all_time(request, firm_slug):
    scope = request.scope
    forbidden_if(not selectors.may_bill(scope))
    matters = selectors.matters_for_time(scope)
    people = User.objects.filter(
        pk__in=selectors.time_entries_for(scope).values("timekeeper")
    ).order_by("full_name")
    filters = forms.TimeFilterForm(request.GET or None, people=people, matters=matters)
    entries = selectors.time_entries_for(scope, **filters.filters())[:200]
    return render(
        request,
        "web/billing/time/all_time.html",
        {"filters": filters, "entries": entries},
    )


# --- One time entry ----------------------------------------------------------------


def _entry_form(request, scope, entry=None, *, data=None):
    with_matter = entry is None or entry.task_id is None
    initial = {"date": _today(scope), "billable": True}
    if entry is not None:
        initial = {
            "date": entry.date,
            "hours": entry.hours,
            "matter": str(entry.matter.public_id) if entry.matter_id else "",
            "task_code": entry.task_code,
            "activity_code": entry.activity_code,
            "narrative": entry.narrative,
            "billable": entry.billable,
            "rate": entry.rate,
        }
    return forms.TimeEntryForm(
        data,
        initial=initial,
        matters=selectors.matters_for_time(scope),
        with_matter=with_matter,
        with_rate=selectors.may_bill(scope),
    )


@require_http_methods(["GET", "POST"])
def entry_edit(request, firm_slug, entry_id=None):
    """New entry (no ``entry_id``) or a change to one still open."""
    scope = request.scope
    entry = None
    if entry_id is not None:
        entry = selectors.access_time_entry(scope, entry_id)
        forbidden_if(not services.may_change(scope, entry))
    form = _entry_form(request, scope, entry, data=request.POST or None)
    if request.method == "POST" and form.is_valid():
        fields = form.entry_fields(matter=entry.matter if entry else None)
        try:
            if entry is None:
                entry = services.time_entry_create(scope=scope, fields=fields)
                messages.success(request, f"{entry.hours} h recorded as a draft.")
            else:
                entry = services.time_entry_update(
                    scope=scope, entry=entry, fields=fields
                )
                messages.success(request, "Time entry saved.")
            if request.POST.get("then") == "submit":
                services.time_entry_submit(scope=scope, entry=entry)
                messages.success(request, "Submitted for the pre-bill review.")
        except ServiceError as error:
            apply_service_error(form, error)
        else:
            return see_other(_my_time_url(scope, entry.date))
    settings = billing_settings(scope.firm)
    matter = entry.matter if entry is not None else None
    if matter is None and form.is_bound and form.is_valid():
        matter = form.cleaned_data.get("matter")
    return render(
        request,
        "web/billing/time/entry_form.html",
        {
            "form": form,
            "entry": entry,
            "codes_required": selectors.client_requires_codes(scope.firm, matter),
            "outside_billed": (
                entry.outside_staff if entry is not None else scope.is_provider_staff
            )
            and settings.bill_outside_staff_time,
            "increment": settings.increment,
        },
    )


def _entry_action(request, entry_id, action):
    scope = request.scope
    entry = selectors.access_time_entry(scope, entry_id)
    try:
        message = action(scope, entry)
    except ServiceError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, message)
    return see_other(_my_time_url(scope, entry.date))


@require_POST
def entry_submit(request, firm_slug, entry_id):
    scope = request.scope
    entry = selectors.access_time_entry(scope, entry_id)
    forbidden_if(not services.may_change(scope, entry))

    def submit(scope, entry):
        services.time_entry_submit(scope=scope, entry=entry)
        return "Submitted for the pre-bill review."

    return _entry_action(request, entry_id, submit)


@require_POST
def entry_delete(request, firm_slug, entry_id):
    scope = request.scope
    entry = selectors.access_time_entry(scope, entry_id)
    forbidden_if(
        not services.may_change(scope, entry)
        and not (
            entry.timer_started_at is not None and entry.timekeeper_id == scope.user.pk
        )
    )

    def delete(scope, entry):
        services.time_entry_delete(scope=scope, entry=entry)
        return "Time entry deleted."

    return _entry_action(request, entry_id, delete)


# --- The timer ---------------------------------------------------------------------


@require_POST
def timer_start(request, firm_slug):
    scope = request.scope
    if request.POST.get("task"):
        return _timer_on_task(request, scope, request.POST["task"])
    form = forms.TimerForm(request.POST, matters=selectors.matters_for_time(scope))
    if not form.is_valid():
        for errors in form.errors.values():
            messages.error(request, " ".join(errors))
        return see_other(_my_time_url(scope))
    try:
        services.timer_start(
            scope=scope,
            matter=form.cleaned_data["matter"],
            narrative=form.cleaned_data["narrative"],
        )
    except ServiceError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, "Timer started.")
    return see_other(_my_time_url(scope))


def _timer_on_task(request, scope, task_id):
    """The task page's "Start a timer": on the task and its matter."""
    task = access_task(scope, task_id)
    try:
        services.timer_start(scope=scope, matter=None, task=task)
    except ServiceError as error:
        messages.error(request, error.message)
        return see_other(reverse("work:task_detail", args=[scope.firm.slug, task_id]))
    messages.success(request, f"Timer started on “{task.title}”.")
    return see_other(_my_time_url(scope))


@require_POST
def timer_stop(request, firm_slug, entry_id):
    scope = request.scope
    entry = selectors.access_time_entry(scope, entry_id)
    forbidden_if(entry.timekeeper_id != request.user.pk)
    try:
        entry = services.timer_stop(scope=scope, entry=entry)
    except ServiceError as error:
        messages.error(request, error.message)
        return see_other(_my_time_url(scope))
    messages.success(
        request,
        f"Timer stopped: {entry.minutes} minutes, recorded as {entry.hours} h. "
        "Add what you did and submit it.",
    )
    return see_other(
        reverse("billing:entry_edit", args=[scope.firm.slug, entry.public_id])
    )


# --- Expenses ----------------------------------------------------------------------


def expense_list(request, firm_slug):
    scope = request.scope
    status = request.GET.get("status", "")
    mine = not selectors.may_bill(scope) or request.GET.get("mine") == "1"
    expenses = selectors.expenses_for(scope, status=status, mine=mine)[:200]
    return render(
        request,
        "web/billing/time/expense_list.html",
        {
            "expenses": expenses,
            "status": status,
            "statuses": Status.choices,
            "may_bill": selectors.may_bill(scope),
        },
    )


@require_http_methods(["GET", "POST"])
def expense_edit(request, firm_slug, expense_id=None):
    scope = request.scope
    expense = None
    if expense_id is not None:
        expense = selectors.access_expense(scope, expense_id)
        forbidden_if(not services.may_change_expense(scope, expense))
    initial = {"date": _today(scope), "billable": True, "quantity": 1}
    if expense is not None:
        initial = {
            "date": expense.date,
            "matter": str(expense.matter.public_id),
            "description": expense.description,
            "expense_code": expense.expense_code,
            "quantity": expense.quantity,
            "unit_cost": expense.unit_cost,
            "billable": expense.billable,
        }
    form = forms.ExpenseForm(
        request.POST or None,
        request.FILES or None,
        initial=initial,
        matters=selectors.matters_for_time(scope),
    )
    if request.method == "POST" and form.is_valid():
        receipt = form.cleaned_data["receipt"]
        try:
            if expense is None:
                expense = services.expense_create(
                    scope=scope, fields=form.expense_fields(), receipt_file=receipt
                )
            else:
                expense = services.expense_update(
                    scope=scope,
                    expense=expense,
                    fields=form.expense_fields(),
                    receipt_file=receipt,
                )
            if request.POST.get("then") == "submit":
                services.expense_submit(scope=scope, expense=expense)
        except ServiceError as error:
            apply_service_error(form, error)
        else:
            messages.success(request, "Expense saved.")
            return see_other(reverse("billing:expense_list", args=[scope.firm.slug]))
    return render(
        request,
        "web/billing/time/expense_form.html",
        {"form": form, "expense": expense},
    )


def _expense_post(request, expense_id, action, message):
    scope = request.scope
    expense = selectors.access_expense(scope, expense_id)
    forbidden_if(not services.may_change_expense(scope, expense))
    try:
        action(scope=scope, expense=expense)
    except ServiceError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, message)
    return see_other(reverse("billing:expense_list", args=[scope.firm.slug]))


@require_POST
def expense_submit(request, firm_slug, expense_id):
    return _expense_post(
        request, expense_id, services.expense_submit, "Expense submitted."
    )


@require_POST
def expense_delete(request, firm_slug, expense_id):
    return _expense_post(
        request, expense_id, services.expense_delete, "Expense deleted."
    )


def expense_receipt(request, firm_slug, expense_id):
    scope = request.scope
    expense = selectors.access_expense(scope, expense_id)
    document = expense.receipt
    version = document.current_version if document is not None else None
    forbidden_if(version is None)
    return send_document(
        request,
        scope,
        document,
        version,
        where=f"the expense “{expense.description[:60]}”",
        detail={"expense": str(expense.public_id)},
    )
