"""Fixtures of the LEDES download route (registry_billing_ledes.py): an
invoice of firm A with its lines, the same in firm B, and provider staff who
do billing for firm A (the shared ``assistant`` does not)."""

import pytest

from tests.billing.ledes_rows import billing_assistant, ledes_invoice

__all__ = ["ledes_billing_assistant", "ledes_invoice_a", "ledes_invoice_b"]


@pytest.fixture
def ledes_invoice_a(matter):
    return ledes_invoice(matter, number="INV-A-1")


@pytest.fixture
def ledes_invoice_b(other_matter):
    return ledes_invoice(other_matter, number="INV-B-1", client_name="Brandt client")


@pytest.fixture
def ledes_billing_assistant(provider, engagement, matter):
    return billing_assistant(provider, engagement, matter)
