"""The firm switcher works without a mouse."""

import pytest
from playwright.sync_api import expect

from .conftest import sign_in

pytestmark = pytest.mark.browser


def _focused(page):
    return page.evaluate(
        "document.activeElement.id || document.activeElement.textContent"
    )


def test_firm_switcher_opens_and_chooses_a_firm_with_the_keyboard(
    live_server, page, problems, firm, other_firm, assistant
):
    sign_in(page, live_server.url, assistant.email)
    switcher = page.locator("#firm-switcher")
    expect(switcher).to_have_text("Choose a firm")

    for _ in range(5):
        page.keyboard.press("Tab")
        if _focused(page) == "firm-switcher":
            break
    expect(switcher).to_be_focused()

    page.keyboard.press("Enter")
    expect(switcher).to_have_attribute("aria-expanded", "true")
    menu = page.get_by_role("navigation", name="Firms").get_by_role("list")
    expect(menu).to_be_visible()

    page.keyboard.press("Escape")
    expect(switcher).to_have_attribute("aria-expanded", "false")
    expect(switcher).to_be_focused()

    page.keyboard.press("Enter")
    target = menu.get_by_role("link", name=firm.name)
    for _ in range(4):
        page.keyboard.press("ArrowDown")
        if _focused(page).strip() == firm.name:
            break
    expect(target).to_be_focused()
    page.keyboard.press("Enter")

    expect(page).to_have_url(f"{live_server.url}/f/{firm.slug}/")
    expect(page.get_by_role("heading", level=1)).to_have_text(f"Today at {firm.name}")
    expect(switcher).to_have_text(firm.name)
