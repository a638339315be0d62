"""The time and expense pages: My time with its week and timer, everyone's time
for billing people, logging time on a task page, expenses with receipts."""

import datetime
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse

from firmdesk.access.scope import resolve_scope
from firmdesk.billing import time_entries as services
from firmdesk.billing.models import Expense, TimeEntry
from firmdesk.billing.rates import billing_settings
from firmdesk.billing.time_entries import EntryFields
from firmdesk.work.models import Task
from tests import factories as f

PDF = b"%PDF-1.7\n%%EOF\n"
MONDAY = datetime.date(2026, 11, 16)


@pytest.fixture(autouse=True)
def media_root(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture
def noon_tuesday(time_machine):
    time_machine.move_to(
        datetime.datetime(2026, 11, 17, 17, 0, tzinfo=datetime.UTC), tick=False
    )


def signed_in(user):
    return f.sign_in(Client(), user)


def url(name, firm, *args):
    return reverse(f"billing:{name}", args=[firm.slug, *args])


def record(user, firm, matter, hours, day=MONDAY, **more):
    return services.time_entry_create(
        scope=resolve_scope(user, firm),
        fields=EntryFields(date=day, hours=Decimal(hours), matter=matter, **more),
    )


def test_my_time_shows_the_week_with_day_totals(noon_tuesday, firm, matter, attorney):
    record(attorney, firm, matter, "1.5", narrative="Draft the complaint")
    record(attorney, firm, matter, "0.7", narrative="Call with client")
    record(attorney, firm, matter, "2", day=MONDAY + datetime.timedelta(days=1))
    record(attorney, firm, matter, "9", day=MONDAY - datetime.timedelta(days=7))
    page = signed_in(attorney).get(url("my_time", firm)).content.decode()
    assert "Draft the complaint" in page and "Call with client" in page
    assert "2.2 h" in page  # Monday
    assert "4.2 h in all" in page  # last week's 9 h left out
    assert "Start the timer" in page


def test_the_timer_runs_on_the_page_and_stopping_it_makes_an_entry(
    time_machine, settings, firm, matter, attorney
):
    # 44 minutes pass with no request; the idle sign-out (issue 20) is not
    # what this test is about.
    settings.FIRMDESK_IDLE_MINUTES = 60
    start = datetime.datetime(2026, 11, 17, 15, 0, tzinfo=datetime.UTC)
    time_machine.move_to(start, tick=False)
    client = signed_in(attorney)
    client.post(
        url("timer_start", firm),
        {"matter": str(matter.public_id), "narrative": "Prepare for the hearing"},
    )
    timer = TimeEntry.unscoped.get(timekeeper=attorney)
    page = client.get(url("my_time", firm)).content.decode()
    assert "Running since" in page and "Prepare for the hearing" in page
    assert "Stop the timer" in page
    time_machine.move_to(start + datetime.timedelta(minutes=44))
    response = client.post(url("timer_stop", firm, timer.public_id))
    assert response.status_code == 303
    assert response["Location"] == url("entry_edit", firm, timer.public_id)
    timer.refresh_from_db()
    assert (timer.minutes, timer.hours, timer.timer_started_at) == (
        44,
        Decimal("0.80"),
        None,
    )


def test_a_second_timer_is_refused_with_a_plain_message(firm, matter, attorney):
    client = signed_in(attorney)
    data = {"matter": str(matter.public_id)}
    client.post(url("timer_start", firm), data)
    page = client.post(url("timer_start", firm), data, follow=True).content.decode()
    assert "Your timer is already running" in page
    assert TimeEntry.unscoped.count() == 1


def test_bad_hours_are_explained_and_what_was_typed_is_kept(firm, matter, attorney):
    response = signed_in(attorney).post(
        url("entry_new", firm),
        {
            "matter": str(matter.public_id),
            "date": "2026-11-16",
            "hours": "30",
            "narrative": "Review and revise the settlement agreement",
        },
    )
    page = response.content.decode()
    assert response.status_code == 200
    assert "A day has 24 hours: enter at most 24." in page
    assert "Review and revise the settlement agreement" in page
    assert not TimeEntry.unscoped.exists()


def test_recording_and_submitting_an_entry(firm, matter, attorney):
    response = signed_in(attorney).post(
        url("entry_new", firm),
        {
            "matter": str(matter.public_id),
            "date": "2026-11-16",
            "hours": "1.2",
            "task_code": "L210",
            "activity_code": "A103",
            "narrative": "Draft the answer",
            "billable": "on",
            "then": "submit",
        },
    )
    assert response.status_code == 303
    entry = TimeEntry.unscoped.get()
    assert (entry.hours, entry.status, entry.task_code) == (
        Decimal("1.20"),
        "submitted",
        "L210",
    )


def test_the_form_says_when_the_client_requires_codes(firm, matter, attorney):
    from firmdesk.billing.models import ClientBillingTerms
    from firmdesk.matters.models import Contact, MatterParty

    entry = record(attorney, firm, matter, "1")
    client_row = Contact.unscoped.create(firm=firm, kind="organization", name="Acme")
    MatterParty.unscoped.create(
        firm=firm, matter=matter, contact=client_row, role="client"
    )
    edit = url("entry_edit", firm, entry.public_id)
    assert (
        "requires a UTBMS task code"
        not in signed_in(attorney)
        .get(url("entry_edit", firm, entry.public_id))
        .content.decode()
    )
    ClientBillingTerms.unscoped.create(
        firm=firm, client=client_row, requires_utbms=True
    )
    page = signed_in(attorney).get(edit).content.decode()
    assert "This client requires a UTBMS task code and activity code" in page
    assert "L310 — Written Discovery" in page


def test_outside_staff_are_told_their_time_shows_as_outside_work(
    firm, matter, assistant
):
    client = signed_in(assistant)
    note = "Outside staff — shown on the invoice as work by outside staff"
    assert note not in client.get(url("my_time", firm)).content.decode()
    settings = billing_settings(firm)
    settings.bill_outside_staff_time = True
    settings.save()
    assert note in client.get(url("my_time", firm)).content.decode()


def test_all_time_filters_by_timekeeper_and_status(firm, matter, attorney, firm_admin):
    record(attorney, firm, matter, "1", narrative="Owen's drafting")
    mine = record(firm_admin, firm, matter, "2", narrative="Admin's review")
    services.time_entry_submit(scope=resolve_scope(firm_admin, firm), entry=mine)
    client = signed_in(firm_admin)
    page = client.get(url("time_all", firm)).content.decode()
    assert "Owen&#x27;s drafting" in page and "Admin&#x27;s review" in page
    page = client.get(
        url("time_all", firm), {"timekeeper": str(attorney.public_id)}
    ).content.decode()
    assert "Owen&#x27;s drafting" in page and "Admin&#x27;s review" not in page
    page = client.get(url("time_all", firm), {"status": "submitted"}).content.decode()
    assert "Owen&#x27;s drafting" not in page and "Admin&#x27;s review" in page


def test_the_menu_shows_time_to_everyone_and_billing_to_billing_people(
    firm, matter, attorney, assistant
):
    billing = url("home", firm)
    menu_link = f'href="{billing}"'
    staff_page = signed_in(assistant).get(url("my_time", firm)).content.decode()
    assert url("my_time", firm) in staff_page and menu_link not in staff_page
    page = signed_in(attorney).get(billing).content.decode()
    assert menu_link in page
    assert url("time_all", firm) in page and url("expense_list", firm) in page


def test_logging_time_on_the_task_page_makes_an_entry_listed_there(
    firm, matter, assistant
):
    task = f.task(firm, matter=matter, assignee=assistant, title="Mail the notice")
    client = signed_in(assistant)
    task_url = reverse("work:task_detail", args=[firm.slug, task.public_id])
    client.post(
        reverse("work:task_action", args=[firm.slug, task.public_id, "log_time"]),
        {"revision": task.revision, "minutes": "35", "narrative": "Mailed it"},
    )
    task.refresh_from_db()
    entry = TimeEntry.unscoped.get(task=task)
    assert (task.minutes_logged, entry.minutes, entry.timekeeper) == (
        35,
        35,
        assistant,
    )
    page = client.get(task_url).content.decode()
    assert "Mailed it" in page and "Time logged on this task" in page
    assert Task.unscoped.get(pk=task.pk).minutes_logged == 35


def test_an_expense_with_its_receipt_is_listed_and_the_receipt_downloads(
    firm, matter, attorney
):
    client = signed_in(attorney)
    response = client.post(
        url("expense_new", firm),
        {
            "matter": str(matter.public_id),
            "date": "2026-11-16",
            "description": "Court filing fee",
            "expense_code": "E112",
            "quantity": "1",
            "unit_cost": "405",
            "billable": "on",
            "receipt": SimpleUploadedFile("fee.pdf", PDF),
        },
    )
    assert response.status_code == 303
    expense = Expense.unscoped.get()
    page = client.get(url("expense_list", firm)).content.decode()
    assert "Court filing fee" in page and "$405.00" in page
    download = client.get(url("expense_receipt", firm, expense.public_id))
    assert download.status_code == 200
    assert b"".join(download.streaming_content) == PDF


def test_an_expense_cost_with_a_dollar_sign_is_explained(firm, matter, attorney):
    page = (
        signed_in(attorney)
        .post(
            url("expense_new", firm),
            {
                "matter": str(matter.public_id),
                "date": "2026-11-16",
                "description": "Courier",
                "quantity": "1",
                "unit_cost": "$40",
            },
        )
        .content.decode()
    )
    assert "without $" in page and "Courier" in page
    assert not Expense.unscoped.exists()


def test_provider_staff_without_billing_see_only_their_own_expenses(
    firm, matter, attorney, assistant
):
    services.expense_create(
        scope=resolve_scope(attorney, firm),
        fields=services.ExpenseFields(
            date=MONDAY,
            matter=matter,
            description="Owen's courier",
            unit_cost=Decimal("40"),
        ),
    )
    page = signed_in(assistant).get(url("expense_list", firm)).content.decode()
    assert "Owen&#x27;s courier" not in page
    assert "No expenses yet" in page


def test_my_time_costs_a_fixed_number_of_queries(
    noon_tuesday, firm, matter, attorney, django_assert_max_num_queries
):
    for _ in range(15):
        record(attorney, firm, matter, "0.5")
    client = signed_in(attorney)
    client.get(url("my_time", firm))
    with django_assert_max_num_queries(30):
        client.get(url("my_time", firm))


def test_a_timer_started_on_the_task_page_adds_to_the_tasks_time(
    time_machine, firm, matter, assistant, attorney
):
    start = datetime.datetime(2026, 11, 17, 15, 0, tzinfo=datetime.UTC)
    time_machine.move_to(start, tick=False)
    task = f.task(firm, matter=matter, assignee=assistant, title="Mail the notice")
    client = signed_in(assistant)
    task_url = reverse("work:task_detail", args=[firm.slug, task.public_id])
    assert "Or start a timer on this task" in client.get(task_url).content.decode()
    client.post(url("timer_start", firm), {"task": str(task.public_id)})
    timer = TimeEntry.unscoped.get(task=task)
    assert timer.matter == matter and timer.timer_started_at == start
    time_machine.move_to(start + datetime.timedelta(minutes=12))
    client.post(url("timer_stop", firm, timer.public_id))
    assert Task.unscoped.get(pk=task.pk).minutes_logged == 12
    # Someone else may not time the assistant's task.
    page = (
        signed_in(attorney)
        .post(url("timer_start", firm), {"task": str(task.public_id)}, follow=True)
        .content.decode()
    )
    assert "Only the person the task is given to can time it." in page
    assert TimeEntry.unscoped.filter(timekeeper=attorney).count() == 0


def test_all_time_costs_the_same_queries_for_many_rows_on_tasks(
    firm, matter, assistant, firm_admin, django_assert_max_num_queries
):
    def log(n):
        for _ in range(n):
            task = f.task(firm, matter=matter, assignee=assistant)
            services.time_log_on_task(
                scope=resolve_scope(assistant, firm),
                task=task,
                revision=task.revision,
                minutes=10,
            )

    client = signed_in(firm_admin)
    log(2)
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as few:
        client.get(url("time_all", firm))
    log(10)
    with django_assert_max_num_queries(len(few)):
        page = client.get(url("time_all", firm)).content.decode()
    assert page.count("Time logged on task") == 12
