"""Billing rows of `firmdesk seed`: invoices that add up, payments that match
what is paid, numbers in each firm's sequence, and nothing across firms."""

import datetime
import io
import random
from collections import defaultdict
from decimal import Decimal
from types import SimpleNamespace

import pytest
from django.core.management import call_command
from django.db.models import Count, F, Sum

from firmdesk.billing.models import (
    BillingSettings,
    Expense,
    Invoice,
    InvoiceLine,
    Payment,
    ProviderBill,
    ProviderBillLine,
    TimeEntry,
    Timekeeper,
)
from firmdesk.demo import seed_billing
from firmdesk.demo.seed import SCALES

PREFIX = "s43-"
FIRMS = 2


@pytest.fixture(scope="module")
def seeded(django_db_setup, django_db_blocker):
    """Two firms seeded once for the module, written seven matters at a time so
    that invoices and provider bills cross the batches' edges."""
    with django_db_blocker.unblock(), pytest.MonkeyPatch.context() as patch:
        patch.setattr(seed_billing, "MATTERS_PER_BATCH", 7)
        call_command("seed", scale="small", firms=FIRMS, seed=43, stdout=io.StringIO())
        yield
        call_command("flush", interactive=False, verbosity=0)


def mine(model):
    return model.unscoped.filter(firm__slug__startswith=PREFIX)


@pytest.fixture
def invoices(seeded, db):
    return mine(Invoice)


def test_counts_follow_the_scale(seeded, db):
    scale = SCALES["small"]
    matters = FIRMS * scale.matters_per_firm
    by_hand = mine(TimeEntry).exclude(source=TimeEntry.Source.TASK)
    assert by_hand.count() == matters * scale.time_entries_per_matter
    assert mine(Expense).count() == matters * scale.expenses_per_matter
    # One invoice per matter and billed month.
    assert mine(Invoice).count() == matters * scale.invoices_per_matter
    assert mine(Payment).exists() and mine(ProviderBill).exists()
    assert mine(BillingSettings).count() == FIRMS
    assert mine(Timekeeper).filter(outside_staff=True).exists()


def test_invoice_totals_are_the_sum_of_their_lines(invoices):
    sums = dict(
        mine(InvoiceLine)
        .values("invoice")
        .annotate(s=Sum("total"))
        .values_list("invoice", "s")
    )
    assert sums
    for pk, total in invoices.values_list("pk", "total"):
        assert sums.get(pk, Decimal("0.00")) == total, pk
    assert mine(InvoiceLine).filter(kind="IF", total__lt=0).exists()


def test_fee_lines_are_their_time_entries(invoices):
    lines = mine(InvoiceLine).filter(kind="F").select_related("time_entry")
    for line in lines:
        entry = line.time_entry
        assert entry.status == TimeEntry.Status.BILLED
        assert entry.firm_id == line.firm_id
        assert (line.units, line.unit_cost, line.total) == (
            entry.hours,
            entry.rate,
            entry.amount,
        )
        assert line.invoice.period_start <= entry.date <= line.invoice.period_end
    # Every billed entry is on exactly one line; nothing unbilled is.
    billed = mine(TimeEntry).filter(status=TimeEntry.Status.BILLED)
    assert billed.count() == lines.count()
    assert not billed.annotate(n=Count("lines")).exclude(n=1).exists()
    assert not mine(InvoiceLine).exclude(invoice__firm=F("firm")).exists()
    assert (
        not mine(InvoiceLine)
        .exclude(invoice__matter=F("time_entry__matter"))
        .filter(kind="F")
        .exists()
    )


