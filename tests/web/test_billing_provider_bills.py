"""The provider bill pages: entering a bill in rows or from CSV (whole or
nothing, every problem said), the reconciliation table in words, disputes."""

import datetime
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from firmdesk.billing.models import ProviderBill, ProviderBillLine, TimeEntry
from firmdesk.engagements.models import Engagement
from firmdesk.matters.models import MatterScreen
from tests import factories as f

D = Decimal


@pytest.fixture
def lena(provider, engagement):
    Engagement.unscoped.filter(pk=engagement.pk).update(
        pricing_model="hourly", price=D("40.00")
    )
    user = f.member(provider, ["assistant"], full_name="Lena Park")
    f.assign(engagement, user)
    return user


def _heading(engagement, total, number="NS-7"):
    return {
        "engagement": str(engagement.public_id),
        "number": number,
        "period_start": "2026-03-01",
        "period_end": "2026-03-31",
        "received_on": "2026-04-02",
        "total": total,
        "note": "",
    }


def _rows(*rows):
    data = {
        "lines-TOTAL_FORMS": "8",
        "lines-INITIAL_FORMS": "0",
        "lines-MIN_NUM_FORMS": "0",
        "lines-MAX_NUM_FORMS": "200",
    }
    for i, row in enumerate(rows):
        data.update({f"lines-{i}-{k}": v for k, v in row.items()})
    return data


ROW = {"date": "2026-03-03", "staff": "Lena Park", "hours": "1.5", "unit_price": "40"}


def test_a_bill_whose_total_differs_from_its_lines_is_not_saved_and_keeps_the_rows(
    client, firm, firm_staff, engagement, lena
):
    f.sign_in(client, firm_staff)
    url = reverse("billing:provider_bill_new", args=[firm.slug])
    response = client.post(url, {**_heading(engagement, "$75.00"), **_rows(ROW)})
    body = response.content.decode()
    assert response.status_code == 200
    assert "the total is $15.00 more than the lines" in body
    assert 'value="Lena Park"' in body and 'value="NS-7"' in body
    assert not ProviderBill.unscoped.exists()


def test_entering_a_bill_in_rows_saves_it_and_opens_it(
    client, firm, firm_staff, engagement, lena
):
    f.sign_in(client, firm_staff)
    url = reverse("billing:provider_bill_new", args=[firm.slug])
    response = client.post(
        url, {**_heading(engagement, "60.00"), **_rows(ROW)}, follow=True
    )
    bill = ProviderBill.unscoped.get()
    (line,) = ProviderBillLine.unscoped.filter(bill=bill)
    assert (line.staff, line.amount) == (lena, D("60.00"))
    assert "Bill NS-7 entered" in response.content.decode()


def test_a_row_naming_an_unknown_task_is_marked_on_its_row(
    client, firm, firm_admin, engagement, lena
):
    f.sign_in(client, firm_admin)
    url = reverse("billing:provider_bill_new", args=[firm.slug])
    row = {**ROW, "task": "Answer the complaint"}
    response = client.post(url, {**_heading(engagement, "60.00"), **_rows(row)})
    assert "No task of this engagement is called “Answer the complaint”" in (
        response.content.decode()
    )
    assert not ProviderBill.unscoped.exists()


def _import(client, firm, engagement, csv: bytes, total):
    url = reverse("billing:provider_bill_import", args=[firm.slug])
    upload = SimpleUploadedFile("march.csv", csv, content_type="text/csv")
    return client.post(
        url, {**_heading(engagement, total), "lines_file": upload}, follow=True
    )


def test_import_lists_every_bad_row_and_saves_nothing(
    client, firm, firm_admin, engagement, lena
):
    f.sign_in(client, firm_admin)
    csv = (
        b"date,staff,description,hours,unit_price\n"
        b"3/3/2026,Lena Park,Calendar,1,40\n"
        b"3/40/2026,Lena Park,Calendar,1,40\n"
        b"3/5/2026,Lena Park,Calendar,two,40\n"
    )
    body = _import(client, firm, engagement, csv, "120").content.decode()
    assert "Nothing was saved" in body
    assert "Line 3: “3/40/2026” is not a real date" in body
    assert "Line 4: “two” in hours is not a number" in body
    assert not ProviderBill.unscoped.exists()


def test_import_of_a_good_file_enters_the_bill(
    client, firm, firm_admin, engagement, lena
):
    f.sign_in(client, firm_admin)
    csv = b"Date,Staff,Description,Hours,Rate\n3/3/2026,Lena Park,Calendar,1.5,40\n"
    response = _import(client, firm, engagement, csv, "60")
    assert ProviderBill.unscoped.get().total == D("60.00")
    assert "Reconcile with the work logged" in response.content.decode()


