"""End to end through the real sign-in: each person sees only what they may."""

import re

import pytest
from playwright.sync_api import expect

from tests import factories as f

from .conftest import screenshot, sign_in

pytestmark = pytest.mark.browser


@pytest.fixture
def firm_a_ungranted(firm, attorney):
    return f.MatterFactory(
        firm=firm,
        number="M-2026-002",
        title="Sealed estate",
        responsible_attorney=attorney,
    )


@pytest.fixture
def firm_b_ungranted(other_firm):
    return f.MatterFactory(firm=other_firm, number="B-2026-002", title="Brandt private")


def _choose_firm(page, name):
    page.locator("#firm-switcher").click()
    switcher = page.get_by_role("navigation", name="Firms")
    switcher.get_by_role("link", name=name, exact=True).click()
    expect(page.get_by_role("heading", level=1)).to_have_text(f"Today at {name}")


def test_attorney_and_assistant_see_only_what_each_may_see(
    live_server,
    new_context,
    problems,
    page,
    firm,
    other_firm,
    attorney,
    assistant,
    matter,
    other_matter,
    firm_a_ungranted,
    firm_b_ungranted,
):
    task = f.task(
        firm,
        matter=firm_a_ungranted,
        assignee=assistant,
        title="File the probate inventory",
    )
    base = live_server.url

    # The attorney: every matter of their firm, nothing of the other firm.
    sign_in(page, base, attorney.email)
    # The header shows the time zone of the viewer (New York), not the server's.
    expect(page.get_by_role("banner")).to_contain_text(re.compile(r"· E[SD]T"))
    page.goto(f"{base}/f/{firm.slug}/matters/")
    table = page.get_by_role("table")
    expect(table).to_contain_text("M-2026-001")
    expect(table).to_contain_text("Lopez v. Acme")
    expect(table).to_contain_text("M-2026-002")
    expect(table).to_contain_text("Sealed estate")
    expect(table).not_to_contain_text("B-2026")
    expect(table).not_to_contain_text("Brandt")
    expect(page.locator("#firm-switcher")).to_have_text(firm.name)
    page.locator("#firm-switcher").click()
    expect(page.get_by_role("link", name=other_firm.name)).to_have_count(0)
    problems.expect(f"{base}/f/{other_firm.slug}/matters/", 404)
    response = page.goto(f"{base}/f/{other_firm.slug}/matters/")
    assert response.status == 404

    # The assistant, in a browser of their own: two-factor set-up on first sign-in.
    page = problems.watch(new_context().new_page())

    def shows_qr_and_secret(p):
        expect(p.get_by_role("heading", level=1)).to_have_text(
            "Set up two-factor sign-in"
        )
        expect(p.locator(".qr svg")).to_be_visible()

    sign_in(page, base, assistant.email, before_code=shows_qr_and_secret)
    expect(page.get_by_role("heading", level=1)).to_have_text("Today")

    areas = page.get_by_role("navigation", name="Areas")
    _choose_firm(page, firm.name)
    areas.get_by_role("link", name="Matters").click()
    expect(areas.get_by_role("link", name="Matters")).to_have_attribute(
        "aria-current", "true"
    )
    table = page.get_by_role("table")
    expect(table).to_contain_text("M-2026-001")
    expect(table).not_to_contain_text("M-2026-002")
    expect(table).not_to_contain_text("Sealed estate")
    expect(table).not_to_contain_text("B-2026")

    areas.get_by_role("link", name="Tasks").click()
    expect(page.get_by_role("table")).to_contain_text("File the probate inventory")
    page.get_by_role("link", name="File the probate inventory").click()
    expect(page.locator("main")).to_contain_text("Not opened to you")
    screenshot(page, "assistant-task-on-hidden-matter")
    expect(page.locator("main")).not_to_contain_text("Sealed estate")

    hidden = f"{base}/f/{firm.slug}/matters/{firm_a_ungranted.public_id}/"
    problems.expect(hidden, 404)
    response = page.goto(hidden)
    assert response.status == 404
    expect(page.locator("body")).to_contain_text(re.compile("not found", re.I))
    screenshot(page, "assistant-hidden-matter-404")
    expect(page.locator("body")).not_to_contain_text("Sealed estate")

    page.goto(f"{base}/f/{firm.slug}/")
    _choose_firm(page, other_firm.name)
    areas.get_by_role("link", name="Matters").click()
    table = page.get_by_role("table")
    expect(table).to_contain_text("B-2026-001")
    expect(table).to_contain_text("Brandt matter")
    expect(table).not_to_contain_text("B-2026-002")
    expect(table).not_to_contain_text("M-2026")
    expect(table).not_to_contain_text("Lopez")
    screenshot(page, "assistant-firm-b-matters")
    assert task.title not in page.locator("main").inner_text()
