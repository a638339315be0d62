"""The follow-up schedule: a late invoice reaching one of the firm's steps gets
one reminder task for billing staff with the payment reminder letter, once,
however often the job runs (issue 17, item 6)."""

import datetime
import io
import threading
from decimal import Decimal

import pytest
import time_machine
from django.db import connection
from docx import Document as Docx

from firmdesk.audit.models import AuditEvent
from firmdesk.billing import receivables as ar
from firmdesk.billing import tasks
from firmdesk.billing.models import Invoice, PaymentReminder
from firmdesk.billing.rates import billing_settings
from firmdesk.documents.storage import read_plaintext
from firmdesk.jobs.schedule import default_schedule
from firmdesk.work.models import Task

from .receivables_data import billing_assistant, client_of, invoice

UTC = datetime.UTC
DUE = datetime.date(2026, 3, 2)
DAY = datetime.timedelta(days=1)


def _at_noon_in_new_york(day: datetime.date) -> datetime.datetime:
    return datetime.datetime(day.year, day.month, day.day, 17, 0, tzinfo=UTC)


def run_on(day: datetime.date) -> int:
    with time_machine.travel(_at_noon_in_new_york(day), tick=False):
        return tasks.payment_reminders_run()


@pytest.fixture
def late(firm, matter, attorney):
    billing_settings(firm)  # the defaults: 7, 30 and 60 days
    acme = client_of(firm, matter, "Acme Logistics Inc.")
    return invoice(
        firm,
        matter,
        client=acme,
        total="2500.00",
        paid="1000.00",
        due_on=DUE,
        status="partly_paid",
        number="2026-0042",
    )


def reminders(invoice_row):
    return list(
        PaymentReminder.unscoped.filter(invoice=invoice_row).order_by("days_past_due")
    )


def test_the_job_is_on_the_schedule():
    assert tasks.make_payment_reminders.module_path in default_schedule._sources


def test_nothing_before_the_first_step(late):
    assert run_on(DUE + 6 * DAY) == 0
    assert reminders(late) == []


def test_a_reminder_on_the_step_day_with_a_billing_task_and_its_letter(
    late, matter, attorney
):
    assert run_on(DUE + 7 * DAY) == 1
    (reminder,) = reminders(late)
    assert reminder.days_past_due == 7
    task = reminder.task
    assert task.function == "billing"
    assert task.matter == matter
    assert task.requester == attorney
    assert (
        task.title == "Payment reminder: invoice 2026-0042, $1,500.00 due, 7 days late"
    )
    assert "was due on March 2, 2026 and is 7 days late" in task.instructions
    assert "$1,500.00 is still unpaid of $2,500.00" in task.instructions
    assert list(task.attachments.all()) == [reminder.letter]
    letter = reminder.letter
    assert letter.matter == matter
    text = "\n".join(
        p.text
        for p in Docx(io.BytesIO(read_plaintext(letter.current_version))).paragraphs
    )
    assert "Dear Acme Logistics Inc.," in text
    assert (
        "invoice 2026-0042, issued on January 31, 2026, was due on March 2, 2026"
        in text
    )
    assert "$1,500.00 of the invoice total of $2,500.00 remains unpaid, 7 days" in text
    event = AuditEvent.objects.get(action="billing.payment_reminder_made")
    assert event.summary == "Payment reminder for invoice 2026-0042, 7 days late"


def test_running_the_job_twice_makes_nothing_twice(late):
    assert run_on(DUE + 30 * DAY) == 1
    assert run_on(DUE + 30 * DAY) == 0
    assert run_on(DUE + 31 * DAY) == 0
    assert [r.days_past_due for r in reminders(late)] == [30]
    assert Task.unscoped.filter(function="billing").count() == 1


def test_each_step_gets_its_own_reminder_as_the_invoice_stays_unpaid(late):
    for day in range(0, 70):
        run_on(DUE + day * DAY)
    assert [r.days_past_due for r in reminders(late)] == [7, 30, 60]
    assert Task.unscoped.filter(function="billing").count() == 3


def test_a_step_missed_is_not_made_up_one_reminder_for_the_latest(late):
    assert run_on(DUE + 65 * DAY) == 1
    assert run_on(DUE + 66 * DAY) == 0
    assert [r.days_past_due for r in reminders(late)] == [60]


@pytest.mark.parametrize("status", ["paid", "void"])
def test_a_paid_or_void_invoice_gets_no_more_reminders(late, status):
    run_on(DUE + 7 * DAY)
    Invoice.unscoped.filter(pk=late.pk).update(status=status)
    assert run_on(DUE + 30 * DAY) == 0
    assert [r.days_past_due for r in reminders(late)] == [7]


def test_the_firms_own_schedule_decides_the_steps(firm, late):
    settings = billing_settings(firm)
    settings.reminder_days = [15, "45", 0, -3, "soon"]
    settings.save()
    assert run_on(DUE + 14 * DAY) == 0
    assert run_on(DUE + 15 * DAY) == 1
    assert [r.days_past_due for r in reminders(late)] == [15]


