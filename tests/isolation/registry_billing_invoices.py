"""Isolation registry entries for the invoice pages (format: registry.py).

The firm's people and outside staff whose engagement covers billing open
them (``billing.invoicing.may_bill``); outside staff without billing get 404
even for matters opened to them. Approving is for attorneys and firm admins
only. POST routes are sent empty: the form comes back with its errors (200),
nothing changes; removing an adjustment needs no form and is proved by the
change it makes. The steps with real data are in
tests/web/test_billing_invoices.py."""

from firmdesk.billing.models import InvoiceLine

from .registry import (
    FIRM_MEMBERS,
    NO_FIRM_ACCESS,
    PROVIDER_STAFF_IN_FIRM,
    Route,
    _firm,
)

BILLERS = (*FIRM_MEMBERS, "inv_biller")
NOT_BILLERS = (*NO_FIRM_ACCESS, *PROVIDER_STAFF_IN_FIRM)
APPROVERS = ("firm_admin", "attorney")
EMPTY_FORM = "an empty POST gets the form back with what to fix"


def _invoice(f) -> dict:
    return {**_firm(f), "invoice_id": f.inv_draft.public_id}


def _other_invoice(f) -> dict:
    return {**_firm(f), "invoice_id": f.other_inv_draft.public_id}


def _line(attr: str, other: str):
    def kwargs(f) -> dict:
        return {**_invoice(f), "line_id": getattr(f, attr).public_id}

    def foreign(f) -> dict:
        return {**_other_invoice(f), "line_id": getattr(f, other).public_id}

    return kwargs, foreign


_fee_line, _other_fee_line = _line("inv_fee_line", "other_inv_fee_line")
_adjustment, _other_adjustment = _line("inv_adjustment", "other_inv_adjustment")


def _invoice_step(name: str, **extra) -> Route:
    return Route(
        f"billing:{name}",
        kwargs=_invoice,
        foreign_kwargs=_other_invoice,
        method="POST",
        allowed=BILLERS,
        denied=NOT_BILLERS,
        why=EMPTY_FORM,
        **extra,
    )


ROUTES: list = [
    Route(
        "billing:invoice_list",
        kwargs=_firm,
        allowed=BILLERS,
        denied=NOT_BILLERS,
        why="outside staff without billing have no invoice pages at all",
    ),
    Route("billing:invoice_new", kwargs=_firm, allowed=BILLERS, denied=NOT_BILLERS),
    Route(
        "billing:invoice_build_all",
        kwargs=_firm,
        allowed=BILLERS,
        denied=NOT_BILLERS,
        why="outside billing staff build only for the matters opened to them",
    ),
    Route(
        "billing:invoice_detail",
        kwargs=_invoice,
        foreign_kwargs=_other_invoice,
        allowed=BILLERS,
        denied=NOT_BILLERS,
    ),
    Route(
        "billing:invoice_pdf",
        kwargs=_invoice,
        foreign_kwargs=_other_invoice,
        allowed=BILLERS,
        denied=NOT_BILLERS,
        why="a download, audited",
    ),
    Route(
        "billing:invoice_line_adjust",
        kwargs=_fee_line,
        foreign_kwargs=_other_fee_line,
        allowed=BILLERS,
        denied=NOT_BILLERS,
    ),
    _invoice_step("invoice_adjustment_add"),
    Route(
        "billing:invoice_adjustment_remove",
        kwargs=_adjustment,
        foreign_kwargs=_other_adjustment,
        method="POST",
        success=303,
        state=lambda f: InvoiceLine.unscoped.filter(pk=f.inv_adjustment.pk).exists(),
        allowed=BILLERS,
        denied=NOT_BILLERS,
    ),
    Route(
        "billing:invoice_approve",
        kwargs=_invoice,
        foreign_kwargs=_other_invoice,
        method="POST",
        allowed=APPROVERS,
        denied=(*NOT_BILLERS, "firm_staff", "inv_biller"),
        why="attorneys and firm admins only; " + EMPTY_FORM,
    ),
    _invoice_step("invoice_send"),
    _invoice_step("invoice_payment"),
    _invoice_step("invoice_void"),
]
