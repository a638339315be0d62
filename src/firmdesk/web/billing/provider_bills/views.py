"""The provider's bills to the firm (issue 17, item 7): the list, entering a
bill by hand or from a CSV file, the reconciliation table, disputes, and the
provider's own copy of the bill. The firm's people only (billing.provider_bills
says who may do what)."""

from collections import Counter

from django.contrib import messages
from django.http import Http404
from django.shortcuts import render
from django.urls import reverse
from django.views.decorators.http import require_http_methods, require_POST

from firmdesk.billing import provider_bills as pb
from firmdesk.billing.models import ProviderBill, ProviderBillLine
from firmdesk.billing.money import ZERO
from firmdesk.common.errors import ServiceError
from firmdesk.web.pages import (
    apply_service_error,
    forbidden_if,
    see_other,
    send_document,
)

from . import forms

Match = ProviderBillLine.Match
OUTCOME = {
    ProviderBill.Status.ENTERED: "some lines need a decision (the highlighted rows).",
    ProviderBill.Status.RECONCILED: "every line matches.",
    ProviderBill.Status.SETTLED: "every line matches or is settled.",
    ProviderBill.Status.DISPUTED: "disputes are still open.",
}


def _bill_url(bill) -> str:
    return reverse(
        "billing:provider_bill_detail", args=[bill.firm.slug, bill.public_id]
    )


def bill_list(request, firm_slug):
    scope = request.scope
    forbidden_if(not pb.may_see_bills(scope))
    engagements = list(pb.bill_engagements(scope))
    chosen = next(
        (e for e in engagements if str(e.public_id) == request.GET.get("engagement")),
        None,
    )
    status = request.GET.get("status", "")
    if status not in ProviderBill.Status.values:
        status = ""
    bills = pb.provider_bills(scope, engagement=chosen, status=status)
    return render(
        request,
        "web/billing/provider_bills/bill_list.html",
        {
            "bills": bills[:200],
            "engagements": engagements,
            "chosen": chosen,
            "status": status,
            "statuses": ProviderBill.Status.choices,
        },
    )


def _save(request, scope, form, lines, problems):
    """Save the bill when nothing is wrong; else put every problem in ``problems``."""
    bill_in = form.bill()
    for field, message in pb.bill_problems(
        scope=scope, bill=bill_in, lines=lines
    ).items():
        if field in form.fields:
            form.add_error(field, message)
        else:
            problems.append(message)
    if form.errors or problems:
        return None
    try:
        return pb.provider_bill_create(
            scope=scope,
            bill=bill_in,
            lines=lines,
            document=form.cleaned_data.get("document"),
            source="csv" if "lines_file" in form.fields else "form",
        )
    except ServiceError as error:
        apply_service_error(form, error)
        return None


def _line_problems(scope, form, lines) -> dict[int, str]:
    _, problems = pb.resolve_lines(
        scope=scope, engagement=form.cleaned_data["engagement"], lines=lines
    )
    return problems


def _entered(request, bill):
    messages.success(
        request,
        f"Bill {bill.number} entered. Reconcile it to compare each line with "
        "the work logged.",
    )
    return see_other(_bill_url(bill))


@require_http_methods(["GET", "POST"])
def bill_new(request, firm_slug):
    """The bill's heading and its lines in rows; rows left empty are ignored."""
    scope = request.scope
    forbidden_if(not pb.may_enter(scope))
    engagements = pb.bill_engagements(scope)
    problems: list[str] = []
    if request.method == "POST":
        form = forms.BillForm(request.POST, request.FILES, engagements=engagements)
        rows = forms.LineFormSet(request.POST, prefix=forms.LINES_PREFIX)
        if form.is_valid() and rows.is_valid():
            filled = [r for r in rows if r.has_changed()]
            lines = [r.line() for r in filled]
            for position, message in _line_problems(scope, form, lines).items():
                filled[position - 1].add_error(
                    "task", f"{message[0].upper()}{message[1:]}."
                )
            if not any(r.errors for r in filled):
                bill = _save(request, scope, form, lines, problems)
                if bill is not None:
                    return _entered(request, bill)
        elif form.is_valid():
            problems.append("Some lines need fixing: see the rows marked below.")
    else:
        form = forms.BillForm(engagements=engagements)
        rows = forms.LineFormSet(prefix=forms.LINES_PREFIX)
    return render(
        request,
        "web/billing/provider_bills/bill_new.html",
        {"form": form, "rows": rows, "problems": problems},
    )


