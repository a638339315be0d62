"""The invoice pages: list, build, detail with its steps, line adjustment and
the PDF download."""

import datetime
import re
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils.html import escape

from firmdesk.audit.models import AuditEvent
from firmdesk.billing import invoicing
from firmdesk.billing.models import Invoice, InvoiceLine, Payment
from tests import factories as f
from tests.billing.invoice_rows import (
    JAN_1,
    JAN_31,
    billing_staff,
    client_of,
    entry,
    expense,
    keeper,
    scope_of,
    styled,
)

D = Decimal


@pytest.fixture
def ready(firm, matter, attorney):
    styled(firm)
    keeper(firm, attorney, "OO")
    client_of(firm, matter)
    entry(firm, matter, attorney, hours="2.00", rate="300.00")
    expense(firm, matter, attorney, unit_cost="48.20")


@pytest.fixture
def draft(ready, firm, matter, attorney):
    return invoicing.invoice_build(
        scope=scope_of(attorney, firm),
        matter=matter,
        period_start=JAN_1,
        period_end=JAN_31,
    )


def _url(name, invoice, *extra):
    return reverse(
        f"billing:{name}", args=[invoice.firm.slug, invoice.public_id, *extra]
    )


def _detail(invoice):
    return _url("invoice_detail", invoice)


def test_build_form_starts_with_nothing_chosen(client, firm, attorney, matter):
    f.sign_in(client, attorney)
    page = client.get(reverse("billing:invoice_new", args=[firm.slug])).content.decode()

    assert re.search(r'<option value="" selected>', page)
    assert 'name="period_start" class="form-control" required' in page
    assert not re.search(r'name="period_start"[^>]*value=', page)
    assert "M-2026-001" in page


def test_build_from_the_form_and_land_on_the_draft(
    client, ready, firm, attorney, matter
):
    f.sign_in(client, attorney)
    response = client.post(
        reverse("billing:invoice_new", args=[firm.slug]),
        {
            "matter": matter.public_id,
            "period_start": "2026-01-01",
            "period_end": "2026-01-31",
        },
    )

    invoice = Invoice.objects.for_firm(firm).get()
    assert response.status_code == 303
    assert response.url == _detail(invoice)
    page = client.get(response.url).content.decode()
    assert "Invoice HO-1001" in page
    assert "$648.20" in page
    assert "Draft invoice HO-1001 built" in page


def test_nothing_ready_says_so_and_keeps_what_was_typed(client, firm, attorney, matter):
    f.sign_in(client, attorney)
    response = client.post(
        reverse("billing:invoice_new", args=[firm.slug]),
        {
            "matter": matter.public_id,
            "period_start": "2026-01-01",
            "period_end": "2026-01-31",
        },
    )

    page = response.content.decode()
    assert response.status_code == 200
    assert "Nothing on M-2026-001 is ready to bill" in page
    assert 'value="2026-01-31"' in page
    assert re.search(rf'<option value="{matter.public_id}" selected>', page)
    assert not Invoice.objects.for_firm(firm).exists()


def test_list_filters_by_status_and_matter(client, draft, firm, attorney, matter):
    other = f.MatterFactory(firm=firm, number="M-2026-077", title="Okafor lease")
    entry(firm, other, attorney)
    second = invoicing.invoice_build(
        scope=scope_of(attorney, firm),
        matter=other,
        period_start=JAN_1,
        period_end=JAN_31,
    )
    invoicing.invoice_approve(scope=scope_of(attorney, firm), invoice=second)
    f.sign_in(client, attorney)
    url = reverse("billing:invoice_list", args=[firm.slug])

    everything = client.get(url).content.decode()
    approved = client.get(url, {"status": "approved"}).content.decode()
    of_matter = client.get(url, {"matter": str(matter.public_id)}).content.decode()

    assert "HO-1001" in everything and "HO-1002" in everything
    assert "HO-1002" in approved and "HO-1001" not in approved
    assert "HO-1001" in of_matter and "HO-1002" not in of_matter
    # One search box for the invoice's number, its matter's number or title:
    # no drop-down of every matter (a large firm's thousand cost most of the
    # page, issue 22).
    for q, found, not_found in (
        ("077", "HO-1002", "HO-1001"),
        ("okafor", "HO-1002", "HO-1001"),
        ("HO-1001", "HO-1001", "HO-1002"),
    ):
        page = client.get(url, {"q": q}).content.decode()
        assert found in page and not_found not in page, q
        assert f'value="{q}"' in page
    assert f'<option value="{matter.public_id}"' not in everything


