"""Invoice pages: the list, building one, its detail with the steps a draft
goes through (adjust, approve, send, payments and credits, void) and the PDF.

Who may open them: the firm's people and outside staff who do its billing
(``invoicing.may_bill``); anyone else gets the 404 of a page that is not there.
Approving (and voiding past the draft) is for attorneys; the detail page only
offers what the viewer may do, and the services refuse the rest.
"""

import uuid

from django.contrib import messages
from django.core.paginator import Paginator
from django.db import transaction
from django.db.models import Q
from django.http import HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.views.decorators.http import require_http_methods, require_POST

from firmdesk.access.selectors import access_object
from firmdesk.audit.services import audit_record_read
from firmdesk.billing import invoicing
from firmdesk.billing.models import Invoice, InvoiceLine, Payment
from firmdesk.billing.pdf import invoice_pdf
from firmdesk.common.errors import ServiceError
from firmdesk.matters.models import Matter
from firmdesk.web.auditing import audit_opened
from firmdesk.web.pages import apply_service_error, forbidden_if, see_other

from . import forms

IS = Invoice.Status
TEMPLATES = "web/billing/invoices/"
# The colours the shared stylesheet has for statuses, by what they mean here:
# waiting (draft), ready (approved), with the client, part way, done, void.
BADGES = {
    IS.DRAFT: "status-proposed",
    IS.APPROVED: "status-active",
    IS.SENT: "status-in_progress",
    IS.PARTLY_PAID: "status-in_progress",
    IS.PAID: "status-done",
    IS.VOID: "status-cancelled",
}
ADJUSTMENT_KINDS = (
    InvoiceLine.Kind.FEE_ADJUSTMENT,
    InvoiceLine.Kind.EXPENSE_ADJUSTMENT,
)


def _billing_scope(request):
    scope = request.scope
    forbidden_if(not invoicing.may_bill(scope))
    return scope


def _invoice(request, invoice_id) -> Invoice:
    scope = _billing_scope(request)
    return access_object(
        Invoice,
        scope,
        invoice_id,
        queryset=Invoice.objects.in_scope(scope).select_related(
            "matter", "client", "approved_by", "created_by"
        ),
    )


def _detail_url(invoice) -> str:
    return reverse(
        "billing:invoice_detail", args=[invoice.firm.slug, invoice.public_id]
    )


def invoice_list(request, firm_slug):
    """A firm's invoices, newest first, filtered by status and by a search on
    the invoice's or its matter's number or the matter's title (a firm has
    hundreds of matters: a drop-down of them all cost most of this page's
    time, docs/performance.md). ``?matter=<public id>`` keeps one matter's."""
    scope = _billing_scope(request)
    invoices = (
        Invoice.objects.in_scope(scope)
        .select_related("matter", "client")
        .order_by("-created_at")
    )
    status = request.GET.get("status", "")
    if status in IS.values:
        invoices = invoices.filter(status=status)
    else:
        status = ""
    matter_id = _uuid_or_blank(request.GET.get("matter", ""))
    if matter_id:
        invoices = invoices.filter(matter__public_id=matter_id)
    q = request.GET.get("q", "").strip()
    if q:
        invoices = invoices.filter(
            Q(number__icontains=q)
            | Q(matter__number__icontains=q)
            | Q(matter__title__icontains=q)
        )
    page = Paginator(invoices, 50).get_page(request.GET.get("page"))
    for invoice in page:
        invoice.badge = BADGES[invoice.status]
    return render(
        request,
        f"{TEMPLATES}invoice_list.html",
        {
            "page": page,
            "status": status,
            "statuses": IS.choices,
            "q": q,
            "matter_id": matter_id,
        },
    )


def _uuid_or_blank(text: str) -> str:
    try:
        return str(uuid.UUID(text))
    except ValueError:
        return ""