@require_http_methods(["GET", "POST"])
def bill_import(request, firm_slug):
    """A bill's lines from a CSV file: the whole file or nothing, with every
    problem listed by its line in the file."""
    scope = request.scope
    forbidden_if(not pb.may_enter(scope))
    engagements = pb.bill_engagements(scope)
    problems: list[str] = []
    if request.method == "POST":
        form = forms.ImportForm(request.POST, request.FILES, engagements=engagements)
        if form.is_valid():
            read = pb.read_lines_csv(form.cleaned_data["lines_file"].read())
            problems.extend(read.errors)
            if not read.errors:
                found = _line_problems(scope, form, read.lines)
                problems.extend(
                    f"Line {read.line_numbers[position - 1]}: {message}."
                    for position, message in found.items()
                )
            if not problems:
                bill = _save(request, scope, form, read.lines, problems)
                if bill is not None:
                    return _entered(request, bill)
    else:
        form = forms.ImportForm(engagements=engagements)
    return render(
        request,
        "web/billing/provider_bills/bill_import.html",
        {"form": form, "problems": problems, "columns": pb.CSV_COLUMNS},
    )


def bill_detail(request, firm_slug, bill_id):
    scope = request.scope
    bill = pb.access_provider_bill(scope, bill_id)
    lines = list(pb.bill_lines(scope, bill))
    billed = [line for line in lines if line.match != Match.NOT_BILLED]
    counts = Counter(line.match for line in billed)
    for line in billed:
        # The difference both ways, so the page words it without a minus sign.
        line.over = line.difference or ZERO
        line.under = -line.over
    lines_total = sum((line.amount for line in billed), ZERO)
    screened = pb.lines_screened_from(scope, bill)
    return render(
        request,
        "web/billing/provider_bills/bill_detail.html",
        {
            "bill": bill,
            "billed": billed,
            "not_billed": [line for line in lines if line.match == Match.NOT_BILLED],
            "counts": counts,
            "reconciled": bool(billed) and all(line.match for line in billed),
            "lines_total": lines_total,
            # Lines hidden from a screened viewer still count in the totals.
            "gap": ZERO if screened else bill.total - lines_total,
            "screened": screened,
            "owed_less": bill.total - bill.reconciled_total,
            "owed_more": bill.reconciled_total - bill.total,
            "may_enter": pb.may_enter(scope),
            "may_decide": pb.may_decide(scope),
        },
    )


@require_POST
def bill_reconcile(request, firm_slug, bill_id):
    scope = request.scope
    bill = pb.access_provider_bill(scope, bill_id)
    forbidden_if(not pb.may_enter(scope))
    bill = pb.provider_bill_reconcile(scope=scope, bill=bill)
    messages.success(
        request,
        f"Bill {bill.number} compared with the work logged: "
        + OUTCOME.get(bill.status, ""),
    )
    return see_other(_bill_url(bill))


def _line_page(request, bill_id, line_id):
    scope = request.scope
    bill = pb.access_provider_bill(scope, bill_id)
    line = pb.access_provider_bill_line(scope, bill, line_id)
    return scope, bill, line


@require_http_methods(["GET", "POST"])
def line_dispute(request, firm_slug, bill_id, line_id):
    scope, bill, line = _line_page(request, bill_id, line_id)
    forbidden_if(not pb.may_enter(scope))
    if line.match == Match.NOT_BILLED or line.dispute == line.Dispute.OPEN:
        raise Http404("Nothing to dispute on this line.")
    form = forms.DisputeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            pb.line_dispute_open(
                scope=scope, line=line, reason=form.cleaned_data["reason"]
            )
        except ServiceError as error:
            apply_service_error(form, error)
        else:
            messages.success(request, f"Line {line.position} is now disputed.")
            return see_other(_bill_url(bill))
    return render(
        request,
        "web/billing/provider_bills/line_dispute.html",
        {"bill": bill, "line": line, "form": form, "resolving": False},
    )


@require_http_methods(["GET", "POST"])
def line_resolve(request, firm_slug, bill_id, line_id):
    scope, bill, line = _line_page(request, bill_id, line_id)
    forbidden_if(not pb.may_decide(scope))
    if line.dispute != line.Dispute.OPEN:
        raise Http404("No open dispute on this line.")
    form = forms.ResolveForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            pb.line_dispute_resolve(
                scope=scope,
                line=line,
                outcome=form.cleaned_data["outcome"],
                agreed_amount=form.cleaned_data["agreed_amount"],
            )
        except ServiceError as error:
            apply_service_error(form, error)
        else:
            messages.success(
                request, f"The dispute on line {line.position} is resolved."
            )
            return see_other(_bill_url(bill))
    return render(
        request,
        "web/billing/provider_bills/line_dispute.html",
        {"bill": bill, "line": line, "form": form, "resolving": True},
    )


def bill_document(request, firm_slug, bill_id):
    scope = request.scope
    bill = pb.access_provider_bill(scope, bill_id)
    document = bill.document
    version = document.current_version if document is not None else None
    if version is None:
        raise Http404("No file kept with this bill.")
    return send_document(
        request,
        scope,
        document,
        version,
        where=f"provider bill {bill.number}",
        detail={"provider_bill": str(bill.public_id)},
    )
