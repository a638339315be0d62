"""The LEDES 1998B download of an invoice: checked by the validator first; a
file only when clean, else a page that lists what to correct."""

from django.http import HttpResponse
from django.shortcuts import render

from firmdesk.access.selectors import access_object
from firmdesk.billing.ledes import FIELD_HINTS, FIELD_LABELS, ledes_export
from firmdesk.billing.models import Invoice
from firmdesk.web.pages import forbidden_if

SHOWN_PROBLEMS = 200


def invoice_ledes(request, firm_slug, invoice_id):
    scope = request.scope
    forbidden_if(not scope.works_on("billing"))
    invoice = access_object(
        Invoice,
        scope,
        invoice_id,
        queryset=Invoice.objects.in_scope(scope).select_related(
            "firm", "matter", "client"
        ),
    )
    result = ledes_export(
        firm=scope.firm,
        invoices=[invoice],
        actor=request.user,
        where="the invoice page",
    )
    if not result.ok:
        return render(
            request,
            "web/billing/ledes/problems.html",
            {
                "invoice": invoice,
                "refused": result.refused,
                "problems": [
                    {
                        "line": p.line,
                        "field": p.field,
                        "label": FIELD_LABELS.get(p.field, p.field),
                        "message": p.message,
                        "hint": FIELD_HINTS.get(p.field, ""),
                    }
                    for p in result.problems[:SHOWN_PROBLEMS]
                ],
                "more": max(0, len(result.problems) - SHOWN_PROBLEMS),
                "count": len(result.problems),
            },
        )
    response = HttpResponse(result.text, content_type="text/plain; charset=us-ascii")
    response["Content-Disposition"] = (
        f'attachment; filename="{_filename(invoice.number)}.ledes.txt"'
    )
    return response


def _filename(number: str) -> str:
    safe = "".join(ch if ch.isalnum() or ch in "-_" else "-" for ch in number)
    return f"LEDES-{safe}"
