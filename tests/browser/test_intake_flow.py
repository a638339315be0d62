"""A web inquiry from the public form to an open matter, in Chromium (the intake
issue's "Done means"): a visitor in Chicago sends the firm's form naming
Globex Corporation as the other side and asks for a consultation; the lead
shows in the intake specialist's queue with its first-response clock; the
specialist logs the call back, which stops the clock, and sees the conflict
screen's hit on Globex, a client of the firm on an old matter; the attorney
clears the screen, which confirms the consultation on their calendar; the
attorney retains the client, and the matter opens with its parties, the
conflict check and the engagement-letter task. axe runs on every page."""

import datetime
import re

import pytest
from playwright.sync_api import expect

from firmdesk.conflicts import services as conflicts
from firmdesk.conflicts.models import ConflictCheck
from firmdesk.intake.models import Booking, IntakeForm, IntakeQuestion, Lead
from firmdesk.matters.models import Matter, MatterParty
from firmdesk.scheduling.models import Event
from firmdesk.work.models import Task
from tests import factories as f
from tests.isolation.fixtures_intake import *  # noqa: F403

from .conftest import sign_in
from .test_accessibility import Checker

pytestmark = pytest.mark.browser

VISITOR = "Maria Chen"
GLOBEX = "Globex Corporation"


def _employment_form(firm) -> IntakeForm:
    form = IntakeForm.unscoped.create(
        firm=firm,
        title="Employment inquiry",
        slug="employment",
        practice_area="Employment",
        checklist=["Worked in New York", "Within the limitation period"],
    )
    IntakeQuestion.unscoped.create(
        firm=firm,
        form=form,
        position=0,
        label="Do you still work there?",
        kind=IntakeQuestion.Kind.YES_NO,
        required=True,
    )
    IntakeQuestion.unscoped.create(
        firm=firm,
        form=form,
        position=1,
        label="When were you let go?",
        kind=IntakeQuestion.Kind.DATE,
        required=True,
    )
    return form


def _plant_globex(firm, attorney) -> Matter:
    """Globex in the conflict index: the firm's client on a closed matter."""
    globex = conflicts.contact_save(
        firm=firm, actor=attorney, kind="organization", name=GLOBEX
    )
    old = f.MatterFactory(
        firm=firm,
        number="M-2019-014",
        title="Globex lease renewal",
        status=Matter.Status.CLOSED,
        responsible_attorney=attorney,
    )
    MatterParty.unscoped.create(
        firm=firm, matter=old, contact=globex, role=MatterParty.Role.CLIENT
    )
    return old


