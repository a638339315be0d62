"""Conflict decisions and matter upkeep in Chromium (issue 16, items 1 and 2):
the decision form starts with nothing chosen and its choices read as lines, not
a one-word column, at desktop and phone widths; an attorney edits a matter,
adds a party, decides the party's conflict check on the matter page, closes
the matter and reopens it."""

import pytest
from django.urls import reverse
from playwright.sync_api import expect

from firmdesk.conflicts import services as conflicts
from firmdesk.matters.models import Contact, Matter, MatterParty
from tests import factories as f
from tests.isolation.fixtures_intake import *  # noqa: F403

from .conftest import screenshot, sign_in

pytestmark = pytest.mark.browser

# For each choice: its label's width, the width of its first word, whether the
# button sits on the label's first line, and whether the label stays inside its
# form (whether the page itself fits a phone is the 390 px crawl's business).
MEASURE = """
radios => radios.map(radio => {
  const label = document.querySelector(`label[for="${radio.id}"]`);
  const text = [...label.childNodes]
    .find(n => n.nodeType === 3 && n.textContent.trim());
  const word = text.textContent.trim().split(/\\s+/)[0];
  const at = text.textContent.indexOf(word);
  const range = document.createRange();
  range.setStart(text, at);
  range.setEnd(text, at + word.length);
  const box = label.getBoundingClientRect();
  const button = radio.getBoundingClientRect();
  return {
    text: label.textContent.trim(),
    label: box.width,
    word: range.getBoundingClientRect().width,
    beside: button.top < box.top + 24 && button.right <= box.left + 4,
    fits: box.right <= radio.form.getBoundingClientRect().right + 1,
  };
})
"""


def _old_globex_matter(firm):
    old = f.MatterFactory(
        firm=firm, number="M-2019-004", title="Globex lease", status="pre_existing"
    )
    globex = Contact.unscoped.create(
        firm=firm, kind="organization", name="Globex Corporation"
    )
    MatterParty.unscoped.create(firm=firm, matter=old, contact=globex, role="client")
    conflicts.index_rebuild(firm=firm)
    return old


def _assert_readable_choices(page, name: str, shot: str):
    screenshot(page, shot)
    radios = page.locator(f'input[type="radio"][name="{name}"]')
    expect(radios).to_have_count(3)
    for index in range(3):
        expect(radios.nth(index)).not_to_be_checked()
    for choice in radios.evaluate_all(MEASURE):
        assert choice["label"] > 2 * choice["word"], choice
        assert choice["beside"] and choice["fits"], choice


@pytest.mark.parametrize("width", [1366, 390])
def test_decision_forms_start_empty_and_lay_out_at_desktop_and_phone_width(
    live_server, page, problems, firm, firm_admin, lead, width
):
    _old_globex_matter(firm)
    check = conflicts.conflict_check_record(
        firm=firm, run_by=None, names=["Globex Corp", lead.name]
    )
    lead.conflict_check = check
    lead.save(update_fields=["conflict_check"])
    page.set_viewport_size({"width": width, "height": 900})
    sign_in(page, live_server.url, firm_admin.email)

    page.goto(
        live_server.url
        + reverse("matters:conflict_check_detail", args=[firm.slug, check.public_id])
    )
    _assert_readable_choices(page, "decision", f"check-decision-{width}")
    page.get_by_role("button", name="Record decision").click()
    errors = page.locator(".invalid-feedback")
    expect(errors).to_contain_text("Choose one: clear, conflict or waived.")
    page.get_by_label("Clear — no conflict").check()
    page.get_by_role("button", name="Record decision").click()
    expect(errors).to_contain_text("why none of them is a conflict")
    expect(page.get_by_label("Clear — no conflict")).to_be_checked()

    page.goto(
        live_server.url
        + reverse("intake:lead_detail", args=[firm.slug, lead.public_id])
    )
    _assert_readable_choices(page, "decision", f"lead-decision-{width}")
    expect(page.get_by_text("(pre-existing, open)").first).to_be_visible()


def test_edit_add_party_decide_close_and_reopen(
    live_server, page, problems, firm, attorney, matter
):
    lopez = Contact.unscoped.create(firm=firm, kind="person", name="Maria Lopez")
    MatterParty.unscoped.create(firm=firm, matter=matter, contact=lopez, role="client")
    _old_globex_matter(firm)
    base = live_server.url
    sign_in(page, base, attorney.email)
    page.goto(f"{base}/f/{firm.slug}/matters/{matter.public_id}/")
    expect(page.get_by_role("link", name="Delegate a task")).to_have_attribute(
        "href", f"/f/{firm.slug}/tasks/new/?matter={matter.public_id}"
    )

    page.get_by_role("link", name="Edit", exact=True).click()
    page.get_by_label("Matter title").fill("Lopez v. Acme Logistics")
    page.get_by_label("Practice area").fill("Employment")
    page.get_by_role("button", name="Save").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text(
        "Lopez v. Acme Logistics"
    )

    page.get_by_role("link", name="Add a party").click()
    page.get_by_label("Name as written").fill("Globex Corp")
    page.get_by_label("Person or organisation").select_option("organization")
    page.get_by_label("Role").select_option("adverse")
    page.get_by_role("button", name="Add and check conflicts").click()
    waiting = page.locator("section[aria-labelledby=h-waiting]")
    expect(waiting).to_contain_text("Globex Corporation")
    expect(waiting).to_contain_text("M-2019-004")
    waiting.get_by_label("Clear — no conflict").check()
    waiting.get_by_label("Note").fill("Globex Corp is a different company.")
    waiting.get_by_role("button", name="Record decision").click()
    expect(page.get_by_text("Decision recorded.")).to_be_visible()
    expect(page.locator("section[aria-labelledby=h-waiting]")).to_have_count(0)
    expect(page.locator("section[aria-labelledby=h-parties]")).to_contain_text(
        "Globex Corp"
    )

    page.get_by_text("Close the matter…").click()
    page.get_by_role("button", name=f"Yes, close {matter.number}").click()
    expect(page.get_by_text(f"{matter.number} closed.")).to_be_visible()
    page.goto(f"{base}/f/{firm.slug}/matters/")
    expect(page.get_by_role("link", name=matter.number)).to_have_count(0)
    page.get_by_label("Status").select_option("closed")
    page.get_by_role("button", name="Filter").click()
    page.get_by_role("link", name=matter.number).click()
    page.get_by_role("button", name=f"Reopen {matter.number}").click()
    expect(page.get_by_text(f"{matter.number} reopened.")).to_be_visible()
    matter.refresh_from_db()
    assert matter.status == Matter.Status.OPEN and matter.title.endswith("Logistics")
