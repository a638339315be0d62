"""The demo's billing (demo/demo_billing.py): set up through the set-up
services, with time, expenses, invoices and a provider bill that add up and
give each billing page something to show."""

import datetime
from decimal import Decimal

import pytest
from django.utils import timezone

from firmdesk.access.scope import resolve_scope
from firmdesk.billing.models import (
    ClientBillingTerms,
    Expense,
    Invoice,
    MatterBilling,
    MatterRate,
    ProviderBill,
    TimeEntry,
    Timekeeper,
)
from firmdesk.billing.money import ZERO, line_amount, on_increment
from firmdesk.billing.rates import billing_settings, terms_for
from firmdesk.demo.services import demo_load
from firmdesk.orgs.models import Organization, User

pytestmark = pytest.mark.usefixtures("demo_loaded")


@pytest.fixture
def hale(db):
    return Organization.objects.get(slug="hale-ortiz")


def person(mailbox, org="hale-ortiz"):
    return User.objects.get(email=f"{mailbox}@{org}.example")


def test_loading_again_changes_nothing():
    assert demo_load() == 0


def test_settings_and_a_timekeeper_for_everyone_with_rates(hale):
    settings = billing_settings(hale)
    assert settings.law_firm_id and settings.bill_outside_staff_time
    assert settings.next_invoice_number == 1004
    keepers = {k.user.email: k for k in Timekeeper.objects.for_firm(hale)}
    for mailbox in ("admin", "attorney", "associate", "staff"):
        assert keepers[f"{mailbox}@hale-ortiz.example"].default_rate > 0
    outside = keepers["paralegal@northstar.example"]
    assert outside.outside_staff and outside.cost_rate == Decimal("28.00")
    assert len({k.code for k in keepers.values()}) == len(keepers)


def test_matter_rates_and_an_e_billing_client(hale):
    assert MatterBilling.objects.for_firm(hale).count() == 2
    assert MatterRate.objects.for_firm(hale).count() == 1
    client = ClientBillingTerms.objects.for_firm(hale).get()
    assert client.ledes and client.requires_utbms and client.client_code


def test_the_most_specific_rate_priced_the_demo_time(hale):
    associate = person("associate")
    rate = MatterRate.objects.for_firm(hale).get()
    assert rate.timekeeper.user == associate
    entry = (
        TimeEntry.objects.for_firm(hale)
        .filter(timekeeper=associate, matter=rate.matter)
        .first()
    )
    assert entry.rate == rate.rate
    assert terms_for(firm=hale, user=associate, matter=rate.matter).rate == rate.rate


def test_submitted_time_has_what_the_pre_bill_review_flags(hale):
    submitted = list(TimeEntry.objects.for_firm(hale).filter(status="submitted"))
    narratives = [e.narrative for e in submitted]
    assert any(n.count(";") >= 2 for n in narratives)  # block billing
    assert "Attention to file" in narratives  # vague
    increment = billing_settings(hale).increment
    assert any(not on_increment(e.hours, increment) for e in submitted)
    assert any(not e.task_code for e in submitted)  # the client requires codes


def test_reviewed_time_and_an_expense_with_its_receipt_wait_to_be_billed(hale):
    assert TimeEntry.objects.for_firm(hale).filter(status="reviewed").count() >= 3
    expense = Expense.objects.for_firm(hale).get()
    assert expense.status == "reviewed" and expense.receipt is not None
    assert expense.expense_code == "E115"


def test_every_invoice_adds_up(hale):
    invoices = Invoice.objects.for_firm(hale).prefetch_related("lines")
    assert {i.status for i in invoices} == {"approved", "partly_paid", "paid"}
    for invoice in invoices:
        lines = list(invoice.lines.all())
        assert lines
        for line in lines:
            assert line.total == line_amount(
                line.units, line.unit_cost, line.adjustment
            )
        assert invoice.total == sum((line.total for line in lines), ZERO)


def test_a_sent_invoice_is_45_days_overdue_with_a_partial_payment(hale):
    invoice = Invoice.objects.for_firm(hale).get(status="partly_paid")
    first_loaded = min(
        timezone.localdate(o.created_at) for o in Organization.objects.all()
    )
    assert first_loaded - invoice.due_on == datetime.timedelta(days=45)
    # 2.4 h at $425, 4.0 h at the associate's $250 here, 1.5 h of outside
    # staff at $95, less a $150 discount (docs/demo.md says so).
    assert (invoice.total, invoice.paid) == (Decimal("2012.50"), Decimal("1500.00"))
    assert invoice.lines.filter(outside_staff=True).exists()
    paid = Invoice.objects.for_firm(hale).get(status="paid")
    assert paid.paid == paid.total


def test_the_provider_bill_has_a_line_that_differs_from_the_work_logged(hale):
    bill = ProviderBill.objects.for_firm(hale).get()
    assert bill.total == sum(line.amount for line in bill.lines.all())
    assistant = person("assistant", "northstar")
    logged = sum(
        e.hours
        for e in TimeEntry.objects.for_firm(hale).filter(
            timekeeper=assistant,
            date__range=(bill.period_start, bill.period_end),
        )
    )
    billed = bill.lines.get(staff=assistant).hours
    assert billed != logged


def test_the_billing_paralegal_reads_the_set_up(hale):
    scope = resolve_scope(person("paralegal", "northstar"), hale)
    assert scope.works_on("billing")
