"""On a phone (390 px wide) and in the viewer's zone (issue 16, items 3 and 4).

- An attorney in Los Angeles returns work from a phone with the in-place (htmx)
  action: the task's due time and the new comment stay in Pacific time after the
  swap, with no reload, and the page still fits the screen.
- Every GET page of the isolation registry's crawl that each of five roles may
  open fits 390 px: ``document.documentElement.scrollWidth`` is at most the
  window's width; a page that is wider names the elements that stick out.
"""

import datetime
import re

import pytest
from django.urls import reverse
from django.utils import timezone
from playwright.sync_api import Error as PlaywrightError
from playwright.sync_api import expect

from tests import factories as f
from tests.isolation.conftest import *  # noqa: F403  (the registry's fixtures)
from tests.isolation.registry import ROUTES

from .conftest import screenshot, sign_in

pytestmark = pytest.mark.browser

PHONE = {"width": 390, "height": 844}

# How wide the page is, and what sticks out past the right edge when it is too
# wide (elements inside a box that scrolls on its own do not widen the page).
MEASURE = """() => {
  const width = window.innerWidth;
  const scroll = document.documentElement.scrollWidth;
  const out = [];
  if (scroll > width) {
    for (const el of document.querySelectorAll("body *")) {
      const box = el.getBoundingClientRect();
      if (box.width > 0 && box.right > width + 1) {
        const cls = typeof el.className === "string" && el.className.trim()
          ? "." + el.className.trim().split(/\\s+/).join(".") : "";
        out.push(el.tagName.toLowerCase() + (el.id ? "#" + el.id : "") + cls
          + " (right edge " + Math.round(box.right) + " px)");
        if (out.length >= 6) break;
      }
    }
  }
  return {width, scroll, offenders: out};
}"""


def _phone(new_context):
    page = new_context().new_page()
    page.set_viewport_size(PHONE)
    return page


def _too_wide(page) -> str:
    measured = page.evaluate(MEASURE)
    if measured["scroll"] <= measured["width"]:
        return ""
    return (
        f"{measured['scroll']} px wide in a {measured['width']} px window: "
        + "; ".join(measured["offenders"])
    )


def test_an_attorney_returns_work_from_a_phone_and_keeps_pacific_time(
    live_server, new_context, firm, matter, attorney, assistant
):
    attorney.time_zone = "America/Los_Angeles"
    attorney.save()
    # 20:05 UTC: 12:05 PM in Los Angeles, 3:05 PM in New York (the firm's zone).
    due = datetime.datetime(2026, 12, 18, 20, 5, tzinfo=datetime.UTC)
    task = f.task(
        firm,
        matter=matter,
        assignee=assistant,
        requester=attorney,
        title="Draft the engagement letter",
        status="submitted",
        review_required=True,
        submitted_at=timezone.now(),
        due_at=due,
    )
    page = _phone(new_context)
    base = live_server.url
    sign_in(page, base, attorney.email)
    page.goto(f"{base}{reverse('work:task_detail', args=[firm.slug, task.public_id])}")
    body = page.locator("#task-body")
    expect(body).to_contain_text("Dec 18, 2026, 12:05 PM PST")
    assert _too_wide(page) == ""

    # The areas menu is folded away on a phone and opens from the top bar.
    areas = page.get_by_role("navigation", name="Areas")
    expect(areas.get_by_role("link", name="Review")).to_be_hidden()
    page.get_by_role("button", name="Open the menu of areas").click()
    expect(areas.get_by_role("link", name="Review")).to_be_visible()
    screenshot(page, "phone-menu-open")
    page.get_by_role("button", name="Close the menu").click()
    expect(areas.get_by_role("link", name="Review")).to_be_hidden()

    page.get_by_text("Return for changes…").click()
    page.get_by_label("Why it goes back").select_option(index=1)
    page.get_by_label("What needs to change").fill("Use the firm's letterhead.")
    page.get_by_role("button", name="Return it").click()
    expect(page.locator("#task-body .badge.status-returned").first).to_be_visible()
    screenshot(page, "phone-task-returned")
    body = page.locator("#task-body")
    # The swapped-in fragment: still Pacific time, the comment's time too.
    expect(body).to_contain_text("Dec 18, 2026, 12:05 PM PST")
    expect(body).not_to_contain_text("3:05 PM EST")
    expect(body).not_to_contain_text("8:05 PM UTC")
    comment = body.locator("li", has_text="Use the firm's letterhead.").first
    expect(comment.locator("time")).to_have_text(re.compile(r"[AP]M P[SD]T$"))
    assert _too_wide(page) == ""


ROLES = (
    "firm_admin",
    "attorney",
    "assistant",
    "provider_admin",
    "intake_specialist",
)


def _get_pages(fixtures):
    """(url, route) of every GET page of the registry, built as the isolation
    tests build them."""
    return [
        (reverse(route.name, kwargs=route.url_kwargs(fixtures)), route)
        for route in ROUTES.values()
        if route.method == "GET"
    ]


@pytest.mark.slow
def test_every_page_each_role_may_open_fits_a_phone(live_server, new_context, fixtures):
    """Pages the registry lists as denied to a role are not opened for it:
    tests/isolation/test_isolation.py proves they answer 404, never a page to
    measure (the crawl skipped them after opening them before)."""
    pages = _get_pages(fixtures)
    base = live_server.url
    found, opened = {}, {}
    for role in ROLES:
        user = fixtures.user(role)
        page = _phone(new_context)
        page.set_default_timeout(20_000)
        sign_in(page, base, user.email)
        opened[role] = 0
        for url, route in pages:
            if role in route.denied:
                continue
            name = route.name
            try:
                response = page.goto(f"{base}{url}")
            except PlaywrightError as error:  # a file download, not a page
                if "Download is starting" in str(error):
                    continue
                raise
            if response is None or response.status != 200:
                continue
            if "text/html" not in response.headers.get("content-type", ""):
                continue
            opened[role] += 1
            problem = _too_wide(page)
            if problem:
                found[f"{role} {name} {url}"] = problem
                screenshot(page, f"too-wide-{role}-{name.replace(':', '-')}")
        page.context.close()
    assert all(count > 5 for count in opened.values()), opened
    assert found == {}, "\n".join(f"{k}: {v}" for k, v in found.items())