def test_list_queries_do_not_grow_with_the_rows(
    client, ready, firm, attorney, django_assert_max_num_queries
):
    for n in range(6):
        m = f.MatterFactory(firm=firm)
        client_of(firm, m, f"Client {n}")
        entry(firm, m, attorney)
    invoicing.invoices_build_for_period(
        scope=scope_of(attorney, firm), period_start=JAN_1, period_end=JAN_31
    )
    f.sign_in(client, attorney)
    url = reverse("billing:invoice_list", args=[firm.slug])
    client.get(url)
    with django_assert_max_num_queries(20):
        assert client.get(url).status_code == 200


def test_attorney_adjusts_approves_sends_and_records_payment(client, draft, attorney):
    f.sign_in(client, attorney)
    fee = InvoiceLine.objects.for_firm(draft.firm).get(invoice=draft, kind="F")

    adjust = _url("invoice_line_adjust", draft, fee.public_id)
    assert "Adjust line 1 of invoice HO-1001" in client.get(adjust).content.decode()
    client.post(adjust, {"how": "percent", "value": "-10"})
    client.post(
        _url("invoice_adjustment_add", draft),
        {"applies_to": "IE", "how": "amount", "value": "-8.20"},
    )
    page = client.get(_detail(draft)).content.decode()
    assert "-$60.00" in page and "Discount on expenses" in page
    draft.refresh_from_db()
    assert draft.total == D("580.00")

    unticked = client.post(_url("invoice_approve", draft), {})
    assert "Tick the box" in unticked.content.decode()
    client.post(_url("invoice_approve", draft), {"confirm": "on"})
    client.post(
        _url("invoice_send", draft), {"issued_on": "2026-02-02", "confirm": "on"}
    )
    draft.refresh_from_db()
    assert (draft.status, draft.due_on) == ("sent", datetime.date(2026, 3, 4))

    too_much = client.post(
        _url("invoice_payment", draft),
        {"kind": "payment", "amount": "999", "received_on": "2026-02-10"},
    ).content.decode()
    assert "more than the 580.00 still owed" in too_much
    assert 'value="999"' in too_much
    client.post(
        _url("invoice_payment", draft),
        {
            "kind": "payment",
            "amount": "580",
            "received_on": "2026-02-10",
            "reference": "Check 42",
        },
    )
    draft.refresh_from_db()
    assert draft.status == "paid"
    assert "Check 42" in client.get(_detail(draft)).content.decode()


def test_support_staff_are_told_an_attorney_approves(client, draft, firm_staff):
    f.sign_in(client, firm_staff)
    page = client.get(_detail(draft)).content.decode()
    assert "An attorney of the firm approves" in page
    assert _url("invoice_approve", draft) not in page
    assert (
        client.post(_url("invoice_approve", draft), {"confirm": "on"}).status_code
        == 404
    )
    draft.refresh_from_db()
    assert draft.status == "draft"


def test_void_asks_why_and_frees_the_work(client, draft, attorney):
    f.sign_in(client, attorney)
    missing = client.post(_url("invoice_void", draft), {"reason": ""}).content.decode()
    assert escape("Fill in “Why is it void?”") in missing
    client.post(_url("invoice_void", draft), {"reason": "Wrong period"})
    draft.refresh_from_db()
    assert draft.status == "void"
    page = client.get(_detail(draft)).content.decode()
    assert "Wrong period" in page


