"""The receivables pages: the ageing report with its drill-down and CSV, and an
invoice's collection page with reminders, letters and notes."""

import csv
import datetime
import io

import pytest
import time_machine
from django.urls import reverse

from firmdesk.audit.models import AuditEvent
from firmdesk.billing import receivables as ar
from firmdesk.billing.models import CollectionNote
from firmdesk.billing.rates import billing_settings
from firmdesk.matters.models import MatterScreen
from tests import factories as f
from tests.billing.receivables_data import billing_assistant, client_of, invoice

DUE = datetime.date(2026, 3, 2)
TODAY = datetime.date(2026, 4, 16)  # 45 days after DUE
NOON = datetime.datetime(2026, 4, 16, 16, 0, tzinfo=datetime.UTC)


@pytest.fixture(autouse=True)
def clock():
    with time_machine.travel(NOON, tick=False):
        yield


@pytest.fixture
def books(firm, matter):
    billing_settings(firm)
    acme = client_of(firm, matter, "Acme Logistics Inc.")
    other = f.MatterFactory(firm=firm, number="M-2026-002", title="Acme lease")
    return {
        "late": invoice(
            firm,
            matter,
            client=acme,
            total="2500.00",
            paid="1000.00",
            status="partly_paid",
            due_on=DUE,
            number="2026-0042",
        ),
        "recent": invoice(
            firm, matter, client=acme, total="300.00", due_on=TODAY, number="2026-0050"
        ),
        "lease": invoice(
            firm,
            other,
            client=acme,
            total="1234.56",
            due_on=TODAY - datetime.timedelta(days=95),
            number="2026-0007",
        ),
    }


def test_the_ageing_report_shows_each_bucket_per_client_and_matter(
    client, firm, attorney, books, django_assert_max_num_queries
):
    f.sign_in(client, attorney)
    url = reverse("billing:receivables", args=[firm.slug])
    with django_assert_max_num_queries(12):
        page = client.get(url)
    body = page.content.decode()
    assert page.status_code == 200
    assert "as of Apr 16, 2026" in body
    assert 'value="2026-04-16"' in body  # the as-of field shows the day used
    assert "Acme Logistics Inc." in body
    assert "M-2026-001 Lopez v. Acme" in body
    assert "$1,500.00" in body  # 31–60 days: the partly paid invoice
    assert "$300.00" in body  # current
    assert "$1,234.56" in body  # over 90
    assert "$3,034.56" in body  # all clients
    assert 'href="/f/hale-ortiz/billing/"' in body  # back to the billing home


def test_a_matter_drills_down_to_its_invoices_with_days_late(
    client, firm, attorney, matter, books
):
    f.sign_in(client, attorney)
    url = reverse("billing:receivables", args=[firm.slug])
    body = client.get(url, {"matter": str(matter.public_id)}).content.decode()
    assert "Open invoices of M-2026-001 Lopez v. Acme" in body
    late = reverse(
        "billing:receivables_invoice", args=[firm.slug, books["late"].public_id]
    )
    assert f'href="{late}"' in body
    assert '<td class="text-end">45</td><td>31–60 days</td>' in body
    assert "Not yet due" in body
    assert "2026-0007" not in body.split("Open invoices of")[1]


def test_an_earlier_as_of_date_ages_the_same_invoices_less(
    client, firm, attorney, books
):
    f.sign_in(client, attorney)
    url = reverse("billing:receivables_csv", args=[firm.slug])
    rows = list(
        csv.reader(
            io.StringIO(client.get(url, {"as_of": "2026-03-02"}).content.decode())
        )
    )
    # On its due day the partly paid invoice is current; the lease invoice is
    # 50 days late; the 300.00 invoice was not issued yet.
    assert rows[-1] == [
        "All clients",
        "",
        "1500.00",
        "0.00",
        "1234.56",
        "0.00",
        "0.00",
        "2734.56",
        "2",
    ]
    page = client.get(
        reverse("billing:receivables", args=[firm.slug]), {"as_of": "2026-03-02"}
    )
    assert "as of Mar 2, 2026" in page.content.decode()


def test_an_unreadable_date_says_so_and_shows_today(client, firm, attorney, books):
    f.sign_in(client, attorney)
    url = reverse("billing:receivables", args=[firm.slug])
    body = client.get(url, {"as_of": "last tuesday"}).content.decode()
    assert "Enter the date as a day" in body
    assert "Showing today instead." in body
    assert 'value="last tuesday"' in body
    assert "as of Apr 16, 2026" in body


def test_the_csv_has_the_same_table_as_plain_numbers_and_is_audited(
    client, firm, attorney, books
):
    f.sign_in(client, attorney)
    url = reverse("billing:receivables_csv", args=[firm.slug])
    response = client.get(url)
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert "hale-ortiz-ageing-2026-04-16.csv" in response["Content-Disposition"]
    rows = list(csv.reader(io.StringIO(response.content.decode())))
    assert rows[0] == [
        "Client",
        "Matter",
        "Current (not yet due)",
        "1–30 days",
        "31–60 days",
        "61–90 days",
        "Over 90 days",
        "Total",
        "Invoices",
    ]
    assert rows[1] == [
        "Acme Logistics Inc.",
        "M-2026-001 Lopez v. Acme",
        "300.00",
        "0.00",
        "1500.00",
        "0.00",
        "0.00",
        "1800.00",
        "2",
    ]
    assert rows[-1] == [
        "All clients",
        "",
        "300.00",
        "0.00",
        "1500.00",
        "0.00",
        "1234.56",
        "3034.56",
        "3",
    ]
    assert AuditEvent.objects.filter(action="billing.ageing_exported").count() == 1


