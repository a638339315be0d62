"""The payment reminder letter: a Word document the billing staff read,
correct if need be, and send after the attorney approves the task.

Polite and plain, as a first reminder from a law firm to its own client should
be: what is owed, since when, how to pay, and whom to call if the invoice is
disputed or already paid.
"""

import datetime
import io
from decimal import Decimal

from docx import Document
from docx.shared import Pt

from .models import Invoice
from .money import money
from .rates import billing_settings

SYMBOLS = {"USD": "$", "EUR": "€", "GBP": "£", "CAD": "CA$", "AUD": "A$"}


def money_text(amount: Decimal, currency: str = "USD") -> str:
    """``Decimal('1234.5')`` → ``$1,234.50`` (as on the billing pages)."""
    value = money(amount)
    sign = "-" if value < 0 else ""
    return f"{sign}{SYMBOLS.get(currency, currency + ' ')}{abs(value):,.2f}"


def long_date(day: datetime.date) -> str:
    return f"{day:%B} {day.day}, {day.year}"


def reminder_letter(invoice: Invoice, *, today: datetime.date) -> bytes:
    """The letter for ``invoice`` as of ``today``, as .docx bytes."""
    firm = invoice.firm
    settings = billing_settings(firm)
    due_on = invoice.due_on or invoice.issued_on
    late = (today - due_on).days if due_on else 0
    balance = money_text(invoice.balance, invoice.currency)
    client = invoice.client.name if invoice.client_id else "Client"

    doc = Document()
    doc.styles["Normal"].font.name = "Calibri"
    doc.styles["Normal"].font.size = Pt(11)
    doc.add_heading(firm.name, level=1)
    doc.add_paragraph(long_date(today))
    doc.add_paragraph(client)
    subject = doc.add_paragraph()
    subject.add_run(
        f"Re: Invoice {invoice.number} — {invoice.matter.title} "
        f"(our matter {invoice.matter.number})"
    ).bold = True
    doc.add_paragraph(f"Dear {client},")
    issued = f", issued on {long_date(invoice.issued_on)}," if invoice.issued_on else ""
    was_due = f" was due on {long_date(due_on)}" if due_on else " is due"
    doc.add_paragraph(
        f"Our records show that invoice {invoice.number}{issued}{was_due}. "
        f"As of {long_date(today)}, {balance} of the invoice total of "
        f"{money_text(invoice.total, invoice.currency)} remains unpaid"
        + (f", {late} days past the due date." if late > 0 else ".")
    )
    doc.add_paragraph(
        "If you have already sent payment, thank you, and please disregard "
        "this letter. If you have a question about the invoice, or would like "
        "to discuss a payment arrangement, please contact us; we are glad to help."
    )
    if settings.remit_to.strip():
        doc.add_paragraph("How to pay:")
        for line in settings.remit_to.strip().splitlines():
            doc.add_paragraph(line.strip())
    doc.add_paragraph("Sincerely,")
    doc.add_paragraph(firm.name)
    out = io.BytesIO()
    doc.save(out)
    return out.getvalue()