def _entered_bill(firm, engagement, lena, amount="80.00"):
    bill = ProviderBill.unscoped.create(
        firm=firm,
        engagement=engagement,
        number="NS-8",
        period_start=datetime.date(2026, 3, 1),
        period_end=datetime.date(2026, 3, 31),
        total=D(amount),
        reconciled_total=D(amount),
    )
    line = ProviderBillLine.unscoped.create(
        firm=firm,
        bill=bill,
        position=1,
        date=datetime.date(2026, 3, 3),
        staff=lena,
        staff_name="Lena Park",
        description="Calendar",
        hours=D("2"),
        unit_price=D("40"),
        amount=D(amount),
    )
    return bill, line


def test_reconciled_differences_are_said_in_words(
    client, firm, attorney, engagement, lena
):
    TimeEntry.unscoped.create(
        firm=firm,
        timekeeper=lena,
        engagement=engagement,
        outside_staff=True,
        date=datetime.date(2026, 3, 3),
        hours=D("1.5"),
    )
    bill, _ = _entered_bill(firm, engagement, lena)
    f.sign_in(client, attorney)
    url = reverse("billing:provider_bill_reconcile", args=[firm.slug, bill.public_id])
    body = client.post(url, follow=True).content.decode()
    assert "billed $20.00 more than the work logged" in body
    assert "1 line differs from the work logged" in body
    assert "The firm accepts" in body and "$60.00" in body


def test_dispute_needs_a_reason_and_only_attorneys_resolve(
    client, firm, attorney, firm_staff, engagement, lena
):
    bill, line = _entered_bill(firm, engagement, lena)
    args = [firm.slug, bill.public_id, line.public_id]
    dispute = reverse("billing:provider_bill_dispute", args=args)
    resolve = reverse("billing:provider_bill_resolve", args=args)
    f.sign_in(client, firm_staff)
    response = client.post(dispute, {"reason": ""})
    assert "Fill in “Why the firm disputes this line”" in response.content.decode()
    client.post(dispute, {"reason": "Only 1.5 h logged"})
    bill.refresh_from_db()
    assert bill.status == ProviderBill.Status.DISPUTED
    assert client.get(resolve).status_code == 404

    f.sign_in(client, attorney)
    response = client.post(resolve, {"outcome": "Agreed", "agreed_amount": "-5"})
    assert "The amount agreed cannot be below 0." in response.content.decode()
    client.post(resolve, {"outcome": "Provider agreed", "agreed_amount": "$60.00"})
    bill.refresh_from_db()
    assert (bill.status, bill.reconciled_total) == (
        ProviderBill.Status.SETTLED,
        D("60.00"),
    )


def test_a_line_of_work_on_a_screened_matter_is_not_shown_to_the_screened(
    client, firm, firm_admin, attorney, matter, engagement, lena
):
    """The provider's own wording may name the matter, so the whole line is
    kept from an attorney screened from it; the page says one is missing."""
    task = f.task(firm, matter=matter, engagement=engagement, title="Secret filing")
    bill, line = _entered_bill(firm, engagement, lena)
    ProviderBillLine.unscoped.filter(pk=line.pk).update(
        task=task, description="Filed the Lopez motion papers"
    )
    MatterScreen.unscoped.create(firm=firm, matter=matter, user=attorney)
    f.sign_in(client, attorney)
    url = reverse("billing:provider_bill_detail", args=[firm.slug, bill.public_id])
    body = client.get(url).content.decode()
    assert "Secret filing" not in body and "Lopez motion" not in body
    assert "1 line is of work on a matter you are screened from" in body
    assert "away from the bill's total" not in body
    f.sign_in(client, firm_admin)
    body = client.get(url).content.decode()
    assert "Secret filing" in body and "Lopez motion" in body
    assert "screened from" not in body


def test_bill_list_filters_by_status_and_says_what_to_do_when_empty(
    client, firm, firm_staff, engagement, lena
):
    _entered_bill(firm, engagement, lena)
    f.sign_in(client, firm_staff)
    url = reverse("billing:provider_bill_list", args=[firm.slug])
    body = client.get(url).content.decode()
    assert "NS-8" in body and "Entered" in body
    body = client.get(url, {"status": "disputed"}).content.decode()
    assert "NS-8" not in body and "No provider bills match these filters" in body


def _queries(client, url) -> int:
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url).status_code == 200
    return len(queries)


@pytest.mark.parametrize("page", ["list", "detail"])
def test_bill_pages_do_not_query_per_row(
    client, firm, firm_admin, engagement, lena, page
):
    bill, line = _entered_bill(firm, engagement, lena)
    task = f.task(firm, engagement=engagement)
    f.sign_in(client, firm_admin)
    url = reverse("billing:provider_bill_list", args=[firm.slug])
    if page == "detail":
        url = reverse("billing:provider_bill_detail", args=[firm.slug, bill.public_id])
    client.get(url)
    few = _queries(client, url)
    for n in range(2, 12):
        ProviderBillLine.unscoped.create(
            firm=firm, bill=bill, position=n, task=task, staff=lena, amount=D("1")
        )
        ProviderBill.unscoped.create(
            firm=firm,
            engagement=engagement,
            number=f"NS-X{n}",
            period_start=bill.period_start,
            period_end=bill.period_end,
        )
    assert _queries(client, url) <= few
