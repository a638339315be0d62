"""Keeps drift between Debian's Chromium and the pinned Playwright visible."""

import pytest

pytestmark = pytest.mark.browser


def test_chromium_renders_the_styled_login_page(live_server, page, problems, browser):
    seen = f"Chromium {browser.version} driven by the pinned Playwright"
    page.goto(f"{live_server.url}/login/")

    assert page.title() == "Sign in · FirmDesk", seen
    assert page.get_by_role("heading", name="Sign in to FirmDesk").is_visible(), seen
    # Bootstrap loaded: its .btn-primary is blue, not the browser's grey button.
    colour = page.get_by_role("button", name="Sign in").evaluate(
        "el => getComputedStyle(el).backgroundColor"
    )
    assert colour == "rgb(13, 110, 253)", seen
    # app.css loaded: the sign-in column is 32rem wide at most.
    width = page.locator(".narrow").evaluate("el => getComputedStyle(el).maxWidth")
    assert width == "512px", seen
