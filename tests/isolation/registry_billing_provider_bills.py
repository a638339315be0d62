"""Isolation registry entries for the provider's bills to the firm (format:
registry.py). What the firm pays its provider is for the firm's people only:
every outside person gets 404, a provider staff member who does the firm's
billing included. Any member of the firm sees, enters, reconciles and
disputes; only attorneys and firm admins resolve a dispute."""

from firmdesk.billing.models import ProviderBillLine

from .registry import (
    FIRM_MEMBERS,
    NO_FIRM_ACCESS,
    PROVIDER_STAFF_IN_FIRM,
    Route,
    _firm,
)

OUTSIDE = (*NO_FIRM_ACCESS, *PROVIDER_STAFF_IN_FIRM, "bills_billing_assistant")
DECIDERS = ("firm_admin", "attorney")


def _bill(f) -> dict:
    return {**_firm(f), "bill_id": f.provider_bill.public_id}


def _other_bill(f) -> dict:
    return {**_firm(f), "bill_id": f.other_provider_bill.public_id}


def _line(attr: str):
    return lambda f: {**_bill(f), "line_id": getattr(f, attr).public_id}


def _other_line(f) -> dict:
    return {**_other_bill(f), "line_id": f.other_provider_bill_line.public_id}


def _matches(f):
    return list(
        ProviderBillLine.unscoped.filter(bill=f.provider_bill)
        .order_by("position")
        .values_list("match", flat=True)
    )


ROUTES: list = [
    Route(
        "billing:provider_bill_list", kwargs=_firm, allowed=FIRM_MEMBERS, denied=OUTSIDE
    ),
    Route(
        "billing:provider_bill_new", kwargs=_firm, allowed=FIRM_MEMBERS, denied=OUTSIDE
    ),
    Route(
        "billing:provider_bill_import",
        kwargs=_firm,
        allowed=FIRM_MEMBERS,
        denied=OUTSIDE,
    ),
    Route(
        "billing:provider_bill_detail",
        kwargs=_bill,
        foreign_kwargs=_other_bill,
        allowed=FIRM_MEMBERS,
        denied=OUTSIDE,
    ),
    Route(
        "billing:provider_bill_document",
        kwargs=_bill,
        foreign_kwargs=_other_bill,
        allowed=FIRM_MEMBERS,
        denied=OUTSIDE,
        why="the provider's copy of its bill, audited as a document download",
    ),
    Route(
        "billing:provider_bill_reconcile",
        kwargs=_bill,
        foreign_kwargs=_other_bill,
        method="POST",
        success=303,
        state=_matches,
        allowed=FIRM_MEMBERS,
        denied=OUTSIDE,
    ),
    Route(
        "billing:provider_bill_dispute",
        kwargs=_line("provider_bill_line"),
        foreign_kwargs=_other_line,
        allowed=FIRM_MEMBERS,
        denied=OUTSIDE,
    ),
    Route(
        "billing:provider_bill_resolve",
        kwargs=_line("provider_bill_disputed_line"),
        foreign_kwargs=_other_line,
        allowed=DECIDERS,
        denied=(*OUTSIDE, "firm_staff"),
    ),
]
