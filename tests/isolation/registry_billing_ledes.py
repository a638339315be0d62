"""Isolation registry entries for the LEDES 1998B download of an invoice
(format: registry.py). Billing people only: firm members, and provider staff
whose engagement and assignment cover billing on a matter granted to them;
provider staff without billing get 404 as for a page that does not exist."""

from .registry import FIRM_MEMBERS, NO_FIRM_ACCESS, PROVIDER_STAFF_IN_FIRM, Route, _firm

ROUTES = [
    Route(
        "billing:invoice_ledes",
        kwargs=lambda f: {**_firm(f), "invoice_id": f.ledes_invoice_a.public_id},
        foreign_kwargs=lambda f: {
            **_firm(f),
            "invoice_id": f.ledes_invoice_b.public_id,
        },
        allowed=(*FIRM_MEMBERS, "ledes_billing_assistant"),
        denied=NO_FIRM_ACCESS + PROVIDER_STAFF_IN_FIRM,
        why="a download (or the page of its problems) of one invoice the viewer "
        "may see; the shared assistant has no billing function",
    ),
]
