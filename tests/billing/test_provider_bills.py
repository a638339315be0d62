"""Provider bills: entry, CSV lines, reconciliation by pricing model, disputes,
the bill's status and what the firm owes (billing/provider_bills.py)."""

import datetime
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from firmdesk.access.scope import resolve_scope
from firmdesk.audit.models import AuditEvent
from firmdesk.billing import provider_bills as pb
from firmdesk.billing.models import ProviderBill, ProviderBillLine, TimeEntry
from firmdesk.common.errors import ServiceError
from firmdesk.engagements.models import Engagement
from firmdesk.work.models import Task
from tests import factories as f

D = Decimal
MARCH = (datetime.date(2026, 3, 1), datetime.date(2026, 3, 31))
MAR3, MAR9 = datetime.date(2026, 3, 3), datetime.date(2026, 3, 9)
M = ProviderBillLine.Match


def scope_of(user, firm):
    return resolve_scope(user, firm)


@pytest.fixture
def staff_member(provider, engagement):
    user = f.member(
        provider, ["assistant"], email="lena@northstar.test", full_name="Lena Park"
    )
    f.assign(engagement, user)
    return user


@pytest.fixture
def hourly(engagement):
    engagement.pricing_model = Engagement.Pricing.HOURLY
    engagement.price = D("40.00")
    engagement.save()
    return engagement


def log_time(engagement, user, day, hours, task=None):
    return TimeEntry.unscoped.create(
        firm=engagement.firm,
        timekeeper=user,
        engagement=engagement,
        outside_staff=True,
        task=task,
        date=day,
        hours=D(hours),
    )


def done_task(engagement, user, day, **fields):
    at = datetime.datetime.combine(day, datetime.time(15), tzinfo=engagement.firm.tz)
    return f.task(
        engagement.firm,
        engagement=engagement,
        assignee=user,
        status=Task.Status.DONE,
        completed_at=at,
        closed_at=at,
        **fields,
    )


def enter(scope, engagement, lines, *, number="NS-301", total=None):
    total = sum((line.total for line in lines), D("0")) if total is None else total
    return pb.provider_bill_create(
        scope=scope,
        bill=pb.BillIn(
            engagement=engagement,
            number=number,
            period_start=MARCH[0],
            period_end=MARCH[1],
            received_on=datetime.date(2026, 4, 2),
            total=D(total),
        ),
        lines=lines,
    )


def line(day=None, staff="", task="", hours="0", qty="0", price="40", amount=None):
    return pb.LineIn(
        date=day,
        staff=staff,
        task=task,
        description="Work",
        hours=D(hours),
        quantity=D(qty),
        unit_price=D(price),
        amount=None if amount is None else D(amount),
    )


def lines_of(bill):
    return list(ProviderBillLine.unscoped.filter(bill=bill).order_by("position"))


# --- Entering -------------------------------------------------------------------


def test_entering_saves_the_bill_and_its_lines_and_audits_it(
    firm, firm_admin, hourly, staff_member
):
    scope = scope_of(firm_admin, firm)
    bill = enter(scope, hourly, [line(MARCH[0], "Lena Park", hours="1.5")])
    (saved,) = lines_of(bill)
    assert (saved.staff, saved.amount) == (staff_member, D("60.00"))
    assert bill.total == bill.reconciled_total == D("60.00")
    assert AuditEvent.objects.filter(action="provider_bill.entered").count() == 1


def test_a_total_that_differs_from_the_lines_says_by_how_much(firm, firm_admin, hourly):
    scope = scope_of(firm_admin, firm)
    with pytest.raises(ServiceError) as caught:
        enter(scope, hourly, [line(hours="2")], total="100.00")
    assert "the total is $20.00 more than the lines" in caught.value.message
    assert not ProviderBill.unscoped.exists()


def test_the_same_bill_number_twice_is_refused(firm, firm_admin, hourly):
    scope = scope_of(firm_admin, firm)
    enter(scope, hourly, [line(hours="1")])
    with pytest.raises(ServiceError, match="already entered"):
        enter(scope, hourly, [line(hours="1")])


def test_a_task_of_another_engagement_is_refused(
    firm, firm_admin, hourly, other_firm, provider
):
    other = f.task(other_firm, title="Brandt filing")
    with pytest.raises(ServiceError, match="Line 1: no task of this engagement"):
        enter(scope_of(firm_admin, firm), hourly, [line(task=str(other.public_id))])