def test_the_empty_report_says_what_shows_here(client, firm, attorney):
    f.sign_in(client, attorney)
    body = client.get(reverse("billing:receivables", args=[firm.slug])).content
    assert b"Nothing is owed on the invoices you can see" in body


def _collection(firm, row):
    return reverse("billing:receivables_invoice", args=[firm.slug, row.public_id])


def test_the_collection_page_shows_balance_days_late_reminders_and_letters(
    client, firm, attorney, books
):
    late = books["late"]
    reminder = ar.reminder_make(invoice_id=late.pk, step=30, today=TODAY)
    f.sign_in(client, attorney)
    body = client.get(_collection(firm, late)).content.decode()
    assert "45 days late" in body
    assert "$1,500.00" in body and "$2,500.00" in body and "$1,000.00" in body
    assert "30 days past due" in body
    task_url = reverse("work:task_detail", args=[firm.slug, reminder.task.public_id])
    assert f'href="{task_url}"' in body
    letter_url = reverse(
        "billing:receivables_letter",
        args=[firm.slug, late.public_id, reminder.public_id],
    )
    assert f'href="{letter_url}"' in body
    download = client.get(letter_url)
    assert download.status_code == 200
    assert b"".join(download.streaming_content).startswith(b"PK")
    assert AuditEvent.objects.filter(
        action="billing.invoice_collection_viewed"
    ).exists()


def test_a_note_is_added_and_listed_newest_first(client, firm, attorney, books):
    late = books["late"]
    f.sign_in(client, attorney)
    add = reverse("billing:receivables_note_add", args=[firm.slug, late.public_id])
    first = client.post(add, {"text": "Left a voicemail with AP."})
    assert first.status_code == 303
    assert first.url == _collection(firm, late) + "#notes"
    client.post(add, {"text": "Promised by May 1.", "next_step_on": "2026-05-01"})
    body = client.get(_collection(firm, late)).content.decode()
    assert body.index("Promised by May 1.") < body.index("Left a voicemail")
    assert "next step May 1, 2026" in body


def test_a_bad_note_comes_back_with_what_to_fix_and_what_was_typed(
    client, firm, attorney, books
):
    late = books["late"]
    f.sign_in(client, attorney)
    add = reverse("billing:receivables_note_add", args=[firm.slug, late.public_id])
    page = client.post(add, {"text": "Call again", "next_step_on": "2026-04-01"})
    assert page.status_code == 422
    body = page.content.decode()
    assert "The next step date has already passed" in body
    assert "Call again" in body
    assert 'value="2026-04-01"' in body
    empty = client.post(add, {"text": ""})
    assert "Fill in “What was done or agreed”." in empty.content.decode()
    assert not CollectionNote.unscoped.exists()


def test_outside_staff_without_billing_get_404_and_add_nothing(
    client, firm, assistant, books
):
    late = books["late"]
    f.sign_in(client, assistant)
    add = reverse("billing:receivables_note_add", args=[firm.slug, late.public_id])
    assert client.post(add, {"text": "Sneaky"}).status_code == 404
    assert client.get(_collection(firm, late)).status_code == 404
    assert not CollectionNote.unscoped.exists()


def test_outside_billing_staff_work_the_invoices_of_their_matters(
    client, firm, matter, provider, engagement, books
):
    clerk = billing_assistant(provider, engagement, matter)
    f.sign_in(client, clerk)
    body = client.get(reverse("billing:receivables", args=[firm.slug])).content
    assert b"M-2026-001" in body
    assert b"M-2026-002" not in body  # not granted to them
    assert client.get(_collection(firm, books["lease"])).status_code == 404
    add = reverse(
        "billing:receivables_note_add", args=[firm.slug, books["late"].public_id]
    )
    assert client.post(add, {"text": "Sent the letter."}).status_code == 303


def test_a_draft_invoice_has_no_collection_page(client, firm, matter, attorney):
    draft = invoice(firm, matter, status="draft")
    f.sign_in(client, attorney)
    assert client.get(_collection(firm, draft)).status_code == 404


def test_a_screened_matter_leaves_no_trace_in_the_report_csv_or_invoice(
    client, firm, attorney, firm_admin, books
):
    walled = f.MatterFactory(firm=firm, number="M-2026-077", title="Quarry Holdings")
    quarry = client_of(firm, walled, "Quentin Marlowe")
    hidden = invoice(firm, walled, client=quarry, total="777.00", due_on=DUE)
    MatterScreen.unscoped.create(firm=firm, matter=walled, user=attorney)
    f.sign_in(client, attorney)
    page = client.get(reverse("billing:receivables", args=[firm.slug]))
    download = client.get(reverse("billing:receivables_csv", args=[firm.slug]))
    drill = client.get(
        reverse("billing:receivables", args=[firm.slug]),
        {"matter": str(walled.public_id)},
    )
    for body in (page.content, download.content, drill.content):
        for marker in (b"M-2026-077", b"Quarry", b"Quentin Marlowe", b"777.00"):
            assert marker not in body
    assert client.get(_collection(firm, hidden)).status_code == 404
    f.sign_in(client, firm_admin)
    assert (
        b"Quentin Marlowe"
        in client.get(reverse("billing:receivables", args=[firm.slug])).content
    )
