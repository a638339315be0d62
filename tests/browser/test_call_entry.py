"""Taking a call with the keyboard only, in Chromium: the receptionist types the
caller, the number, finds the matter by its client's name and takes it from the
list with the arrow keys, writes the message, marks it urgent and presses Enter;
the form is empty and ready for the next call at once. The attorney finds the
message under "For me" and acknowledges it."""

import pytest
from playwright.sync_api import expect

from firmdesk.intake.models import CallLog
from firmdesk.matters.models import Contact, MatterParty
from tests.isolation.fixtures_reception import *  # noqa: F403

from .conftest import sign_in
from .test_accessibility import Checker

pytestmark = pytest.mark.browser


def _focused_name(page) -> str:
    return page.evaluate("document.activeElement.name || ''")


def test_receptionist_takes_a_call_with_the_keyboard_and_the_attorney_acknowledges(
    live_server, new_context, problems, page, firm, matter, attorney, receptionist
):
    lopez = Contact.objects.for_firm(firm).create(
        firm=firm, kind="person", name="Maria Lopez"
    )
    MatterParty.objects.for_firm(firm).create(
        firm=firm, matter=matter, contact=lopez, role=MatterParty.Role.CLIENT
    )
    base, slug = live_server.url, firm.slug
    failures: list[str] = []

    desk = Checker(page, base, failures)
    sign_in(page, base, receptionist.email)
    desk.visit(f"/f/{slug}/calls/new/", heading="Take a call")
    expect(page.get_by_label("Caller")).to_be_focused()

    keys = page.keyboard
    keys.type("Maria Lopez")
    keys.press("Tab")
    keys.type("212 555 0142")
    keys.press("Tab")
    assert _focused_name(page) == "matter_query"
    keys.type("maria")
    option = page.locator("button.matter-option")
    expect(option).to_have_count(1)
    expect(option).to_contain_text("M-2026-001 Lopez v. Acme")
    desk.check("call entry, matter matches shown")
    keys.press("ArrowDown")
    expect(option).to_be_focused()
    keys.press("Enter")

    expect(page.get_by_label("Message")).to_be_focused()
    expect(page.get_by_label("Matter", exact=True)).to_have_value(
        "M-2026-001 Lopez v. Acme"
    )
    expect(page.locator("input[name=matter]")).to_have_value(str(matter.public_id))
    expect(page.get_by_label("For", exact=True)).to_have_value(str(attorney.public_id))
    keys.type("The hearing notice says Friday;")
    keys.press("Shift+Enter")
    keys.type("she thought it was Monday.")
    keys.press("Tab")
    expect(page.get_by_label("Urgent")).to_be_focused()
    keys.press("Space")
    keys.press("Enter")

    expect(page.get_by_role("status").first).to_contain_text(
        "Urgent message from Maria Lopez sent to Owen Ortiz."
    )
    expect(page.get_by_label("Caller")).to_be_focused()
    expect(page.get_by_label("Caller")).to_have_value("")
    expect(page.get_by_label("Message")).to_have_value("")
    call = CallLog.objects.for_firm(firm).get()
    assert (call.number, call.matter, call.recipient, call.urgency) == (
        "+12125550142",
        matter,
        attorney,
        CallLog.Urgency.URGENT,
    )
    assert call.message == "The hearing notice says Friday;\nshe thought it was Monday."
    desk.check("call entry, saved, ready for the next call")

    # Tab reaches the matches too.
    keys.type("Ken Adams")
    keys.press("Tab")
    keys.press("Tab")
    keys.type("M-2026")
    expect(option).to_have_count(1)
    keys.press("Tab")
    expect(option).to_be_focused()
    keys.press("Enter")
    expect(page.locator("input[name=matter]")).to_have_value(str(matter.public_id))
    expect(page.get_by_label("Message")).to_be_focused()

    # The attorney finds it waiting under "For me" and acknowledges it.
    lawyer_page = problems.watch(new_context().new_page())
    lawyer = Checker(lawyer_page, base, failures)
    sign_in(lawyer_page, base, attorney.email)
    lawyer.visit(f"/f/{slug}/calls/", heading="Messages")
    expect(lawyer_page.get_by_role("link", name="For me")).to_have_attribute(
        "aria-current", "page"
    )
    row = lawyer_page.locator(f"#call-{call.public_id}")
    expect(row).to_contain_text("Maria Lopez")
    expect(row).to_contain_text("(212) 555-0142")
    expect(row).to_contain_text("Urgent")
    expect(row).to_contain_text("Waiting")
    button = row.get_by_role("button", name="Acknowledge the message from Maria Lopez")
    button.focus()
    lawyer_page.keyboard.press("Enter")

    expect(lawyer_page.get_by_role("status").first).to_contain_text(
        "Acknowledged the message from Maria Lopez."
    )
    expect(lawyer_page.locator(f"#call-{call.public_id}")).to_contain_text(
        "Acknowledged"
    )
    lawyer.check("messages, acknowledged")
    call.refresh_from_db()
    assert call.acknowledged_at is not None
    assert not failures, (
        f"axe found {len(failures)} serious or critical problems:\n"
        + "\n".join(failures)
    )