def test_provider_staff_with_billing_cannot_enter_a_bill(
    firm, provider, hourly, matter
):
    hourly.functions = [*hourly.functions, "billing"]
    hourly.save()
    biller = f.member(provider, ["assistant"])
    f.assign(hourly, biller, functions=("billing",))
    scope = scope_of(biller, firm)
    assert scope is not None and scope.works_on("billing")
    with pytest.raises(ServiceError):
        enter(scope, hourly, [line(hours="1")])


# --- CSV -------------------------------------------------------------------------


def test_csv_lines_are_read_with_their_columns():
    data = (
        b"Date,Staff,Task,Description,Hours,Unit price,Amount\n"
        b'3/2/2026,Lena Park,,Calendar,1.5,$40.00,"$60.00"\n'
    )
    read = pb.read_lines_csv(data)
    assert read.errors == []
    (got,) = read.lines
    assert (got.date, got.hours, got.amount) == (MARCH[0].replace(day=2), 1.5, 60)


def test_csv_problems_are_listed_row_by_row():
    data = b"date,staff,hours,price\n13/45/2026,Lena,1,40\n3/3/2026,Lena,lots,40\n"
    read = pb.read_lines_csv(data)
    assert [e.split(":")[0] for e in read.errors] == ["Line 2", "Line 3"]
    assert "not a real date" in read.errors[0] or "not a date" in read.errors[0]


def test_csv_with_an_unknown_column_names_it():
    read = pb.read_lines_csv(b"date,colour,amount\n3/3/2026,red,5\n")
    assert read.errors and "“colour”" in read.errors[0]


# --- Reconciling: hourly ------------------------------------------------------------


def test_hourly_lines_match_time_logged_by_staff_and_date(
    firm, firm_admin, hourly, staff_member
):
    day = datetime.date(2026, 3, 3)
    log_time(hourly, staff_member, day, "1.0")
    log_time(hourly, staff_member, day, "0.5")
    log_time(hourly, staff_member, datetime.date(2026, 3, 4), "2.0")
    log_time(hourly, staff_member, datetime.date(2026, 4, 1), "9.0")  # not March
    scope = scope_of(firm_admin, firm)
    bill = enter(
        scope,
        hourly,
        [
            line(day, "lena@northstar.test", hours="1.5"),
            line(datetime.date(2026, 3, 5), "Lena Park", hours="1"),
        ],
    )
    bill = pb.provider_bill_reconcile(scope=scope, bill=bill)
    first, second, missing = lines_of(bill)
    assert (first.match, first.expected_amount) == (M.MATCHED, D("60.00"))
    assert (second.match, second.expected_amount) == (M.UNMATCHED, D("0.00"))
    assert (missing.match, missing.expected_amount, missing.amount) == (
        M.NOT_BILLED,
        D("80.00"),
        D("0.00"),
    )
    assert bill.status == ProviderBill.Status.ENTERED
    # The firm accepts the matched line and nothing for the unmatched one.
    assert bill.reconciled_total == D("60.00")


def test_hourly_difference_of_a_cent_is_a_difference(
    firm, firm_admin, hourly, staff_member
):
    day = datetime.date(2026, 3, 3)
    log_time(hourly, staff_member, day, "1.0")
    scope = scope_of(firm_admin, firm)
    bill = enter(scope, hourly, [line(day, "Lena Park", amount="40.01")])
    pb.provider_bill_reconcile(scope=scope, bill=bill)
    (only,) = lines_of(bill)
    assert (only.match, only.difference) == (M.DIFFERS, D("0.01"))


def test_time_on_a_task_whose_extra_cost_was_declined_is_not_expected(
    firm, firm_admin, hourly, staff_member
):
    day = datetime.date(2026, 3, 3)
    declined = f.task(firm, engagement=hourly, extra_cost=Task.ExtraCost.DECLINED)
    log_time(hourly, staff_member, day, "1.0", task=declined)
    log_time(hourly, staff_member, day, "1.0")
    scope = scope_of(firm_admin, firm)
    bill = enter(scope, hourly, [line(day, "Lena Park", hours="2")])
    pb.provider_bill_reconcile(scope=scope, bill=bill)
    (only,) = lines_of(bill)
    assert (only.match, only.expected_amount) == (M.DIFFERS, D("40.00"))


