"""Expenses: UTBMS expense codes, quantity × unit cost, receipts (issue 17, 2)."""

import datetime
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from firmdesk.access.scope import resolve_scope
from firmdesk.billing import time_entries as services
from firmdesk.billing.models import ClientBillingTerms, Expense
from firmdesk.billing.time_entries import ExpenseFields
from firmdesk.common.errors import ServiceError
from firmdesk.matters.models import Contact, MatterParty

DAY = datetime.date(2026, 11, 16)
PDF = b"%PDF-1.7\n%%EOF\n"


@pytest.fixture(autouse=True)
def media_root(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


def copies(on, **more):
    values = {
        "date": DAY,
        "matter": on,
        "description": "Copies of the exhibits",
        "quantity": Decimal("120"),
        "unit_cost": Decimal("0.15"),
        "expense_code": "E101",
        **more,
    }
    return ExpenseFields(**values)


def test_an_expense_is_quantity_times_unit_cost_with_its_receipt_kept(
    firm, matter, attorney
):
    expense = services.expense_create(
        scope=resolve_scope(attorney, firm),
        fields=copies(matter),
        receipt_file=SimpleUploadedFile("copies.pdf", PDF),
    )
    assert expense.amount == Decimal("18.00")
    assert expense.status == "draft" and expense.incurred_by == attorney
    assert expense.receipt.matter == matter
    assert expense.receipt.current_version.original_name == "copies.pdf"


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"expense_code": "E999"}, "expense_code"),
        ({"quantity": Decimal("0")}, "quantity"),
        ({"unit_cost": Decimal("-1")}, "unit_cost"),
        ({"description": "  "}, "description"),
        ({"matter": None}, "matter"),
    ],
)
def test_what_is_wrong_is_named(firm, matter, attorney, change, field):
    with pytest.raises(ServiceError) as error:
        services.expense_create(
            scope=resolve_scope(attorney, firm), fields=copies(matter, **change)
        )
    assert error.value.field == field
    assert not Expense.unscoped.exists()


def test_submit_asks_for_a_code_where_the_client_requires_one(firm, matter, attorney):
    client = Contact.unscoped.create(firm=firm, kind="organization", name="Acme Co")
    MatterParty.unscoped.create(firm=firm, matter=matter, contact=client, role="client")
    ClientBillingTerms.unscoped.create(firm=firm, client=client, requires_utbms=True)
    scope = resolve_scope(attorney, firm)
    expense = services.expense_create(
        scope=scope, fields=copies(matter, expense_code="")
    )
    with pytest.raises(ServiceError, match="requires a UTBMS expense code"):
        services.expense_submit(scope=scope, expense=expense)
    services.expense_update(scope=scope, expense=expense, fields=copies(matter))
    assert services.expense_submit(scope=scope, expense=expense).status == "submitted"


def test_staff_without_billing_cannot_touch_someone_elses_expense(
    firm, matter, attorney, assistant, firm_staff
):
    expense = services.expense_create(
        scope=resolve_scope(attorney, firm), fields=copies(matter)
    )
    assert not services.may_change_expense(resolve_scope(assistant, firm), expense)
    with pytest.raises(ServiceError, match="Only the person who incurred it"):
        services.expense_delete(scope=resolve_scope(assistant, firm), expense=expense)
    services.expense_delete(scope=resolve_scope(firm_staff, firm), expense=expense)
    assert not Expense.unscoped.exists()


def test_a_submitted_expense_once_reviewed_changes_only_in_the_review(
    firm, matter, attorney
):
    scope = resolve_scope(attorney, firm)
    expense = services.expense_create(scope=scope, fields=copies(matter))
    Expense.unscoped.filter(pk=expense.pk).update(status="billed")
    expense.refresh_from_db()
    with pytest.raises(ServiceError, match="only in the pre-bill review"):
        services.expense_update(scope=scope, expense=expense, fields=copies(matter))
