"""The billing routes: the approved-time pull, recording time and expenses,
invoices with their LEDES file and PDF, and payments."""

import datetime
import io
from decimal import Decimal

import pytest
from django.urls import reverse
from pypdf import PdfReader

from firmdesk.audit.models import AuditEvent
from firmdesk.billing.models import ClientBillingTerms, Invoice, TimeEntry
from tests import factories as f
from tests.billing.invoice_rows import client_of, entry
from tests.billing.ledes_rows import D, fee, ledes_invoice
from tests.billing.receivables_data import invoice as sent_invoice

from .helpers import Api, token_for

REVIEWED = TimeEntry.Status.REVIEWED


def _url(name, firm, **kwargs):
    return reverse(f"api:{name}", kwargs={"firm_slug": firm.slug, **kwargs})


def _invoice_url(name, invoice, **kwargs):
    return _url(name, invoice.firm, invoice_id=invoice.public_id, **kwargs)


# --- Time: the approved-time pull ----------------------------------------------


def test_approved_time_pull_gives_reviewed_time_changed_since_the_last_pull(
    firm, attorney, firm_staff, matter, other_firm, other_matter, outsider
):
    approved = entry(firm, matter, attorney, hours="2.00")
    entry(firm, matter, firm_staff, status=TimeEntry.Status.SUBMITTED)
    entry(other_firm, other_matter, outsider)
    older = entry(firm, matter, firm_staff, day=datetime.date(2026, 1, 2))
    since = datetime.datetime(2026, 6, 1, tzinfo=datetime.UTC)
    TimeEntry.unscoped.filter(pk=older.pk).update(
        updated_at=since - datetime.timedelta(days=1)
    )
    api = Api(token_for(attorney, firm))

    query = {"status": "approved", "updated_after": since.isoformat()}
    body = api.get(_url("list_time_entries", firm), {**query, "order": "updated"})

    assert body.status_code == 200, body.content
    items = body.json()["items"]
    assert [i["id"] for i in items] == [str(approved.public_id)]
    assert items[0]["hours"] == "2.00" and items[0]["amount"] == "600.00"
    assert items[0]["status"] == "reviewed"
    assert items[0]["matter"]["number"] == matter.number


def test_person_me_and_dates_narrow_the_list(firm, attorney, firm_staff, matter):
    mine = entry(firm, matter, attorney, day=datetime.date(2026, 1, 10))
    entry(firm, matter, attorney, day=datetime.date(2026, 2, 10))
    entry(firm, matter, firm_staff, day=datetime.date(2026, 1, 10))
    api = Api(token_for(attorney, firm))
    query = {
        "person": "me",
        "worked_after": "2026-01-01",
        "worked_before": "2026-01-31",
    }
    items = api.get(_url("list_time_entries", firm), query).json()["items"]
    assert [i["id"] for i in items] == [str(mine.public_id)]
    wrong = api.get(_url("list_time_entries", firm), {"person": "owen"})
    assert wrong.status_code == 422 and "person" in wrong.json()["fields"]


def test_provider_staff_without_billing_see_their_own_time_and_no_rates(
    firm, attorney, assistant, matter
):
    own = entry(firm, matter, assistant)
    entry(firm, matter, attorney)
    items = (
        Api(token_for(assistant, firm))
        .get(_url("list_time_entries", firm))
        .json()["items"]
    )
    assert [i["id"] for i in items] == [str(own.public_id)]
    assert items[0]["rate"] is None and items[0]["amount"] is None


# --- Recording time and expenses --------------------------------------------------


def _time(matter, **fields):
    return {
        "matter": str(matter.public_id),
        "date": "2026-11-16",
        "hours": "1.5",
        "narrative": "Draft motion to compel",
        "task_code": "L350",
        "activity_code": "A103",
        **fields,
    }


def test_recording_time_makes_a_draft_of_ones_own_time_audited(firm, attorney, matter):
    api = Api(token_for(attorney, firm))
    response = api.post(_url("create_time_entry", firm), _time(matter))
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["status"] == "draft" and body["hours"] == "1.50"
    assert body["timekeeper"]["email"] == attorney.email
    created = TimeEntry.objects.for_firm(firm).get(public_id=body["id"])
    assert created.timekeeper == attorney and created.matter == matter
    assert AuditEvent.objects.filter(
        org=firm, action="time_entry.created", actor=attorney
    ).exists()


