"""Fixtures of the invoice routes (registry_billing_invoices.py): a draft
invoice of firm A's matter with a fee line and an invoice-level adjustment,
the same in firm B, and outside staff of firm A who do its billing."""

import pytest

from firmdesk.billing import invoicing
from firmdesk.billing.models import InvoiceLine
from tests.billing.invoice_rows import (
    JAN_1,
    JAN_31,
    billing_staff,
    entry,
    scope_of,
)

__all__ = [
    "inv_adjustment",
    "inv_biller",
    "inv_draft",
    "inv_fee_line",
    "other_inv_adjustment",
    "other_inv_draft",
    "other_inv_fee_line",
]


def _draft(firm, matter, user):
    entry(firm, matter, user)
    scope = scope_of(user, firm)
    invoice = invoicing.invoice_build(
        scope=scope, matter=matter, period_start=JAN_1, period_end=JAN_31
    )
    invoicing.invoice_adjustment_add(
        scope=scope, invoice=invoice, applies_to="IF", how="amount", value="-10"
    )
    return invoice


def _line(invoice, kind):
    return InvoiceLine.unscoped.get(invoice=invoice, kind=kind)


@pytest.fixture
def inv_draft(firm, matter, attorney):
    return _draft(firm, matter, attorney)


@pytest.fixture
def other_inv_draft(other_firm, other_matter, outsider):
    return _draft(other_firm, other_matter, outsider)


@pytest.fixture
def inv_fee_line(inv_draft):
    return _line(inv_draft, "F")


@pytest.fixture
def other_inv_fee_line(other_inv_draft):
    return _line(other_inv_draft, "F")


@pytest.fixture
def inv_adjustment(inv_draft):
    return _line(inv_draft, "IF")


@pytest.fixture
def other_inv_adjustment(other_inv_draft):
    return _line(other_inv_draft, "IF")


@pytest.fixture
def inv_biller(provider, engagement, matter):
    return billing_staff(provider, engagement, matter)