def test_reconciling_twice_gives_the_same_lines(firm, firm_admin, hourly, staff_member):
    log_time(hourly, staff_member, datetime.date(2026, 3, 9), "1.0")
    scope = scope_of(firm_admin, firm)
    bill = enter(scope, hourly, [line(MAR3, "Lena Park", hours="1")])
    pb.provider_bill_reconcile(scope=scope, bill=bill)
    once = [(x.match, x.expected_amount) for x in lines_of(bill)]
    pb.provider_bill_reconcile(scope=scope, bill=bill)
    assert [(x.match, x.expected_amount) for x in lines_of(bill)] == once
    assert len(once) == 2


# --- Reconciling: per task and monthly -------------------------------------------


@pytest.fixture
def per_task(engagement):
    engagement.pricing_model = Engagement.Pricing.PER_TASK
    engagement.price = D("25.00")
    engagement.save()
    return engagement


def test_per_task_lines_match_tasks_completed_in_the_period(
    firm, firm_admin, per_task, staff_member
):
    first = done_task(per_task, staff_member, datetime.date(2026, 3, 2), title="A")
    done_task(per_task, staff_member, datetime.date(2026, 3, 3), title="B")
    done_task(per_task, staff_member, datetime.date(2026, 3, 4), title="C")
    done_task(per_task, staff_member, datetime.date(2026, 4, 4), title="April")
    pending = f.task(firm, engagement=per_task, title="Not done")
    scope = scope_of(firm_admin, firm)
    bill = enter(
        scope,
        per_task,
        [
            line(task=str(first.public_id), qty="1", price="25"),
            line(staff="Lena Park", qty="2", price="30"),
            line(task=str(pending.public_id), qty="1", price="25"),
        ],
    )
    pb.provider_bill_reconcile(scope=scope, bill=bill)
    by_task, by_staff, not_done = lines_of(bill)
    assert (by_task.match, by_task.expected_amount) == (M.MATCHED, D("25.00"))
    assert (by_staff.match, by_staff.expected_amount) == (M.DIFFERS, D("50.00"))
    assert not_done.match == M.UNMATCHED


def test_a_line_by_someone_the_firm_does_not_know_matches_nothing(
    firm, firm_admin, per_task, staff_member
):
    task = done_task(per_task, staff_member, datetime.date(2026, 3, 2))
    scope = scope_of(firm_admin, firm)
    bill = enter(scope, per_task, [line(staff="L. P.", task=str(task.public_id))])
    pb.provider_bill_reconcile(scope=scope, bill=bill)
    billed, missing = lines_of(bill)
    assert (billed.staff_name, billed.match) == ("L. P.", M.UNMATCHED)
    assert missing.task == task and missing.match == M.NOT_BILLED


def test_per_task_lists_completed_tasks_not_billed(
    firm, firm_admin, per_task, staff_member
):
    done_task(per_task, staff_member, datetime.date(2026, 3, 2), title="Forgotten")
    scope = scope_of(firm_admin, firm)
    bill = enter(scope, per_task, [line(staff="Someone Else", qty="1", price="25")])
    pb.provider_bill_reconcile(scope=scope, bill=bill)
    billed, missing = lines_of(bill)
    assert billed.match == M.UNMATCHED
    assert missing.match == M.NOT_BILLED
    assert missing.description == "Task completed: Forgotten"


def test_monthly_retainer_line_is_expected_at_the_monthly_price(
    firm, firm_admin, engagement
):
    engagement.pricing_model = Engagement.Pricing.MONTHLY
    engagement.price = D("3000.00")
    engagement.save()
    scope = scope_of(firm_admin, firm)
    bill = enter(scope, engagement, [line(qty="1", price="3000")])
    bill = pb.provider_bill_reconcile(scope=scope, bill=bill)
    assert lines_of(bill)[0].match == M.MATCHED
    assert bill.status == ProviderBill.Status.RECONCILED
    assert bill.reconciled_total == D("3000.00")


# --- Disputes and status ----------------------------------------------------------


