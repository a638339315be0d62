"""axe-core on every page, as the person who would open it.

Only "serious" and "critical" findings fail; the message lists each rule, the
elements it flagged and axe's help text, so the fix can start from the failure.
Set FIRMDESK_SCREENSHOTS to a folder to also save screenshots of key pages.
"""

import re

import pytest
from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import expect

from firmdesk.conflicts import services as conflicts
from firmdesk.engagements.models import Assignment
from tests import factories as f

from .conftest import PASSWORD, sign_in
from .conftest import screenshot as take_screenshot

pytestmark = pytest.mark.browser

BLOCKING = {"serious", "critical"}


class Checker:
    """Runs axe on one person's pages; findings go to the shared ``failures``."""

    def __init__(self, page, base_url, failures):
        self.axe = Axe()
        self.page = page
        self.base = base_url
        self.failures = failures

    def visit(self, path, *, heading=None, screenshot=None):
        response = self.page.goto(self.base + path)
        assert response.status == 200, f"{path}: HTTP {response.status}"
        self.check(path, heading=heading, screenshot=screenshot)

    def check(self, label, *, heading=None, screenshot=None):
        if heading is not None:
            expect(self.page.get_by_role("heading", level=1)).to_contain_text(heading)
        results = self.axe.run(self.page)
        for violation in results.response["violations"]:
            if violation["impact"] not in BLOCKING:
                continue
            targets = "; ".join(
                " ".join(node["target"]) for node in violation["nodes"][:5]
            )
            self.failures.append(
                f"{label}: {violation['id']} ({violation['impact']}) "
                f"on {targets}: {violation['help']}"
            )
        if screenshot:
            take_screenshot(self.page, screenshot)