@require_http_methods(["GET", "POST"])
def invoice_new(request, firm_slug):
    scope = _billing_scope(request)
    matters = Matter.objects.in_scope(scope).order_by("number")
    form = forms.BuildForm(request.POST or None, matters=matters)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            invoice = invoicing.invoice_build(
                scope=scope,
                matter=data["matter"],
                period_start=data["period_start"],
                period_end=data["period_end"],
                description=data["description"].strip(),
            )
        except ServiceError as error:
            apply_service_error(form, error)
        else:
            messages.success(
                request,
                f"Draft invoice {invoice.number} built. Check it, then ask an "
                "attorney to approve it.",
            )
            return see_other(_detail_url(invoice))
    return render(request, f"{TEMPLATES}invoice_new.html", {"form": form})


@require_http_methods(["GET", "POST"])
def invoice_build_all(request, firm_slug):
    scope = _billing_scope(request)
    form = forms.PeriodForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        start, end = form.cleaned_data["period_start"], form.cleaned_data["period_end"]
        try:
            built = invoicing.invoices_build_for_period(
                scope=scope, period_start=start, period_end=end
            )
        except ServiceError as error:
            apply_service_error(form, error)
        else:
            if built:
                messages.success(
                    request,
                    f"{len(built)} draft invoice{'s' if len(built) != 1 else ''} "
                    f"built ({built[0].number} to {built[-1].number}). Check "
                    "them, then ask an attorney to approve them.",
                )
                url = reverse("billing:invoice_list", args=[firm_slug])
                return see_other(f"{url}?status={IS.DRAFT}")
            form.add_error(
                None,
                "Nothing is ready to bill in that period on any matter you can "
                "see. Time and expenses are billed once they are reviewed, "
                "billable, not written off and on no other invoice.",
            )
    return render(request, f"{TEMPLATES}invoice_build_all.html", {"form": form})


def _detail(request, invoice, **bound):
    """The detail page, with any form that came back with errors in place of
    its empty one."""
    scope = request.scope
    lines = list(InvoiceLine.objects.in_scope(scope).filter(invoice=invoice))
    K = InvoiceLine.Kind
    payments = (
        Payment.objects.in_scope(scope)
        .filter(invoice=invoice)
        .select_related("recorded_by")
        .order_by("received_on", "created_at")
    )
    may_approve = invoicing.may_approve(scope)
    draft = invoice.status == IS.DRAFT
    invoice.badge = BADGES[invoice.status]
    context = {
        "invoice": invoice,
        "fees": [line for line in lines if line.kind == K.FEE],
        "expenses": [line for line in lines if line.kind == K.EXPENSE],
        "adjustments": [
            line
            for line in lines
            if line.kind in (K.FEE_ADJUSTMENT, K.EXPENSE_ADJUSTMENT)
        ],
        "payments": payments,
        "may_approve": may_approve,
        "is_draft": draft,
        "adjustment_form": bound.get("adjustment_form")
        or forms.InvoiceAdjustmentForm(auto_id="adj_%s"),
        "approve_form": bound.get("approve_form") or forms.ApproveForm(),
        "send_form": bound.get("send_form")
        or forms.SendForm(initial={"issued_on": invoicing.firm_today(scope.firm)}),
        "payment_form": bound.get("payment_form")
        or forms.PaymentForm(auto_id="pay_%s"),
        "void_form": bound.get("void_form") or forms.VoidForm(auto_id="void_%s"),
        "may_void": invoice.status != IS.VOID
        and invoice.paid == 0
        and (draft or may_approve),
    }
    return render(request, f"{TEMPLATES}invoice_detail.html", context)


def invoice_detail(request, firm_slug, invoice_id):
    invoice = _invoice(request, invoice_id)
    audit_opened(
        request,
        invoice,
        action="invoice.viewed",
        matter=invoice.matter,
        summary=f"Opened invoice {invoice.number}",
    )
    return _detail(request, invoice)


def invoice_pdf_download(request, firm_slug, invoice_id):
    invoice = _invoice(request, invoice_id)
    pdf = invoice_pdf(invoice)
    with transaction.atomic():
        audit_record_read(
            org=request.scope.firm,
            actor=request.user,
            action="invoice.pdf_downloaded",
            obj=invoice,
            matter=invoice.matter,
            summary=f"Downloaded the PDF of invoice {invoice.number}",
        )
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = (
        f'attachment; filename="Invoice {invoice.number}.pdf"'
    )
    return response


