"""Billing in Chromium (issue 17, "Done means"): an outside assistant who does
the firm's billing reviews the flagged time (explains one, writes one down),
approves the rest, builds the invoice and cannot approve it; the attorney
approves it; the PDF and the LEDES file download, and each is opened by its
own reader: pypdf for the PDF, FirmDesk's validator and parser for LEDES."""

import datetime
import re
from decimal import Decimal
from pathlib import Path

import pytest
from playwright.sync_api import expect
from pypdf import PdfReader

from firmdesk.billing import ledes
from firmdesk.billing.models import TimeEntry
from tests.billing.invoice_rows import billing_staff, client_of, keeper, styled

from .conftest import screenshot, sign_in

pytestmark = pytest.mark.browser
SUBMITTED = TimeEntry.Status.SUBMITTED


def _time(firm, matter, user, narrative, hours, day):
    return TimeEntry.objects.create(
        firm=firm,
        matter=matter,
        timekeeper=user,
        date=day,
        hours=Decimal(hours),
        rate=Decimal("300.00"),
        narrative=narrative,
        task_code="L310",
        activity_code="A103",
        status=SUBMITTED,
    )


def test_review_flagged_time_build_approve_and_download(
    live_server, browser, problems, page, firm, attorney, provider, engagement, matter
):
    styled(firm, law_firm_id="12-3456789")
    keeper(firm, attorney, "OO")
    client_of(firm, matter)
    biller = billing_staff(provider, engagement, matter)
    today = datetime.date.today()
    day = today - datetime.timedelta(days=3)
    _time(firm, matter, attorney, "Review", "0.50", day)  # vague
    _time(
        firm,
        matter,
        attorney,
        "Drafted the answers to the first interrogatories",
        "2.00",
        day,
    )
    _time(
        firm,
        matter,
        attorney,
        "Called opposing counsel about the protective order schedule",
        "0.33",  # off the 0.1 increment
        day,
    )
    base = live_server.url
    slug = firm.slug

    # The assistant reviews.
    sign_in(page, base, biller.email)
    page.goto(f"{base}/f/{slug}/billing/review/")
    status = page.get_by_role("status")
    expect(status).to_contain_text("3 waiting")
    expect(status).to_contain_text("2 with flags")
    screenshot(page, "billing-review-queue")
    page.get_by_role("link", name="Review", exact=True).click()
    expect(page.get_by_role("heading", name="Flags")).to_be_visible()
    page.get_by_text("Edit", exact=True).click()
    page.get_by_label("Narrative").fill(
        "Reviewed the client's document production for privilege"
    )
    page.get_by_role("button", name="Save changes").click()
    page.get_by_text("Approve", exact=True).click()
    page.get_by_role("button", name="Approve: ready to bill").click()
    expect(page.get_by_text("Approved", exact=False).first).to_be_visible()

    page.goto(f"{base}/f/{slug}/billing/review/")
    page.get_by_role("link", name=re.compile("Called opposing counsel")).click()
    page.get_by_text("Approve", exact=True).click()
    page.get_by_role("button", name="Approve: ready to bill").click()
    # A flagged entry needs a word on why it stands.
    expect(page.locator(".invalid-feedback").first).to_be_visible()
    page.get_by_label(re.compile("Why it stands as it is")).fill(
        "The call took twenty minutes; the client agreed to exact time."
    )
    page.get_by_role("button", name="Approve: ready to bill").click()

    page.goto(f"{base}/f/{slug}/billing/review/")
    page.get_by_role("button", name=re.compile("Approve the 1 without flags")).click()
    expect(page.get_by_text(re.compile(r"^0 waiting"))).to_be_visible()

    # …builds the invoice…
    page.goto(f"{base}/f/{slug}/billing/invoices/")
    page.get_by_role("link", name="Build an invoice").click()
    page.get_by_label("Matter", exact=True).select_option(
        label=f"{matter.number} {matter.title}"
    )
    page.get_by_label("Work from").fill((day - datetime.timedelta(days=1)).isoformat())
    page.get_by_label("Work to").fill(today.isoformat())
    page.get_by_role("button", name="Build the draft").click()
    heading = page.get_by_role("heading", level=1)
    expect(heading).to_have_text(re.compile(r"Invoice HO-1001"))
    invoice_url = page.url
    # 0.5 + 2 + 0.33 h at $300
    expect(page.get_by_text("$849.00").first).to_be_visible()
    # …and may not approve it.
    expect(
        page.get_by_role("button", name=re.compile("Approve invoice"))
    ).to_have_count(0)
    screenshot(page, "billing-invoice-draft")

    # The attorney approves, and downloads both files.
    context = browser.new_context()
    lawyer = context.new_page()
    problems.watch(lawyer)
    sign_in(lawyer, base, attorney.email)
    lawyer.goto(invoice_url)
    lawyer.get_by_label(re.compile("I checked the lines and totals")).check()
    lawyer.get_by_role("button", name="Approve invoice HO-1001").click()
    expect(lawyer.locator(".badge").first).to_have_text("Approved")

    with lawyer.expect_download() as pdf_download:
        lawyer.get_by_role("link", name="Download PDF").click()
    pdf = PdfReader(pdf_download.value.path())
    text = "\n".join(p.extract_text() for p in pdf.pages)
    assert "HO-1001" in text and "849.00" in text

    with lawyer.expect_download() as ledes_download:
        lawyer.get_by_role("link", name="LEDES 1998B file").click()
    content = Path(ledes_download.value.path()).read_bytes().decode("ascii")
    assert ledes.validate(content) == []
    parsed = ledes.parse(content)
    assert [(i.number, i.total) for i in parsed] == [("HO-1001", Decimal("849.00"))]
    context.close()
