"""Invoices as PDF (WeasyPrint), in the firm's style: its name, accent colour,
remit-to and footer (``BillingSettings``).

No server runs while a PDF is drawn (nor in tests), so the stylesheet is read
from disk: links resolve against a ``file:`` base that only our fetcher
understands, which hands out files Django's static finders know and refuses
every other address (nothing is fetched from the network).
"""

import mimetypes
import re
from pathlib import Path

from django.contrib.staticfiles import finders
from django.template.loader import render_to_string
from weasyprint import HTML
from weasyprint.urls import URLFetcher, URLFetcherResponse

from .models import Invoice, InvoiceLine, Payment
from .money import ZERO
from .rates import billing_settings

STATIC_BASE = "file:///firmdesk-static/"
TEMPLATE = "web/billing/invoices/invoice_pdf.html"
DEFAULT_ACCENT = "#1f3a5f"
HEX_COLOUR = re.compile(r"#[0-9a-fA-F]{6}")


class StaticFilesOnly(URLFetcher):
    """Static files from disk, by their path under ``STATIC_BASE``."""

    def fetch(self, url, headers=None):
        if not url.startswith(STATIC_BASE):
            raise ValueError(f"Not a static file: {url}")
        relative = url.removeprefix(STATIC_BASE).split("?")[0]
        found = finders.find(relative) if ".." not in relative else None
        if not found:
            raise ValueError(f"No static file {relative}")
        kind = mimetypes.guess_type(found)[0] or "application/octet-stream"
        return URLFetcherResponse(
            url, body=Path(found).read_bytes(), headers={"Content-Type": kind}
        )


def accent(value: str) -> str:
    """The firm's accent colour, if it is a plain #rrggbb; else ours (the
    value goes into the stylesheet, so nothing else may pass)."""
    return value if HEX_COLOUR.fullmatch(value or "") else DEFAULT_ACCENT


def invoice_context(invoice: Invoice) -> dict:
    """What the PDF shows: lines grouped fees, expenses, adjustments; the
    payments and credits; the totals of each group and the balance."""
    firm = invoice.firm
    settings = billing_settings(firm)
    lines = list(InvoiceLine.objects.for_firm(firm).filter(invoice=invoice))
    K = InvoiceLine.Kind
    fees = [line for line in lines if line.kind == K.FEE]
    expenses = [line for line in lines if line.kind == K.EXPENSE]
    adjustments = [line for line in lines if line.kind not in (K.FEE, K.EXPENSE)]
    payments = list(
        Payment.objects.for_firm(firm)
        .filter(invoice=invoice)
        .order_by("received_on", "created_at")
    )
    return {
        "invoice": invoice,
        "firm": firm,
        "settings": settings,
        "accent": accent(settings.accent_color),
        "fees": fees,
        "expenses": expenses,
        "adjustments": adjustments,
        "fees_total": sum((line.total for line in fees), ZERO),
        "expenses_total": sum((line.total for line in expenses), ZERO),
        "adjustments_total": sum((line.total for line in adjustments), ZERO),
        "any_outside_staff": any(line.outside_staff for line in fees),
        "payments": payments,
    }


def invoice_pdf(invoice: Invoice) -> bytes:
    html = render_to_string(TEMPLATE, invoice_context(invoice))
    return HTML(
        string=html, base_url=STATIC_BASE, url_fetcher=StaticFilesOnly()
    ).write_pdf()