@require_http_methods(["GET", "POST"])
def invoice_line_adjust(request, firm_slug, invoice_id, line_id):
    invoice = _invoice(request, invoice_id)
    line = access_object(
        InvoiceLine,
        request.scope,
        line_id,
        queryset=InvoiceLine.objects.in_scope(request.scope).filter(
            invoice=invoice, kind__in=[InvoiceLine.Kind.FEE, InvoiceLine.Kind.EXPENSE]
        ),
    )
    form = forms.LineAdjustForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            invoicing.line_adjust(
                scope=request.scope,
                line=line,
                how=form.cleaned_data["how"],
                value=form.cleaned_data["value"],
            )
        except ServiceError as error:
            apply_service_error(form, error)
        else:
            messages.success(request, f"Line {line.position} adjusted.")
            return see_other(_detail_url(invoice))
    return render(
        request,
        f"{TEMPLATES}invoice_line_adjust.html",
        {"invoice": invoice, "line": line, "form": form},
    )


def _post_step(request, invoice, form_name, form, step, done: str):
    """Run ``step(form.cleaned_data)`` for a valid form; on an error, the
    detail page again with the form as typed and the message beside it."""
    if form.is_valid():
        try:
            step(form.cleaned_data)
        except ServiceError as error:
            apply_service_error(form, error)
        else:
            messages.success(request, done)
            return see_other(_detail_url(invoice))
    return _detail(request, invoice, **{form_name: form})


@require_POST
def invoice_adjustment_add(request, firm_slug, invoice_id):
    invoice = _invoice(request, invoice_id)
    form = forms.InvoiceAdjustmentForm(request.POST, auto_id="adj_%s")
    return _post_step(
        request,
        invoice,
        "adjustment_form",
        form,
        lambda data: invoicing.invoice_adjustment_add(
            scope=request.scope, invoice=invoice, **data
        ),
        "Adjustment added.",
    )


@require_POST
def invoice_adjustment_remove(request, firm_slug, invoice_id, line_id):
    invoice = _invoice(request, invoice_id)
    line = access_object(
        InvoiceLine,
        request.scope,
        line_id,
        queryset=InvoiceLine.objects.in_scope(request.scope).filter(invoice=invoice),
    )
    try:
        invoicing.invoice_adjustment_remove(scope=request.scope, line=line)
    except ServiceError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, f"“{line.description}” removed.")
    return see_other(_detail_url(invoice))


@require_POST
def invoice_approve(request, firm_slug, invoice_id):
    invoice = _invoice(request, invoice_id)
    forbidden_if(not invoicing.may_approve(request.scope))
    return _post_step(
        request,
        invoice,
        "approve_form",
        forms.ApproveForm(request.POST),
        lambda data: invoicing.invoice_approve(scope=request.scope, invoice=invoice),
        f"Invoice {invoice.number} approved. It can be sent to the client now.",
    )


@require_POST
def invoice_send(request, firm_slug, invoice_id):
    invoice = _invoice(request, invoice_id)
    return _post_step(
        request,
        invoice,
        "send_form",
        forms.SendForm(request.POST),
        lambda data: invoicing.invoice_send(
            scope=request.scope, invoice=invoice, issued_on=data["issued_on"]
        ),
        f"Invoice {invoice.number} marked as sent.",
    )


@require_POST
def invoice_payment(request, firm_slug, invoice_id):
    invoice = _invoice(request, invoice_id)
    return _post_step(
        request,
        invoice,
        "payment_form",
        forms.PaymentForm(request.POST, auto_id="pay_%s"),
        lambda data: invoicing.payment_record(
            scope=request.scope, invoice=invoice, **data
        ),
        "Recorded.",
    )


@require_POST
def invoice_void(request, firm_slug, invoice_id):
    invoice = _invoice(request, invoice_id)
    return _post_step(
        request,
        invoice,
        "void_form",
        forms.VoidForm(request.POST, auto_id="void_%s"),
        lambda data: invoicing.invoice_void(
            scope=request.scope, invoice=invoice, reason=data["reason"]
        ),
        f"Invoice {invoice.number} is void; its time and expenses can be billed again.",
    )