def test_paid_is_the_sum_of_payments_and_status_follows(invoices):
    received = dict(
        mine(Payment)
        .values("invoice")
        .annotate(s=Sum("amount"))
        .values_list("invoice", "s")
    )
    statuses = set()
    for invoice in invoices:
        assert invoice.paid == received.get(invoice.pk, Decimal("0.00"))
        if invoice.paid == 0:
            expected = Invoice.Status.SENT
        elif invoice.paid == invoice.total:
            expected = Invoice.Status.PAID
        else:
            expected = Invoice.Status.PARTLY_PAID
        assert invoice.status == expected, invoice.number
        statuses.add(invoice.status)
        assert invoice.issued_on < invoice.due_on
    assert statuses == {"sent", "paid", "partly_paid"}
    assert not mine(Payment).exclude(invoice__firm=F("firm")).exists()


def test_numbers_follow_each_firm_sequence_in_date_order(invoices):
    numbers = defaultdict(list)
    for firm_id, number, period_end in invoices.order_by("number").values_list(
        "firm", "number", "period_end"
    ):
        numbers[firm_id].append((int(number.removeprefix("INV-")), period_end))
    assert len(numbers) == FIRMS
    for settings in mine(BillingSettings):
        sequence = numbers[settings.firm_id]
        assert [n for n, _ in sequence] == list(range(1, len(sequence) + 1))
        assert [d for _, d in sequence] == sorted(d for _, d in sequence)
        assert settings.next_invoice_number == len(sequence) + 1


def test_provider_bills_add_up_to_the_hours_logged(seeded, db):
    for bill in mine(ProviderBill).prefetch_related("lines"):
        lines = list(bill.lines.all())
        assert lines
        assert bill.total == sum(line.amount for line in lines)
        for line in lines:
            logged = mine(TimeEntry).filter(
                engagement=bill.engagement,
                timekeeper=line.staff,
                date__range=(bill.period_start, bill.period_end),
            )
            assert line.hours == logged.aggregate(h=Sum("hours"))["h"]
            assert (line.match == "matched") == (line.amount == line.expected_amount)
    assert mine(ProviderBillLine).filter(match="differs").exists()


def test_time_logged_on_tasks_is_their_time_entries(seeded, db):
    """Nothing entered twice: each seeded task's minutes are its entries'."""
    from firmdesk.work.models import Task

    logged = mine(Task).filter(minutes_logged__gt=0, assignee__isnull=False)
    assert logged.exists()
    totals = dict(
        mine(TimeEntry)
        .filter(source=TimeEntry.Source.TASK)
        .values_list("task_id")
        .annotate(total=Sum("minutes"))
    )
    assert {t.pk: t.minutes_logged for t in logged} == totals
    for entry in mine(TimeEntry).filter(source=TimeEntry.Source.TASK)[:50]:
        assert entry.timekeeper_id == entry.task.assignee_id
        assert entry.matter_id == entry.task.matter_id


@pytest.mark.parametrize("terms_days", sorted(set(seed_billing.PAYMENT_TERMS)))
def test_a_seed_made_on_any_day_has_sent_partly_paid_and_paid_invoices(terms_days):
    """The demo's receivables show all three states whatever the day it is
    seeded and whatever its firm's payment terms: a firm on 45-day terms seeded
    early in a month has no invoice more than a few days past due, and some of
    its clients still pay before the due date."""
    scale = SCALES["small"]
    day = datetime.date(2026, 1, 1)
    while day.year == 2026:
        ctx = SimpleNamespace(rng=random.Random(day.toordinal()), today=day)
        statuses = set()
        for n in range(scale.invoices_per_matter):
            last = seed_billing._months_back(day, n + 1)[1]
            issued, due = seed_billing.issue_dates(day, last, terms_days)
            assert issued <= day
            for matter in range(scale.matters_per_firm):
                payments = seed_billing._payments(
                    ctx, total=Decimal("850.00"), issued=issued, due=due, number="X"
                )
                paid = sum((p[1] for p in payments), Decimal(0))
                assert all(issued <= p[0] <= day for p in payments)
                statuses.add(
                    "sent" if not paid else "paid" if paid == 850 else "partly_paid"
                )
        assert statuses == {"sent", "paid", "partly_paid"}, (day, terms_days)
        day += datetime.timedelta(days=1)