def test_dispute_then_resolution_moves_the_status_and_the_total(
    firm, firm_admin, attorney, firm_staff, hourly, staff_member
):
    day = datetime.date(2026, 3, 3)
    log_time(hourly, staff_member, day, "1.0")
    staff_scope = scope_of(firm_staff, firm)
    bill = enter(staff_scope, hourly, [line(day, "Lena Park", hours="2")])
    bill = pb.provider_bill_reconcile(scope=staff_scope, bill=bill)
    (only,) = lines_of(bill)
    assert only.match == M.DIFFERS and bill.reconciled_total == D("40.00")

    with pytest.raises(ServiceError, match="Say why"):
        pb.line_dispute_open(scope=staff_scope, line=only, reason="  ")
    pb.line_dispute_open(scope=staff_scope, line=only, reason="Only 1 h logged")
    bill.refresh_from_db()
    assert bill.status == ProviderBill.Status.DISPUTED

    with pytest.raises(ServiceError, match="attorney or a firm admin"):
        pb.line_dispute_resolve(
            scope=staff_scope, line=only, outcome="x", agreed_amount=D("50")
        )
    pb.line_dispute_resolve(
        scope=scope_of(attorney, firm),
        line=only,
        outcome="Provider agreed to 1.25 h",
        agreed_amount=D("50"),
    )
    bill.refresh_from_db()
    assert (bill.status, bill.reconciled_total) == (
        ProviderBill.Status.SETTLED,
        D("50.00"),
    )
    actions = set(AuditEvent.objects.values_list("action", flat=True))
    assert {"provider_bill.dispute_opened", "provider_bill.dispute_resolved"} <= actions


def test_reconciling_again_keeps_disputes(firm, firm_admin, hourly, staff_member):
    scope = scope_of(firm_admin, firm)
    bill = enter(scope, hourly, [line(datetime.date(2026, 3, 3), "Lena", hours="1")])
    pb.provider_bill_reconcile(scope=scope, bill=bill)
    (only,) = lines_of(bill)
    pb.line_dispute_open(scope=scope, line=only, reason="Who is Lena?")
    bill = pb.provider_bill_reconcile(scope=scope, bill=bill)
    assert lines_of(bill)[0].dispute == ProviderBillLine.Dispute.OPEN
    assert bill.status == ProviderBill.Status.DISPUTED


def test_work_not_billed_cannot_be_disputed(firm, firm_admin, hourly, staff_member):
    log_time(hourly, staff_member, datetime.date(2026, 3, 9), "1.0")
    scope = scope_of(firm_admin, firm)
    bill = enter(scope, hourly, [line(MAR3, "Lena Park", hours="1")])
    pb.provider_bill_reconcile(scope=scope, bill=bill)
    missing = lines_of(bill)[-1]
    with pytest.raises(ServiceError, match="not on the bill"):
        pb.line_dispute_open(scope=scope, line=missing, reason="?")


# --- The cost insights uses ---------------------------------------------------------


def test_reconciled_cost_sums_bills_ending_in_the_window(
    firm, firm_admin, hourly, staff_member, other_firm, provider
):
    log_time(hourly, staff_member, datetime.date(2026, 3, 3), "1.0")
    scope = scope_of(firm_admin, firm)
    bill = enter(scope, hourly, [line(MAR3, "Lena Park", hours="3")])
    enter(scope, hourly, [line(hours="1")], number="NS-302")
    assert pb.reconciled_cost(firm=firm, start=MARCH[0], end=MARCH[1]) == D("160.00")
    pb.provider_bill_reconcile(scope=scope, bill=bill)
    # The first bill now counts at what the work logged supports (1 h).
    assert pb.reconciled_cost(
        firm=firm, engagement=hourly, start=MARCH[0], end=MARCH[1]
    ) == D("80.00")
    assert pb.reconciled_cost(
        firm=firm, start=datetime.date(2026, 4, 1), end=datetime.date(2026, 4, 30)
    ) == D("0.00")
    assert pb.reconciled_cost(firm=other_firm, start=MARCH[0], end=MARCH[1]) == 0


BILLED = [M.MATCHED, M.DIFFERS, M.UNMATCHED]
amounts = st.decimals(min_value=0, max_value=10000, places=2)


@given(
    st.lists(
        st.tuples(amounts, st.one_of(st.none(), amounts), st.sampled_from(BILLED)),
        min_size=1,
        max_size=8,
    ),
    st.lists(st.sampled_from(["", "open", "resolved"]), min_size=8, max_size=8),
)
def test_the_firm_never_accepts_more_than_billed_unless_agreed(rows, disputes):
    lines = []
    for (amount, expected, match), dispute in zip(rows, disputes, strict=False):
        lines.append(
            ProviderBillLine(
                amount=amount,
                expected_amount=expected,
                match=match,
                dispute=dispute,
                agreed_amount=amount / 2 if dispute == "resolved" else None,
            )
        )
    status, owed = pb.bill_state(lines)
    assert owed <= sum(line.amount for line in lines)
    assert (status == ProviderBill.Status.DISPUTED) == any(
        line.dispute == "open" for line in lines
    )
    if status in (ProviderBill.Status.RECONCILED, ProviderBill.Status.SETTLED):
        assert all(x.match == M.MATCHED or x.dispute == "resolved" for x in lines)