def test_an_unknown_utbms_code_is_refused_naming_the_field(firm, attorney, matter):
    api = Api(token_for(attorney, firm))
    response = api.post(
        _url("create_time_entry", firm), _time(matter, task_code="L999")
    )
    assert response.status_code == 422
    assert "task code" in response.json()["fields"]["task_code"][0]
    assert not TimeEntry.objects.for_firm(firm).exists()


def test_submitting_at_once_checks_the_clients_rules_and_saves_nothing_on_failure(
    firm, attorney, matter
):
    client = client_of(firm, matter)
    ClientBillingTerms.unscoped.create(firm=firm, client=client, requires_utbms=True)
    api = Api(token_for(attorney, firm))
    bare = _time(matter, task_code="", activity_code="", submit=True)
    refused = api.post(_url("create_time_entry", firm), bare)
    assert refused.status_code == 422
    assert "UTBMS" in refused.json()["message"]
    assert not TimeEntry.objects.for_firm(firm).exists()
    done = api.post(_url("create_time_entry", firm), _time(matter, submit=True))
    assert done.status_code == 201 and done.json()["status"] == "submitted"


def test_time_on_a_matter_the_token_cannot_open_is_a_field_error(
    firm, matter, ungranted_assistant
):
    api = Api(token_for(ungranted_assistant, firm))
    response = api.post(_url("create_time_entry", firm), _time(matter))
    assert response.status_code == 422
    assert "matter" in response.json()["fields"]


def test_recording_an_expense_and_listing_it(firm, firm_staff, matter):
    api = Api(token_for(firm_staff, firm))
    response = api.post(
        _url("create_expense", firm),
        {
            "matter": str(matter.public_id),
            "date": "2026-11-16",
            "description": "Court filing fee",
            "quantity": "2",
            "unit_cost": "202.50",
            "expense_code": "e112",
        },
    )
    assert response.status_code == 201, response.content
    assert response.json()["amount"] == "405.00"
    assert response.json()["expense_code"] == "E112"
    items = api.get(_url("list_expenses", firm), {"person": "me"}).json()["items"]
    assert [i["id"] for i in items] == [response.json()["id"]]
    empty = api.post(
        _url("create_expense", firm),
        {"matter": str(matter.public_id), "date": "2026-11-16", "description": " "}
        | {"unit_cost": "1"},
    )
    assert empty.status_code == 422 and "description" in empty.json()["fields"]


# --- Invoices --------------------------------------------------------------------


def test_invoices_are_listed_by_status_for_billing_people_only(
    firm, attorney, assistant, matter
):
    sent = sent_invoice(firm, matter, number="HO-1001")
    sent_invoice(firm, matter, number="HO-1002", status=Invoice.Status.PAID)
    api = Api(token_for(attorney, firm))
    items = api.get(_url("list_invoices", firm), {"status": "sent"}).json()["items"]
    assert [i["number"] for i in items] == [sent.number]
    assert items[0]["balance"] == "1000.00"
    issued = api.get(
        _url("list_invoices", firm),
        {"issued_after": "2026-01-30", "issued_before": "2026-01-30"},
    ).json()["items"]
    assert {i["number"] for i in issued} == {"HO-1001", "HO-1002"}
    assert (
        Api(token_for(assistant, firm)).get(_url("list_invoices", firm)).status_code
        == 404
    )


def test_an_invoice_reads_with_its_lines_and_is_audited(firm, attorney, matter):
    invoice = ledes_invoice(matter)
    response = Api(token_for(attorney, firm)).get(_invoice_url("get_invoice", invoice))
    assert response.status_code == 200
    body = response.json()
    assert [line["kind"] for line in body["lines"]] == ["F", "F", "E", "IF"]
    assert body["total"] == str(invoice.total)
    assert body["ledes_url"].endswith("/ledes")
    assert AuditEvent.objects.filter(
        org=firm, action="invoice.viewed", actor=attorney
    ).exists()


