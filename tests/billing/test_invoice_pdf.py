"""The invoice PDF (billing.pdf), opened with pypdf and read back as text."""

import datetime
import io

import pytest
from pypdf import PdfReader

from firmdesk.billing import invoicing
from firmdesk.billing.pdf import StaticFilesOnly, accent, invoice_pdf
from tests import factories as f

from .invoice_rows import (
    JAN_1,
    JAN_31,
    client_of,
    entry,
    expense,
    keeper,
    scope_of,
    styled,
)


def _text(pdf: bytes) -> str:
    """The PDF's words, one space between each (a cell wraps where it likes)."""
    reader = PdfReader(io.BytesIO(pdf))
    return " ".join(" ".join(page.extract_text().split()) for page in reader.pages)


@pytest.fixture
def invoice(firm, matter, attorney, provider):
    styled(firm)
    keeper(firm, attorney, "OO", rate="350.00")
    client_of(firm, matter, "Maria Lopez")

    helper = f.member(
        provider, ["assistant"], email="ann@ns.test", full_name="Ann Bellamy"
    )
    keeper(firm, helper, "NS1", outside=True, rate="95.00")
    entry(firm, matter, attorney, hours="1.50", rate="350.00")
    entry(
        firm,
        matter,
        helper,
        hours="2.00",
        rate="95.00",
        outside_staff=True,
        narrative="Indexed the production set",
    )
    expense(firm, matter, attorney, quantity="1", unit_cost="1234.50")
    scope = scope_of(attorney, firm)
    built = invoicing.invoice_build(
        scope=scope, matter=matter, period_start=JAN_1, period_end=JAN_31
    )
    invoicing.invoice_adjustment_add(
        scope=scope, invoice=built, applies_to="IF", how="percent", value="-10"
    )
    invoicing.invoice_approve(scope=scope, invoice=built)
    invoicing.invoice_send(
        scope=scope, invoice=built, issued_on=datetime.date(2026, 2, 2)
    )
    invoicing.payment_record(
        scope=scope,
        invoice=built,
        kind="payment",
        amount="1000",
        received_on=datetime.date(2026, 2, 20),
        reference="Check 5521",
    )
    built.refresh_from_db()
    return built


def test_pdf_shows_the_firm_the_lines_grouped_and_the_balance(invoice):
    pdf = invoice_pdf(invoice)

    assert pdf.startswith(b"%PDF")
    text = _text(pdf)
    for expected in (
        "Hale & Ortiz LLP",
        "Invoice HO-1001",
        "Maria Lopez",
        "M-2026-001",
        "Fees",
        "Ortiz, Owen",
        "Drafted motion to compel discovery responses",
        "$525.00",
        "Outside staff",
        "Work by outside staff: Indexed the production set",
        "$190.00",
        "Total fees",
        "$715.00",
        "Expenses",
        "Court filing fee",
        "$1,234.50",
        "Adjustments",
        "Discount on fees (10%)",
        "-$71.50",
        "Invoice total",
        "$1,878.00",
        "Check 5521",
        "-$1,000.00",
        "Balance due",
        "$878.00",
        "Operating account 000123",
        "Thank you. Questions: billing@hale.test",
        "ABA Formal Opinion 08-451",
    ):
        assert expected in text, expected


def test_void_invoice_says_so(invoice, firm, attorney, matter):
    scope = scope_of(attorney, firm)
    entry(firm, matter, attorney, day=datetime.date(2026, 3, 2))
    draft = invoicing.invoice_build(
        scope=scope,
        matter=matter,
        period_start=datetime.date(2026, 3, 1),
        period_end=datetime.date(2026, 3, 31),
    )
    draft = invoicing.invoice_void(
        scope=scope, invoice=draft, reason="Duplicate of HO-1001"
    )

    text = _text(invoice_pdf(draft))

    assert "VOID" in text
    assert "Duplicate of HO-1001" in text


def test_the_stylesheet_is_read_from_disk_and_nothing_else_is_fetched():
    fetcher = StaticFilesOnly()
    response = fetcher.fetch("file:///firmdesk-static/web/billing/invoice_pdf.css")
    assert b"@page" in response.read()
    for url in (
        "https://example.com/tracker.png",
        "file:///etc/passwd",
        "file:///firmdesk-static/../../etc/passwd",
    ):
        with pytest.raises(ValueError):
            fetcher.fetch(url)


def test_only_a_plain_colour_reaches_the_stylesheet():
    assert accent("#7a1f3d") == "#7a1f3d"
    assert accent("red; } body { display: none") == "#1f3a5f"
