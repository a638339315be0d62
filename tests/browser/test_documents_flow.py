"""Documents end to end in Chromium (issue 19, "Done means"): an assistant
generates a demand letter from the firm's template for a matter, leaving the
amount blank; the quality checks list the empty value; the assistant fixes it
by generating again with the amount and submits; the attorney approves, marks
it final and shares it by a link with a passcode; someone with no FirmDesk
sign-in opens the link, types the passcode and downloads the letter, which
opens in python-docx with the amount and the client's name, and the download
is in the firm's audit trail."""

import datetime
import io
import re

import pytest
from django.utils import timezone
from docx import Document as WordDocument
from playwright.sync_api import expect

from firmdesk.audit.models import AuditEvent
from firmdesk.documents.models import Document
from firmdesk.documents.starters import add_starter_templates
from firmdesk.matters.models import Contact, MatterParty

from .conftest import screenshot, sign_in

pytestmark = pytest.mark.browser
PASSCODE = "harbour-7421"


def _party(matter, name, role, kind):
    contact = Contact.unscoped.create(firm=matter.firm, kind=kind, name=name)
    MatterParty.unscoped.create(
        firm=matter.firm, matter=matter, contact=contact, role=role
    )


def _text(data: bytes) -> str:
    return "\n".join(p.text for p in WordDocument(io.BytesIO(data)).paragraphs)


def test_generate_fix_submit_approve_share_download(
    live_server,
    new_context,
    problems,
    page,
    settings,
    tmp_path,
    firm,
    attorney,
    matter,
    assistant,
):
    settings.MEDIA_ROOT = tmp_path / "media"
    _party(matter, "Maria Lopez", "client", "person")
    _party(matter, "Acme Holdings, LLC", "adverse", "organization")
    add_starter_templates(firm, attorney)
    base = live_server.url
    slug = firm.slug
    deadline = timezone.localdate() + datetime.timedelta(days=21)

    # The assistant generates the demand letter on the matter, amount left blank.
    work = problems.watch(new_context().new_page())
    sign_in(work, base, assistant.email)
    work.goto(f"{base}/f/{slug}/matters/{matter.public_id}/")
    work.get_by_role("link", name="Generate a draft from a template").click()
    work.get_by_role("link", name="Demand letter", exact=True).click()
    work.get_by_label("Date by which they must pay or respond").fill(
        deadline.isoformat()
    )
    work.get_by_label("What the claim is for (one sentence)").fill(
        "the unpaid invoices for the spring deliveries"
    )
    work.get_by_role("button", name="Generate the draft").click()
    expect(work.get_by_role("heading", level=1)).to_contain_text("Demand letter")
    document = Document.objects.for_firm(firm).get(matter=matter)
    document_path = f"/f/{slug}/documents/{document.public_id}/"
    assert work.url.endswith(document_path)

    # Submitting: the checks list the empty amount, and nothing goes to review.
    work.get_by_role("link", name="Submit for review").click()
    findings = work.locator("form ol")
    expect(findings).to_contain_text("The amount demanded was left empty")
    expect(findings.locator("li")).to_have_count(1)
    screenshot(work, "documents-1-submit-with-finding")

    # The fix: generate again with the amount; submitted, the checks pass.
    work.goto(base + document_path)
    work.get_by_role("link", name="Generate again with new answers").click()
    expect(work.get_by_label("What the claim is for (one sentence)")).to_have_value(
        "the unpaid invoices for the spring deliveries"
    )
    work.get_by_label("Amount demanded").fill("12500")
    work.get_by_role("button", name="Generate the next version").click()
    expect(work.locator("#h-versions ~ table tbody tr")).to_have_count(2)
    work.get_by_role("link", name="Submit for review").click()
    expect(work.get_by_text("The quality checks found nothing to fix.")).to_be_visible()
    work.get_by_role("button", name="Submit for review").click()
    expect(work.locator("h1 + .badge")).to_have_text("In review")

    # The attorney approves, marks it final and shares it with a passcode.
    sign_in(page, base, attorney.email)
    page.goto(base + document_path)
    page.locator("#main").get_by_role("link", name="Review").click()
    expect(page.locator("#h-findings ~ p")).to_have_text("The checks found nothing.")
    screenshot(page, "documents-2-review")
    page.get_by_label("Approve this version").check()
    page.get_by_role("button", name="Record my decision").click()
    expect(page.locator("h1 + .badge")).to_have_text("Approved")
    page.get_by_role("link", name="Mark final…").click()
    page.get_by_role("button", name="Yes, mark it final").click()
    expect(page.locator("h1 + .badge")).to_have_text("Final")
    page.get_by_role("link", name="Share by link").click()
    page.get_by_label("Who it is for").fill("Acme Holdings, accounts payable")
    page.get_by_label("Passcode (optional)").fill(PASSCODE)
    page.get_by_role("button", name="Make the link").click()
    url = page.get_by_label("The link").input_value()
    screenshot(page, "documents-3-link-made")
    assert re.fullmatch(rf"{re.escape(base)}/s/[^/]+/", url), url

    # The recipient, signed in nowhere, opens the link and downloads.
    outside = problems.watch(new_context().new_page())
    outside.goto(url)
    expect(outside.get_by_role("heading", level=1)).to_have_text(
        f"{firm.name} has shared a file with you"
    )
    screenshot(outside, "documents-4-shared-page")
    outside.get_by_label("Passcode").fill(PASSCODE)
    outside.get_by_role("button", name="Continue").click()
    with outside.expect_download() as arrival:
        outside.get_by_role("button", name=re.compile("^Download ")).click()
    saved = tmp_path / "received.docx"
    arrival.value.save_as(saved)
    text = _text(saved.read_bytes())
    assert "$12,500.00" in text
    assert "Maria Lopez" in text

    actions = set(
        AuditEvent.objects.filter(org=firm, action__startswith="share.").values_list(
            "action", flat=True
        )
    )
    assert {"share.created", "share.viewed", "share.downloaded"} <= actions
