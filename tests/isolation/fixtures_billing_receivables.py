"""Fixtures of the receivables routes (registry_billing_receivables.py): a late
invoice of firm A with a reminder made by the follow-up job (task and letter),
the same in firm B, and outside staff who do firm A's billing."""

import datetime

import pytest

from firmdesk.billing.rates import billing_settings
from firmdesk.billing.receivables import reminder_make
from tests.billing.receivables_data import billing_assistant, client_of, invoice

__all__ = [
    "other_receivables_invoice",
    "other_receivables_reminder",
    "receivables_billing_clerk",
    "receivables_invoice",
    "receivables_reminder",
]

DUE = datetime.date(2026, 3, 2)


def _late_invoice(firm, matter, client_name, number):
    billing_settings(firm)
    client = client_of(firm, matter, client_name)
    return invoice(
        firm, matter, client=client, total="1200.00", due_on=DUE, number=number
    )


def _reminder(row):
    return reminder_make(
        invoice_id=row.pk, step=30, today=DUE + datetime.timedelta(days=30)
    )


@pytest.fixture
def receivables_invoice(firm, matter):
    return _late_invoice(firm, matter, "Lopez Family Holdings", "HO-0001")


@pytest.fixture
def other_receivables_invoice(other_firm, other_matter):
    return _late_invoice(other_firm, other_matter, "Brandt Client Corp", "BR-0001")


@pytest.fixture
def receivables_reminder(receivables_invoice):
    return _reminder(receivables_invoice)


@pytest.fixture
def other_receivables_reminder(other_receivables_invoice):
    return _reminder(other_receivables_invoice)


@pytest.fixture
def receivables_billing_clerk(provider, engagement, matter):
    """Outside staff whose assignment covers firm A's billing, granted its matter."""
    return billing_assistant(provider, engagement, matter)
