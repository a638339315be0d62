"""The LEDES download of an invoice: a checked file for billing people, or a
page that says in plain words what to correct; audited as an export."""

import pytest
from django.template.loader import render_to_string
from django.urls import reverse

from firmdesk.audit.models import AuditEvent
from firmdesk.billing.ledes import parse, validate
from firmdesk.billing.models import Invoice
from tests import factories as f
from tests.billing.ledes_rows import D, billing_assistant, fee, ledes_invoice


def _url(invoice):
    return reverse(
        "billing:invoice_ledes",
        kwargs={"firm_slug": invoice.firm.slug, "invoice_id": invoice.public_id},
    )


def test_attorney_downloads_a_file_that_passes_the_validator(client, matter, attorney):
    invoice = ledes_invoice(matter)
    f.sign_in(client, attorney)

    response = client.get(_url(invoice))

    assert response.status_code == 200
    assert response["Content-Type"] == "text/plain; charset=us-ascii"
    assert response["Content-Disposition"] == (
        'attachment; filename="LEDES-INV-0042.ledes.txt"'
    )
    text = response.content.decode("ascii")
    assert validate(text) == []
    assert parse(text)[0].total == invoice.total
    event = AuditEvent.objects.get(action="invoice.ledes_exported")
    assert event.actor == attorney
    assert (
        event.summary
        == "Exported invoice INV-0042 as LEDES 1998B from the invoice page"
    )


def test_provider_staff_who_do_billing_download_it_too(
    client, provider, engagement, matter
):
    invoice = ledes_invoice(matter)
    f.sign_in(client, billing_assistant(provider, engagement, matter))

    response = client.get(_url(invoice))

    assert response.status_code == 200
    assert response.content.startswith(b"LEDES1998B[]\r\n")


def test_problems_are_listed_in_plain_words_instead_of_a_file(client, matter, attorney):
    invoice = ledes_invoice(
        matter,
        law_firm_id="",
        lines=[fee("Draft motion", D("1.00"), D("300.00"), task_code="L999")],
    )
    f.sign_in(client, attorney)

    response = client.get(_url(invoice))

    assert response.status_code == 200
    assert "Content-Disposition" not in response
    page = response.content.decode()
    assert "LEDES file for invoice INV-0042 not made" in page
    assert "Correct the 2 problems below" in page
    assert "Firm&#x27;s taxpayer ID" in page
    assert "Enter the firm&#x27;s federal taxpayer ID in the billing settings." in page
    assert "“L999” is not a UTBMS task code." in page
    assert not AuditEvent.objects.filter(action="invoice.ledes_exported").exists()


def test_a_void_invoice_says_why_there_is_no_file(client, matter, attorney):
    invoice = ledes_invoice(matter, status=Invoice.Status.VOID)
    f.sign_in(client, attorney)

    page = client.get(_url(invoice)).content.decode()

    assert "a void invoice is not sent to a client" in page


def test_staff_without_billing_and_other_firms_invoices_get_404(
    client, matter, other_matter, assistant, attorney
):
    ours = ledes_invoice(matter)
    theirs = ledes_invoice(other_matter, number="B-1")

    f.sign_in(client, assistant)
    assert client.get(_url(ours)).status_code == 404
    f.sign_in(client, attorney)
    foreign = reverse(
        "billing:invoice_ledes",
        kwargs={"firm_slug": matter.firm.slug, "invoice_id": theirs.public_id},
    )
    assert client.get(foreign).status_code == 404


@pytest.mark.django_db
def test_the_invoice_downloads_list_links_the_ledes_file(matter):
    invoice = ledes_invoice(matter)

    html = render_to_string(
        "web/billing/invoices/_downloads.html",
        {"invoice": invoice, "scope": type("S", (), {"firm": matter.firm})},
    )

    assert f'href="{_url(invoice)}"' in html
    assert "LEDES 1998B file" in html
