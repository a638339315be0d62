"""Receivables (issue 17, item 6): the ageing report with its CSV, and an
invoice's collection page with its reminders, letters and notes. Billing
people only: the firm's people, and outside staff who do its billing."""

import csv
import io
import uuid

from django.http import Http404, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.views.decorators.http import require_POST

from firmdesk.audit.services import audit_record
from firmdesk.billing import receivables as ar
from firmdesk.billing.models import PaymentReminder
from firmdesk.common.errors import ServiceError
from firmdesk.web.accounts.reauth import sensitive
from firmdesk.web.auditing import audit_opened
from firmdesk.web.pages import (
    apply_service_error,
    forbidden_if,
    see_other,
    send_document,
)

from .forms import AsOfForm, CollectionNoteForm


def _as_of(request, scope):
    """The day the report is aged on: the one asked for, else the firm's today."""
    if "as_of" not in request.GET:
        today = ar.firm_today(scope.firm)
        return AsOfForm(initial={"as_of": today}), today
    form = AsOfForm(request.GET)
    as_of = form.cleaned_data["as_of"] if form.is_valid() else None
    return form, as_of or ar.firm_today(scope.firm)


def receivables(request, firm_slug):
    scope = request.scope
    forbidden_if(not ar.may_collect(scope))
    form, as_of = _as_of(request, scope)
    report = ar.ageing(scope, as_of=as_of)
    drilled, invoices = None, []
    try:
        matter_id = uuid.UUID(request.GET.get("matter", ""))
    except ValueError:
        matter_id = None
    if matter_id is not None:
        for client in report.clients:
            for row in client.matters:
                if row.matter_public_id == matter_id:
                    drilled = row
        if drilled is not None:
            invoices = ar.matter_open_invoices(
                scope, as_of=as_of, matter_public_id=matter_id
            )
    return render(
        request,
        "web/billing/receivables/ageing.html",
        {
            "form": form,
            "report": report,
            "as_of": as_of,
            "drilled": drilled,
            "invoices": invoices,
        },
    )


@sensitive
def receivables_csv(request, firm_slug):
    """The same table as the page, one line per matter, a line per client
    total and one for all clients. Amounts are plain numbers (no symbol, no
    thousands separator) so a spreadsheet reads them as numbers. A bulk export
    of client data: the password is asked again (web/accounts/reauth.py)."""
    scope = request.scope
    forbidden_if(not ar.may_collect(scope))
    _, as_of = _as_of(request, scope)
    report = ar.ageing(scope, as_of=as_of)
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(
        ["Client", "Matter", *(b.label for b in report.buckets), "Total", "Invoices"]
    )
    for client in report.clients:
        for row in client.matters:
            writer.writerow(
                [client.label, row.label, *row.cells, row.total, row.invoices]
            )
        writer.writerow(
            [client.label, "All matters", *client.cells, client.total, client.invoices]
        )
    total = report.total
    writer.writerow(["All clients", "", *total.cells, total.total, total.invoices])
    audit_record(
        org=scope.firm,
        actor=request.user,
        action="billing.ageing_exported",
        summary=f"Downloaded the receivables ageing as of {as_of.isoformat()}",
        detail={"as_of": as_of.isoformat(), "clients": len(report.clients)},
    )
    response = HttpResponse(out.getvalue(), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = (
        f'attachment; filename="{scope.firm.slug}-ageing-{as_of.isoformat()}.csv"'
    )
    return response


def _collection_page(request, scope, invoice, form, *, status=200):
    today = ar.firm_today(scope.firm)
    return render(
        request,
        "web/billing/receivables/invoice.html",
        {
            "invoice": invoice,
            "days_late": ar.days_late(invoice, today=today),
            "is_open": invoice.status in ar.OPEN,
            "reminders": ar.reminders_of(scope, invoice),
            "notes": ar.collection_notes_of(scope, invoice),
            "form": form,
        },
        status=status,
    )


def receivables_invoice(request, firm_slug, invoice_id):
    scope = request.scope
    invoice = ar.access_invoice_for_collection(scope, invoice_id)
    audit_opened(
        request,
        invoice,
        action="billing.invoice_collection_viewed",
        matter=invoice.matter,
        summary=f"Opened the collection page of invoice {invoice.number}",
    )
    return _collection_page(request, scope, invoice, CollectionNoteForm())


@require_POST
def receivables_note_add(request, firm_slug, invoice_id):
    scope = request.scope
    invoice = ar.access_invoice_for_collection(scope, invoice_id)
    form = CollectionNoteForm(request.POST)
    if form.is_valid():
        try:
            ar.collection_note_add(
                scope=scope,
                invoice=invoice,
                text=form.cleaned_data["text"],
                next_step_on=form.cleaned_data["next_step_on"],
            )
        except ServiceError as error:
            apply_service_error(form, error)
        else:
            return see_other(
                reverse(
                    "billing:receivables_invoice",
                    kwargs={"firm_slug": scope.firm.slug, "invoice_id": invoice_id},
                )
                + "#notes"
            )
    return _collection_page(request, scope, invoice, form, status=422)


def receivables_letter(request, firm_slug, invoice_id, reminder_id):
    """The reminder letter made for one step, as it was made (corrections
    made on the task are attached to the task)."""
    scope = request.scope
    invoice = ar.access_invoice_for_collection(scope, invoice_id)
    reminder = (
        PaymentReminder.objects.in_scope(scope)
        .filter(invoice=invoice, public_id=reminder_id)
        .select_related("letter__current_version")
        .first()
    )
    if reminder is None or reminder.letter is None:
        raise Http404("No such letter.")
    letter = reminder.letter
    if letter.current_version is None:
        raise Http404("No such letter.")
    return send_document(
        request,
        scope,
        letter,
        letter.current_version,
        where=f"the collection page of invoice {invoice.number}",
        detail={"invoice": str(invoice.public_id), "step": reminder.days_past_due},
    )