def test_every_page_passes_axe_for_the_person_who_uses_it(
    live_server,
    new_context,
    problems,
    page,
    firm,
    firm_admin,
    provider,
    provider_admin,
    engagement,
    assistant,
    matter,
):
    f.task(
        firm,
        matter=matter,
        assignee=assistant,
        title="Calendar the hearing",
        instructions="Call the clerk.\n\nThen book the room.",
    )
    task = f.task(firm, matter=None, title="Order the transcript")
    assignment = Assignment.unscoped.get(engagement=engagement, user=assistant)
    base = live_server.url
    slug = firm.slug
    eng = f"/f/{slug}/engagements/{engagement.public_id}"
    failures = []

    # Signed out: the login page, and the same page saying the password was wrong.
    anonymous = Checker(page, base, failures)
    anonymous.visit("/login/", heading="Sign in")
    page.get_by_label("E-mail").fill("nobody@example.com")
    page.get_by_label("Password").fill("wrong password")
    page.get_by_role("button", name="Sign in").click()
    expect(page.get_by_role("alert")).to_contain_text("not right")
    anonymous.check("/login/ (wrong password)")

    # The firm admin sees every firm page.
    admin_page = problems.watch(new_context().new_page())
    admin = Checker(admin_page, base, failures)
    sign_in(admin_page, base, firm_admin.email)
    admin.check("/today/", heading="Today")
    admin.visit(f"/f/{slug}/", heading="Today at", screenshot="firm-today")
    admin_page.locator("#firm-switcher").click()
    expect(admin_page.locator("#firm-switcher")).to_have_attribute(
        "aria-expanded", "true"
    )
    admin.check("firm switcher, open")
    admin.visit(f"/f/{slug}/matters/", heading="Matters", screenshot="matter-list")
    admin.visit(f"/f/{slug}/matters/{matter.public_id}/", heading=matter.number)
    admin.visit(f"/f/{slug}/tasks/", heading="Tasks")
    admin.visit(f"/f/{slug}/tasks/{task.public_id}/", heading=task.title)
    expect(admin_page.locator(".instructions")).to_have_text("No instructions.")
    admin.visit(f"/f/{slug}/engagements/", heading="Engagements")
    admin.visit(f"{eng}/", heading=engagement.name, screenshot="engagement-detail")
    admin.visit(f"/f/{slug}/engagements/new/", heading="Engage a provider")
    admin_page.get_by_role("button", name="Save engagement").click()
    expect(admin_page.get_by_role("alert")).to_be_visible()
    # Each error is read out with its field (Django points aria-describedby at
    # "<id>_error"), not only shown in red below it.
    expect(admin_page.get_by_label("Name", exact=True)).to_have_accessible_description(
        re.compile("Fill in")
    )
    admin.check("engagement form with errors", screenshot="engagement-form-errors")
    admin.visit(f"{eng}/edit/", heading="Edit")
    admin.visit(f"{eng}/assign/", heading="Assign staff")
    admin.visit(f"{eng}/nda/", heading="confidentiality agreement")
    admin.visit(f"{eng}/grants/", heading="Open a matter")
    admin.visit(f"{eng}/end/", heading="End")
    admin.visit(f"{eng}/assignments/{assignment.public_id}/end/", heading="Remove")
    admin.visit(f"/f/{slug}/people/", heading="People")
    admin.visit(
        f"/f/{slug}/people/{firm_admin.public_id}/absences/", heading="Absences"
    )
    admin.visit(f"/f/{slug}/audit/", heading="Audit trail")
    contact = conflicts.contact_save(
        firm=firm,
        actor=firm_admin,
        kind="person",
        name="Robert Smith",
        aliases=[("Bobby Smith", "aka")],
    )
    admin.visit(f"/f/{slug}/contacts/", heading="Contacts")
    admin.visit(f"/f/{slug}/contacts/{contact.public_id}/", heading="Robert Smith")
    admin.visit(f"/f/{slug}/contacts/new/", heading="New contact")
    admin.visit(f"/f/{slug}/conflicts/new/", heading="Run a conflict check")
    admin_page.get_by_label("Names to check").fill("Bob Smyth\nJane Roe")
    admin_page.get_by_role("button", name="Search").click()
    admin.check("conflict check with hits", heading="Conflict check")
    admin.visit(f"/f/{slug}/conflicts/", heading="Conflict checks")
    admin.visit(f"/f/{slug}/matters/{matter.public_id}/screens/", heading="screens")
    admin.visit(f"/f/{slug}/import/", heading="Import")

    # The assistant: two-factor set-up, then the provider side of the firm.
    assistant_page = problems.watch(new_context().new_page())
    outside = Checker(assistant_page, base, failures)
    sign_in(
        assistant_page,
        base,
        assistant.email,
        before_code=lambda p: outside.check("/account/two-factor/ (set up)"),
    )
    outside.check("/today/ (assistant)", heading="Today", screenshot="assistant-today")
    outside.visit(f"/f/{slug}/", heading="Today at", screenshot="assistant-firm-today")
    outside.visit(f"/f/{slug}/matters/", heading="Matters")
    outside.visit(f"/f/{slug}/tasks/", heading="Tasks")

    # The provider admin: staff roster, absences, marking someone as left.
    roster_page = problems.watch(new_context().new_page())
    roster = Checker(roster_page, base, failures)
    sign_in(roster_page, base, provider_admin.email)
    staff = f"/p/{provider.slug}/staff"
    roster.visit(f"{staff}/", heading="staff roster")
    roster.visit(f"{staff}/{assistant.public_id}/absences/", heading="Absences")
    roster.visit(f"{staff}/{assistant.public_id}/left/", heading="leaving")

    # Too many failed sign-ins: the lock-out page.
    locked = problems.watch(new_context().new_page())
    lockout = Checker(locked, base, failures)
    problems.expect(f"{base}/login/", 429)
    for _ in range(5):
        locked.goto(f"{base}/login/")
        locked.get_by_label("E-mail").fill(firm_admin.email)
        locked.get_by_label("Password").fill(PASSWORD + "x")
        locked.get_by_role("button", name="Sign in").click()
    lockout.check("locked out", heading="Too many failed sign-ins")

    assert not failures, (
        f"axe found {len(failures)} serious or critical problems:\n"
        + "\n".join(failures)
    )
