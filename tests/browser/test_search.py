"""Search in Chromium (issue 16, "Done means"): an attorney signs in, lands on
the firm's Today, types a client's name into the top bar's box, and opens the
matter it finds."""

import pytest
from playwright.sync_api import expect

from firmdesk.matters.models import Contact, MatterParty
from tests import factories as f

from .conftest import sign_in

pytestmark = pytest.mark.browser


def test_the_top_bar_finds_a_matter_by_a_partys_name_and_opens_it(
    live_server, page, problems, firm, attorney
):
    matter = f.MatterFactory(
        firm=firm,
        number="2026-0001",
        title="Sims v. Craig-Klein",
        responsible_attorney=attorney,
    )
    henry = Contact.unscoped.create(firm=firm, name="Henry Sims")
    MatterParty.unscoped.create(firm=firm, matter=matter, contact=henry, role="client")
    f.MatterFactory(firm=firm, title="Unrelated estate plan")

    sign_in(page, live_server.url, attorney.email)
    assert page.url.endswith(f"/f/{firm.slug}/"), page.url

    box = page.get_by_role(
        "searchbox", name="Search matters, contacts, tasks and leads"
    )
    box.fill("Henry Sims")
    box.press("Enter")
    page.wait_for_load_state()
    results = page.locator("#search-results")
    expect(results.get_by_role("heading", name="Matters")).to_be_visible()
    expect(results).not_to_contain_text("Unrelated estate plan")

    results.get_by_role("link", name="2026-0001").click()
    page.wait_for_load_state()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Sims v. Craig-Klein")