def test_ledes_is_the_same_file_as_the_pages_and_parses_line_by_line(
    client, firm, attorney, matter
):
    invoice = ledes_invoice(matter)
    response = Api(token_for(attorney, firm)).get(
        _invoice_url("get_invoice_ledes", invoice)
    )
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/plain")
    f.sign_in(client, attorney)
    page = client.get(
        reverse("billing:invoice_ledes", args=[firm.slug, invoice.public_id])
    )
    assert response.content == page.content

    lines = response.content.decode("ascii").split("\r\n")
    assert lines[0] == "LEDES1998B[]"
    header = lines[1].removesuffix("[]").split("|")
    rows = [
        dict(zip(header, line.removesuffix("[]").split("|"), strict=True))
        for line in lines[2:]
        if line
    ]
    assert len(rows) == 4
    assert {r["INVOICE_NUMBER"] for r in rows} == {invoice.number}
    assert [r["EXP/FEE/INV_ADJ_TYPE"] for r in rows] == ["F", "F", "E", "IF"]
    exported = AuditEvent.objects.filter(
        org=firm, action="invoice.ledes_exported", actor=attorney
    )
    assert exported.count() == 2  # the API's and the page's
    assert any("API" in e.summary for e in exported)


def test_ledes_problems_answer_422_naming_each_field_to_correct(firm, attorney, matter):
    invoice = ledes_invoice(
        matter,
        law_firm_id="",
        lines=[fee("Draft motion", D("1.00"), D("300.00"), task_code="L999")],
    )
    response = Api(token_for(attorney, firm)).get(
        _invoice_url("get_invoice_ledes", invoice)
    )
    assert response.status_code == 422
    fields = response.json()["fields"]
    assert "billing settings" in fields["LAW_FIRM_ID"][0]
    assert "L999" in fields["LINE_ITEM_TASK_CODE"][0]
    assert not AuditEvent.objects.filter(action="invoice.ledes_exported").exists()


def test_the_pdf_opens_in_a_pdf_reader_and_names_the_invoice(firm, attorney, matter):
    invoice = ledes_invoice(matter)
    response = Api(token_for(attorney, firm)).get(
        _invoice_url("get_invoice_pdf", invoice)
    )
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    text = "".join(
        p.extract_text() for p in PdfReader(io.BytesIO(response.content)).pages
    )
    assert invoice.number in text
    assert AuditEvent.objects.filter(
        org=firm, action="invoice.pdf_downloaded", actor=attorney
    ).exists()


# --- Payments ----------------------------------------------------------------------


def test_a_payment_is_recorded_and_listed_and_more_than_owed_is_refused(
    firm, attorney, matter
):
    invoice = sent_invoice(firm, matter, total="1000.00")
    api = Api(token_for(attorney, firm))
    paid = api.post(
        _invoice_url("create_invoice_payment", invoice),
        {
            "amount": "400.00",
            "received_on": "2026-03-05",
            "method": "check",
            "reference": "1042",
        },
    )
    assert paid.status_code == 201, paid.content
    invoice.refresh_from_db()
    assert invoice.status == Invoice.Status.PARTLY_PAID
    assert invoice.paid == Decimal("400.00")

    too_much = api.post(
        _invoice_url("create_invoice_payment", invoice),
        {"amount": "600.01", "received_on": "2026-03-06"},
    )
    assert too_much.status_code == 422
    assert "600.00" in too_much.json()["fields"]["amount"][0]

    items = api.get(_invoice_url("list_invoice_payments", invoice)).json()["items"]
    assert [(i["amount"], i["reference"]) for i in items] == [("400.00", "1042")]


@pytest.mark.parametrize("status", [Invoice.Status.DRAFT, Invoice.Status.PAID])
def test_payments_go_only_on_sent_invoices_not_fully_paid(
    firm, attorney, matter, status
):
    invoice = sent_invoice(firm, matter, status=status)
    response = Api(token_for(attorney, firm)).post(
        _invoice_url("create_invoice_payment", invoice),
        {"amount": "10.00", "received_on": "2026-03-05"},
    )
    assert response.status_code == 422
    assert "sent" in response.json()["message"]


def test_an_expense_larger_than_the_books_hold_is_refused_not_an_error(
    firm, firm_staff, matter
):
    response = Api(token_for(firm_staff, firm)).post(
        _url("create_expense", firm),
        {
            "matter": str(matter.public_id),
            "date": "2026-11-16",
            "description": "Copies",
            "quantity": "1e20",
            "unit_cost": "0.10",
        },
    )
    assert response.status_code == 422
    assert "quantity" in response.json()["fields"]