def test_pdf_download_is_a_pdf_and_is_audited(client, draft, attorney):
    f.sign_in(client, attorney)
    response = client.get(_url("invoice_pdf", draft))

    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert 'filename="Invoice HO-1001.pdf"' in response["Content-Disposition"]
    assert response.content.startswith(b"%PDF")
    assert AuditEvent.objects.filter(action="invoice.pdf_downloaded").count() == 1
    assert _url("invoice_pdf", draft) in client.get(_detail(draft)).content.decode()


def test_outside_billing_staff_work_invoices_but_never_approve(
    client, draft, provider, engagement, matter
):
    biller = billing_staff(provider, engagement, matter)
    f.sign_in(client, biller)

    assert client.get(_detail(draft)).status_code == 200
    assert (
        client.post(_url("invoice_approve", draft), {"confirm": "on"}).status_code
        == 404
    )
    response = client.post(
        _url("invoice_adjustment_add", draft),
        {"applies_to": "IF", "how": "amount", "value": "-25"},
    )
    assert response.status_code == 303
    draft.refresh_from_db()
    assert (draft.status, draft.total) == ("draft", D("623.20"))


def test_outside_staff_without_billing_get_404(client, draft, assistant, firm):
    f.sign_in(client, assistant)
    assert (
        client.get(reverse("billing:invoice_list", args=[firm.slug])).status_code == 404
    )
    assert client.get(_detail(draft)).status_code == 404


def test_billing_staff_see_no_invoice_of_a_matter_not_opened_to_them(
    client, firm, attorney, provider, engagement, matter
):
    biller = billing_staff(provider, engagement, matter)
    styled(firm)
    hidden = f.MatterFactory(firm=firm, number="M-2026-404", title="Sealed matter")
    entry(firm, hidden, attorney)
    invoice = invoicing.invoice_build(
        scope=scope_of(attorney, firm),
        matter=hidden,
        period_start=JAN_1,
        period_end=JAN_31,
    )
    f.sign_in(client, biller)

    assert client.get(_detail(invoice)).status_code == 404
    listing = client.get(reverse("billing:invoice_list", args=[firm.slug]))
    assert "M-2026-404" not in listing.content.decode()
    assert Payment.objects.for_firm(firm).count() == 0


def test_month_end_builds_a_draft_for_each_matter_with_work(
    client, ready, firm, attorney
):
    other = f.MatterFactory(firm=firm, number="M-2026-077", title="Okafor lease")
    entry(firm, other, attorney)
    f.MatterFactory(firm=firm, number="M-2026-078", title="Idle matter")
    f.sign_in(client, attorney)
    url = reverse("billing:invoice_build_all", args=[firm.slug])

    response = client.post(
        url, {"period_start": "2026-01-01", "period_end": "2026-01-31"}
    )

    assert response.status_code == 303
    page = client.get(response.url).content.decode()
    assert "2 draft invoices built (HO-1001 to HO-1002)" in page
    assert sorted(
        Invoice.objects.for_firm(firm).values_list("matter__number", flat=True)
    ) == ["M-2026-001", "M-2026-077"]
    again = client.post(
        url, {"period_start": "2026-01-01", "period_end": "2026-01-31"}
    ).content.decode()
    assert "Nothing is ready to bill in that period" in again
    assert 'value="2026-01-31"' in again


def test_a_period_backwards_is_caught_on_the_form(client, firm, attorney, matter):
    f.sign_in(client, attorney)
    page = client.post(
        reverse("billing:invoice_new", args=[firm.slug]),
        {
            "matter": matter.public_id,
            "period_start": "2026-01-31",
            "period_end": "2026-01-01",
        },
    ).content.decode()
    assert "The last day comes before the first" in page
