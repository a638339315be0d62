"""Isolation registry entries for receivables: the ageing report and its CSV,
an invoice's collection page, its notes and reminder letters (format:
registry.py).

Receivables are billing work: the firm's people and outside staff whose
engagement and assignment cover billing (``receivables_billing_clerk``). The
shared ``assistant`` and ``ungranted_assistant`` do scheduling and documents,
not billing, and get 404 everywhere here."""

from .registry import (
    FIRM_MEMBERS,
    NO_FIRM_ACCESS,
    PROVIDER_STAFF_IN_FIRM,
    Route,
    _firm,
)

BILLING_PEOPLE = (*FIRM_MEMBERS, "receivables_billing_clerk")
NOT_BILLING = (*NO_FIRM_ACCESS, *PROVIDER_STAFF_IN_FIRM)


def _invoice(f) -> dict:
    return {**_firm(f), "invoice_id": f.receivables_invoice.public_id}


def _other_invoice(f) -> dict:
    return {**_firm(f), "invoice_id": f.other_receivables_invoice.public_id}


def _letter(f) -> dict:
    return {**_invoice(f), "reminder_id": f.receivables_reminder.public_id}


def _other_letter(f) -> dict:
    return {
        **_other_invoice(f),
        "reminder_id": f.other_receivables_reminder.public_id,
    }


def _with_invoices(kwargs):
    """Firm A's ageing has a late invoice on it, so a page that leaked firm
    B's rows would have something to leak beside."""

    def build(f):
        f.receivables_invoice
        f.other_receivables_invoice
        return kwargs(f)

    return build


ROUTES = [
    Route(
        "billing:receivables",
        kwargs=_with_invoices(_firm),
        allowed=BILLING_PEOPLE,
        denied=NOT_BILLING,
        why="the ageing of invoices the viewer may see (Invoice.need_to_know)",
    ),
    Route(
        "billing:receivables_csv",
        kwargs=_with_invoices(_firm),
        allowed=BILLING_PEOPLE,
        denied=NOT_BILLING,
        why="the same table as the page, as a download",
    ),
    Route(
        "billing:receivables_invoice",
        kwargs=_invoice,
        foreign_kwargs=_other_invoice,
        allowed=BILLING_PEOPLE,
        denied=NOT_BILLING,
    ),
    Route(
        "billing:receivables_note_add",
        kwargs=_invoice,
        foreign_kwargs=_other_invoice,
        method="POST",
        success=422,
        allowed=BILLING_PEOPLE,
        denied=NOT_BILLING,
        why="an empty POST is refused with the form back (422); that a denied "
        "POST with a real note adds nothing is proved in "
        "tests/web/test_billing_receivables.py",
    ),
    Route(
        "billing:receivables_letter",
        kwargs=_letter,
        foreign_kwargs=_other_letter,
        allowed=BILLING_PEOPLE,
        denied=NOT_BILLING,
    ),
]