def test_the_step_day_is_the_firms_own_date(late):
    # 02:00 UTC on day 7 is still day 6 in New York.
    moment = datetime.datetime(2026, 3, 9, 2, 0, tzinfo=UTC)
    with time_machine.travel(moment, tick=False):
        assert tasks.payment_reminders_run() == 0
    with time_machine.travel(moment + 5 * datetime.timedelta(hours=1), tick=False):
        assert tasks.payment_reminders_run() == 1


def test_with_an_engagement_for_billing_the_task_goes_to_its_team(
    firm, matter, provider, engagement, late
):
    clerk = billing_assistant(provider, engagement, matter)
    engagement.base_functions = [*engagement.base_functions, "billing"]
    engagement.save(update_fields=["base_functions"])
    run_on(DUE + 7 * DAY)
    task = reminders(late)[0].task
    assert task.engagement == engagement
    # Given to the billing staff member, or waiting in the team's queue for
    # one who may take it (routing's own rules: onboarding, hours, load).
    assert task.assignee == clerk or (task.assignee is None and task.needs_routing)


def test_billing_outside_the_base_price_waits_for_a_firm_admin(
    firm, matter, provider, engagement, late
):
    billing_assistant(provider, engagement, matter)
    run_on(DUE + 7 * DAY)
    task = reminders(late)[0].task
    assert task.engagement == engagement
    assert task.extra_cost == Task.ExtraCost.PENDING
    assert task.assignee is None


def test_without_an_engagement_the_task_waits_in_house_unassigned(late):
    run_on(DUE + 7 * DAY)
    task = reminders(late)[0].task
    assert task.engagement is None
    assert task.assignee is None


def test_one_firms_reminders_stay_in_that_firm(late, other_firm, other_matter):
    foreign = invoice(other_firm, other_matter, due_on=DUE, number="B-1")
    run_on(DUE + 7 * DAY)
    (mine,) = reminders(late)
    (theirs,) = reminders(foreign)
    assert mine.task.firm == mine.letter.firm == late.firm
    assert theirs.task.firm == theirs.letter.firm == other_firm
    assert theirs.task.matter == other_matter


def test_a_failing_invoice_does_not_hold_up_the_others(firm, matter, late, monkeypatch):
    other = invoice(firm, matter, due_on=DUE, number="2026-0043")
    real = ar._reminder_task

    def fail_for_42(invoice_row, letter, days):
        if invoice_row.number == "2026-0042":
            raise ar.ServiceError("no one can take it")
        return real(invoice_row, letter, days)

    monkeypatch.setattr(ar, "_reminder_task", fail_for_42)
    assert run_on(DUE + 7 * DAY) == 1
    assert reminders(late) == []  # rolled back whole: tried again next run
    assert len(reminders(other)) == 1


def test_the_unique_constraint_refuses_a_second_reminder_for_a_step(late):
    from django.db import IntegrityError, transaction

    PaymentReminder.unscoped.create(firm=late.firm, invoice=late, days_past_due=7)
    with pytest.raises(IntegrityError), transaction.atomic():
        PaymentReminder.unscoped.create(firm=late.firm, invoice=late, days_past_due=7)


def test_reminder_make_twice_for_the_same_step_makes_one(late):
    today = DUE + 7 * DAY
    assert ar.reminder_make(invoice_id=late.pk, step=7, today=today) is not None
    assert ar.reminder_make(invoice_id=late.pk, step=7, today=today) is None
    assert len(reminders(late)) == 1


@pytest.mark.django_db(transaction=True)
@pytest.mark.skipif(connection.vendor != "postgresql", reason="PostgreSQL only")
def test_two_concurrent_runs_make_one_reminder_on_postgresql(firm, matter, attorney):
    billing_settings(firm)
    row = invoice(firm, matter, due_on=DUE, number="2026-0099")
    barrier = threading.Barrier(2)
    results = []

    def run():
        try:
            barrier.wait()
            results.append(run_on(DUE + 7 * DAY))
        finally:
            connection.close()

    threads = [threading.Thread(target=run) for _ in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert sorted(results) == [0, 1]
    assert len(reminders(row)) == 1
    assert Task.unscoped.filter(function="billing").count() == 1
    assert Decimal(row.total) == Decimal("1000.00")


def test_an_unexpected_failure_is_logged_and_the_others_still_get_theirs(
    firm, matter, late, monkeypatch, caplog
):
    other = invoice(firm, matter, due_on=DUE, number="2026-0044")
    real = ar._store_letter

    def broken_for_42(invoice_row, content, step):
        if invoice_row.number == "2026-0042":
            raise OSError("disk full")
        return real(invoice_row, content, step)

    monkeypatch.setattr(ar, "_store_letter", broken_for_42)
    assert run_on(DUE + 7 * DAY) == 1
    assert reminders(late) == []
    assert len(reminders(other)) == 1
    assert "Payment reminder for invoice" in caplog.text