def test_web_inquiry_is_answered_screened_cleared_booked_and_retained(
    live_server,
    new_context,
    problems,
    page,
    firm,
    attorney,
    engagement,
    intake_specialist,
):
    # Open every day, so the booking page offers times whatever today is.
    firm.working_hours = {str(day): ["08:00", "18:00"] for day in range(7)}
    firm.save()
    old_matter = _plant_globex(firm, attorney)
    form = _employment_form(firm)
    base, slug = live_server.url, firm.slug
    failures: list[str] = []

    # The visitor, in Chicago, sends the form.
    visitor_page = problems.watch(new_context(timezone_id="America/Chicago").new_page())
    visitor = Checker(visitor_page, base, failures)
    visitor.visit(f"/intake/{slug}/{form.slug}/", heading="Employment inquiry")
    visitor_page.get_by_label("Your name").fill(VISITOR)
    visitor_page.get_by_label("E-mail").fill("maria.chen@example.com")
    visitor_page.get_by_label("Phone").fill("(312) 555-0142")
    visitor_page.get_by_label("What happened?").fill(
        "Globex let me go two weeks after I reported unpaid overtime."
    )
    visitor_page.get_by_label("The other side").fill(GLOBEX)
    visitor_page.get_by_role("group", name="Do you still work there?").get_by_label(
        "No"
    ).check()
    visitor_page.get_by_label("When were you let go?").fill("2026-03-02")
    visitor.check("public intake form, filled in")
    visitor_page.get_by_role("button", name=f"Send to {firm.name}").click()
    visitor.check("thanks page", heading=f"{firm.name} has your inquiry")
    lead = Lead.objects.for_firm(firm).get()
    assert (lead.name, lead.phone, lead.adverse_parties) == (
        VISITOR,
        "+13125550142",
        [GLOBEX],
    )
    assert lead.response_due_at is not None
    assert lead.conflict_check is not None  # screened right after the commit

    # ... and asks for the first time offered: a request, not yet confirmed.
    visitor_page.get_by_role("link", name="Book a consultation").click()
    expect(visitor_page).to_have_url(re.compile(r"tz=America%2FChicago"))
    visitor.check("booking page, times offered", heading="Book a consultation")
    visitor_page.locator(".slot-list a").first.click()
    expect(visitor_page.locator("#chosen-time")).to_contain_text(attorney.full_name)
    visitor.check("booking page, time chosen")
    visitor_page.get_by_role("button", name="Ask for this time").click()
    visitor.check("booking requested", heading="Your consultation request")
    expect(visitor_page.locator(".badge")).to_have_text("Requested")
    expect(
        visitor_page.get_by_text("This is a request, not yet an appointment")
    ).to_be_visible()
    booking = Booking.objects.for_firm(firm).get(lead=lead)
    assert (booking.attorney, booking.status) == (attorney, Booking.Status.REQUESTED)
    assert booking.visitor_time_zone == "America/Chicago"

    # The intake specialist finds it in the queue, its clock running.
    desk = Checker(page, base, failures)
    sign_in(page, base, intake_specialist.email)
    desk.visit("/leads/", heading="Lead queue")
    row = page.locator("tr", has=page.get_by_role("link", name=VISITOR))
    expect(row.locator(".badge").first).to_have_text("New")
    expect(row).to_contain_text(re.compile(r"\d+ (minute|hour|day)s? left"))
    due = row.locator("td").nth(3).locator("time")
    shown_due = datetime.datetime.fromisoformat(due.get_attribute("datetime"))
    assert shown_due == lead.response_due_at
    expect(row).to_contain_text("Waiting for an attorney")
    row.get_by_role("link", name=VISITOR).click()
    desk.check("lead page (specialist)", heading=VISITOR)
    screen = page.locator("section[aria-labelledby=h-conflicts]")
    # The old matter is not opened to the specialist, and Globex is known to
    # the firm only through it: the hit says there is one, and names neither.
    hit = screen.locator("tbody tr", has_text=GLOBEX)
    expect(hit).to_contain_text("a party of a matter you cannot open")
    expect(hit).to_contain_text("Client in a matter you cannot open")
    expect(screen).to_contain_text("An attorney of the firm must review these results")
    expect(page.locator("#h-clock ~ dl")).to_contain_text("left")

    page.get_by_label("How", exact=True).select_option("call")
    page.get_by_label("What was said or agreed").fill(
        "Called back, booked consultation; she will bring the termination letter."
    )
    page.get_by_role("button", name="Log it").click()
    expect(page.get_by_role("status").first).to_contain_text(
        "That was the first response: the clock has stopped."
    )
    expect(page.locator("h1 + .badge")).to_have_text("Contacted")
    expect(page.locator("#h-clock ~ dl")).to_contain_text("Answered")
    desk.check("lead page (specialist), contact logged")
    lead.refresh_from_db()
    assert lead.status == Lead.Status.CONTACTED
    assert lead.first_response_at is not None
    assert lead.owner == intake_specialist

    # The attorney reviews the hit and clears the screen.
    lawyer_page = problems.watch(new_context().new_page())
    lawyer = Checker(lawyer_page, base, failures)
    sign_in(lawyer_page, base, attorney.email)
    lead_path = f"/f/{slug}/leads/{lead.public_id}/"
    lawyer.visit(lead_path, heading=VISITOR)
    expect(
        lawyer_page.locator(
            "section[aria-labelledby=h-conflicts] tbody tr", has_text=GLOBEX
        )
    ).to_contain_text(old_matter.number)
    # Nothing is chosen for the attorney (issue 16): the decision is a choice.
    expect(lawyer_page.get_by_label("Clear — no conflict")).not_to_be_checked()
    lawyer_page.get_by_label("Clear — no conflict").check()
    lawyer_page.get_by_label("Note", exact=True).fill(
        "Globex was our client on a lease renewal closed in 2019; unrelated to "
        "this employment claim. No conflict."
    )
    lawyer.check("lead page (attorney), decision filled in")
    lawyer_page.get_by_role("button", name="Record the decision").click()
    expect(lawyer_page.get_by_role("status").first).to_contain_text(
        "Consultations asked for are confirmed"
    )
    consultations = lawyer_page.locator("section[aria-labelledby=h-bookings]")
    expect(consultations).to_contain_text("Confirmed")
    expect(lawyer_page.locator("h1 + .badge")).to_have_text("Consultation scheduled")

    booking.refresh_from_db()
    assert booking.status == Booking.Status.CONFIRMED
    event = booking.event
    assert (event.kind, event.owner) == (Event.Kind.CONSULTATION, attorney)
    assert (event.start, event.end) == (booking.start, booking.end)
    assert event.status == Event.Status.SCHEDULED

    # The visitor's own link now says so.
    visitor_page.reload()
    expect(visitor_page.locator(".badge")).to_have_text("Confirmed")
    expect(visitor_page.get_by_text("Your consultation is confirmed")).to_be_visible()

    # The attorney retains the client: the matter opens.
    lawyer_page.locator("summary", has_text="Retain").click()
    lawyer_page.get_by_label("Matter title").fill(f"Chen v. {GLOBEX}")
    lawyer_page.get_by_label("Responsible attorney").select_option(
        str(attorney.public_id)
    )
    lawyer.check("lead page (attorney), retain form open")
    lawyer_page.get_by_role("button", name="Yes, retain and open the matter").click()
    expect(lawyer_page.get_by_role("status").first).to_contain_text(
        f"{VISITOR} retained the firm"
    )
    expect(lawyer_page.locator("h1 + .badge")).to_have_text("Retained")
    lawyer.check("lead page (attorney), retained")

    lead.refresh_from_db()
    assert lead.status == Lead.Status.RETAINED
    matter = lead.matter
    assert matter is not None
    assert (matter.title, matter.responsible_attorney) == (
        f"Chen v. {GLOBEX}",
        attorney,
    )
    assert matter.practice_area == "Employment"
    check = ConflictCheck.objects.for_firm(firm).get(pk=lead.conflict_check_id)
    assert check.matter == matter
    assert check.decision == ConflictCheck.Decision.CLEAR
    assert check.decided_by == attorney
    parties = {
        (p.role, p.contact.name, p.contact.is_prospective)
        for p in MatterParty.objects.for_firm(firm)
        .filter(matter=matter)
        .select_related("contact")
    }
    # The visitor is a client now, no longer only a prospective one.
    assert {(role, name) for role, name, _ in parties} == {
        (MatterParty.Role.CLIENT, VISITOR),
        (MatterParty.Role.ADVERSE, GLOBEX),
    }
    assert (MatterParty.Role.CLIENT, VISITOR, False) in parties
    task = Task.objects.for_firm(firm).get(matter=matter)
    assert task.title == f"Send the engagement letter to {VISITOR}"
    assert not failures, (
        f"axe found {len(failures)} serious or critical problems:\n"
        + "\n".join(failures)
    )
