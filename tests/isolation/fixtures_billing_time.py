"""Fixtures of the time and expense routes (registry_billing_time.py): an
attorney's draft entry, running timer and expense with a receipt in firm A, and
the same rows in firm B."""

import datetime
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from firmdesk.billing.models import Expense, TimeEntry
from firmdesk.documents.services import document_upload

__all__ = [
    "billing_expense",
    "billing_timer",
    "billing_entry",
    "other_billing_entry",
    "other_billing_expense",
]

DAY = datetime.date(2026, 11, 16)


def _entry(firm, matter, user, **fields):
    values = {"hours": Decimal("1.50"), "rate": Decimal("300.00"), **fields}
    return TimeEntry.unscoped.create(
        firm=firm,
        matter=matter,
        timekeeper=user,
        date=DAY,
        narrative="Draft motion to compel",
        **values,
    )


def _expense(firm, matter, user):
    receipt = document_upload(
        firm=firm,
        actor=user,
        uploaded_file=SimpleUploadedFile("receipt.pdf", b"%PDF-1.7\n%%EOF\n"),
        matter=matter,
    )
    return Expense.unscoped.create(
        firm=firm,
        matter=matter,
        incurred_by=user,
        date=DAY,
        description="Court filing fee",
        expense_code="E112",
        unit_cost=Decimal("405.00"),
        receipt=receipt,
    )


@pytest.fixture
def billing_entry(firm, matter, attorney):
    return _entry(firm, matter, attorney)


@pytest.fixture
def other_billing_entry(other_firm, other_matter, outsider):
    return _entry(other_firm, other_matter, outsider)


@pytest.fixture
def billing_timer(firm, matter, attorney):
    return _entry(
        firm, matter, attorney, hours=Decimal("0"), timer_started_at=timezone.now()
    )


@pytest.fixture
def billing_expense(firm, matter, attorney):
    return _expense(firm, matter, attorney)


@pytest.fixture
def other_billing_expense(other_firm, other_matter, outsider):
    return _expense(other_firm, other_matter, outsider)
