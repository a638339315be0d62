"""The planner in Chromium (issue 18, "Done means"): a firm admin of a new firm
walks time audit → fit assessment → cost comparison → scorecard → engagement
in pilot, through the pages only, typing with the keyboard.

Every figure the test expects is worked out by hand beside it; axe checks each
step's page as the admin sees it (serious and critical findings fail)."""

import datetime
import re
from dataclasses import dataclass
from decimal import Decimal

import pytest
from django.utils import timezone
from playwright.sync_api import Page, expect

from firmdesk.engagements.models import Engagement
from firmdesk.insights.models import AuditCategory, FitAssessment
from firmdesk.insights.time_audit import show_day
from tests import factories as f

from .conftest import screenshot, sign_in
from .test_accessibility import Checker

pytestmark = pytest.mark.browser

A = AuditCategory


@dataclass
class Walk:
    page: Page
    axe: Checker

    def area(self, name: str):
        """Open one of the areas in the side navigation."""
        areas = self.page.get_by_role("navigation", name="Areas")
        areas.get_by_role("link", name=name, exact=True).click()

    def open_step(self, name: str):
        """Open a step of the planner from the Insights page."""
        self.area("Insights")
        expect(self.page.get_by_role("heading", level=1)).to_have_text("Insights")
        self.page.get_by_role("link", name=name, exact=True).click()


def type_in(box, text: str):
    """Focus a box and type into it key by key, as a person without a mouse."""
    box.focus()
    box.press("ControlOrMeta+a")
    box.press_sequentially(text)


def test_a_firm_admin_walks_the_planner_from_audit_to_pilot(
    live_server, page, problems, firm, firm_admin, provider
):
    engagement = f.engagement(
        firm,
        provider,
        status=Engagement.Status.PROPOSED,
        name="Northstar for calendars",
        start_date=None,
    )
    base = live_server.url
    failures: list[str] = []
    walk = Walk(page, Checker(page, base, failures))
    sign_in(page, base, firm_admin.email)
    page.goto(f"{base}/f/{firm.slug}/")

    _time_audit(walk, firm)
    _fit_assessment(walk)
    _cost_comparison(walk, engagement)
    _scorecard(walk)
    _pilot(walk, firm, engagement)

    assert not failures, "axe found serious or critical problems:\n" + "\n".join(
        failures
    )


# --- a. The time audit -------------------------------------------------------------

# Two days of Grace's week (category → hours as typed). Monday: 3 billable of
# 8 hours; Tuesday: 4.5 of 8.5. Billable 7.5 h over 2 days = 3.75 h a day;
# non-billable 9 h ÷ 2 = 4.5 h; all hours 16.5 ÷ 2 = 8.25 h; utilisation
# 7.5 ÷ 16.5 = 45.45… → 45.5 %.
MONDAY = {A.BILLABLE: "3", A.SCHEDULING: "1.5", A.CRM: "2", A.OTHER: "1.5"}
TUESDAY = {A.BILLABLE: "4.5", A.SCHEDULING: "1:30", A.BILLING: "2.5"}


def _box(page, category, day):
    return page.get_by_label(f"{category.label}, {show_day(day)}", exact=True)


def _time_audit(walk: Walk, firm):
    page = walk.page
    today = timezone.localdate(timezone=firm.tz)
    monday = today - datetime.timedelta(days=today.weekday() + 7)  # last week's
    tuesday, friday = monday + datetime.timedelta(1), monday + datetime.timedelta(4)

    walk.open_step("Time audit")
    type_in(page.get_by_label("Name"), "Where our week goes")
    page.get_by_label("First day").fill(monday.isoformat())
    page.get_by_label("Last day").fill(friday.isoformat())
    page.get_by_label("Last day").press("Enter")
    expect(page.get_by_role("heading", level=1)).to_have_text("Where our week goes")
    page.get_by_role("link", name="Record hours", exact=True).click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Record my hours")

    for category, hours in MONDAY.items():
        type_in(_box(page, category, monday), hours)
    for category, hours in TUESDAY.items():
        type_in(_box(page, category, tuesday), hours)
    # A decimal comma, as some people write it.
    type_in(_box(page, A.BILLING, tuesday), "2,5")
    page.get_by_role("button", name="Save my hours").click()

    expect(page.get_by_role("alert")).to_have_text(
        "Please fix the boxes marked below; nothing you typed was lost."
    )
    billing = _box(page, A.BILLING, tuesday)
    expect(billing).to_have_accessible_description(
        "The hours “2,5” are not a number; write them like 1.5 or 1:30."
    )
    expect(billing).to_have_value("2,5")
    # The message wraps under its box; Tuesday's column stays as wide as Monday's.
    width = _box(page, A.BILLING, monday).bounding_box()["width"]
    assert billing.bounding_box()["width"] == pytest.approx(width, abs=1)
    for category, hours in MONDAY.items():
        expect(_box(page, category, monday)).to_have_value(hours)
    for category, hours in TUESDAY.items():
        if category != A.BILLING:
            expect(_box(page, category, tuesday)).to_have_value(hours)
    walk.axe.check("time audit grid with a bad value")
    screenshot(page, "insights-audit-grid-error")

    type_in(billing, "2.5")
    billing.press("Enter")
    expect(page.get_by_text("Your hours are saved (7 changes).")).to_be_visible()

    page.get_by_role("link", name="Where our week goes").click()
    closing = page.locator("summary", has_text="Close the audit…")
    closing.focus()
    closing.press("Enter")
    page.get_by_role("button", name="Close it now").press("Enter")
    expect(page.get_by_text("The audit is closed")).to_be_visible()
    expect(
        page.locator(".badge", has_text="Baseline for hours recovered")
    ).to_be_visible()

    mine = page.get_by_role("row", name=re.compile(r"^Grace Hale 2 "))
    expect(mine.first).to_have_text(
        re.compile(r"Grace Hale\s*2\s*3\.75 h\s*4\.5 h\s*8\.25 h\s*45\.5 %")
    )
    expect(page.locator("dl.figures")).to_contain_text("3.75 h of 8.25 h recorded")
    walk.axe.check("time audit results", heading="Where our week goes")
    screenshot(page, "insights-audit-results")
    # Non-billable, largest first: scheduling 3 h, billing 2.5 h, data entry 2 h.
    expect(
        page.get_by_role("region", name="Where the non-billable time goes")
    ).to_contain_text(
        "scheduling and calendars, billing and collections, data entry and records"
    )


# --- b. The fit assessment ---------------------------------------------------------


def _assess(page, *, task: str, function: str, yes: list[int], flags: int, hours: str):
    """The whole form from the keyboard, in its Tab order: the kind of task,
    the function, the four questions, the two risk flags, the hours."""
    page.get_by_role("link", name="Assess a kind of task").click()
    type_in(page.get_by_label("Kind of task"), task)
    page.keyboard.press("Tab")
    expect(page.get_by_label("Function")).to_be_focused()
    page.get_by_label("Function").select_option(label=function)
    for question in range(4):
        page.keyboard.press("Tab")
        if question in yes:
            page.keyboard.press(" ")
    for flag in range(2):
        page.keyboard.press("Tab")
        if flag < flags:
            page.keyboard.press(" ")
    page.keyboard.press("Tab")
    hours_box = page.get_by_label("Hours a week the firm spends on it")
    expect(hours_box).to_be_focused()
    page.keyboard.type(hours)
    page.keyboard.press("Enter")
    expect(page.get_by_text(f"“{task}” assessed.")).to_be_visible()


def _fit_assessment(walk: Walk):
    page = walk.page
    # The audit's results lead straight on to the next step.
    page.get_by_role("link", name="Assess them in the fit assessment").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Fit assessment")

    # Billing first, so the order below is the ranking's, not the typing's.
    _assess(page, task="Billing", function="Billing", yes=[0, 3], flags=2, hours="3")
    _assess(
        page,
        task="Calendar entry",
        function="Scheduling",
        yes=[0, 1, 2, 3],
        flags=0,
        hours="2",
    )
    rows = page.get_by_role("region", name=re.compile("^Candidates")).locator(
        "tbody tr"
    )
    expect(rows).to_have_count(2)
    expect(rows.nth(0)).to_contain_text("#1")
    expect(rows.nth(0)).to_contain_text("Calendar entry")
    expect(rows.nth(0).locator(".badge")).to_have_text("None")
    expect(rows.nth(1)).to_contain_text("#2")
    expect(rows.nth(1)).to_contain_text("Billing")
    expect(rows.nth(1).locator(".badge")).to_have_text("2 flags")
    # Space ticked the boxes the Tab order reached: questions 1 and 4, both flags.
    billing = FitAssessment.unscoped.get(task_type="Billing")
    assert [billing.no_law_degree, billing.falling_behind] == [True, False]
    assert [billing.billable_lost, billing.instructions_possible] == [False, True]
    assert billing.touches_revenue and billing.needs_supervision
    walk.axe.check("fit assessment, ranked")
    screenshot(page, "insights-fit-ranked")


# --- c. The cost comparison --------------------------------------------------------

COSTS = {
    "Title": "Calendars: in-house or Northstar",
    "Hours of this work a year": "1500",
    "Tasks a year": "2400",
    "Salary a year": "52000",
    "Benefits, as a share of the salary (%)": "25",
    "Office space a year": "4800",
    "Equipment and software a year": "1200",
    "Recruiting one hire": "3000",
    "Training one hire": "2000",
    "Turnover: share of the role replaced in a year (%)": "20",
    "The provider's hourly rate": "35",
}
# By hand: in-house = 52,000 + 25 % of it (13,000) + 4,800 + 1,200
#                     + (3,000 + 2,000) × 20 % (1,000)            = 72,000.00
# outsourced = 35 × 1,500 = 52,500.00; saving 19,500.00 a year
# per hour: 72,000 ÷ 1,500 = 48.00 and 35.00
# per task: 72,000 ÷ 2,400 = 30.00 and 52,500 ÷ 2,400 = 21.875 → 21.88
# break-even: 72,000 ÷ 35 = 2,057.14… → 2,057.1 hours; 1,500 are below it.
INHOUSE_PER_HOUR = Decimal("48.00")


def _cost_comparison(walk: Walk, engagement):
    page = walk.page
    walk.open_step("Cost comparison")
    page.get_by_role("link", name="New cost comparison").click()
    for label, value in COSTS.items():
        type_in(page.get_by_label(label, exact=True), value)
    page.get_by_label("Function").select_option(label="Scheduling")
    expect(page.get_by_role("radio", name="Hourly rate")).to_be_checked()
    # Enter in a box works it out (the form's first button) without saving.
    page.get_by_label("The provider's hourly rate").press("Enter")

    result = page.get_by_role("region", name=re.compile("^The result"))
    expect(result).to_contain_text("not saved yet")
    expect(result).to_contain_text("Outsourcing saves $19,500.00 a year.")
    table = result.get_by_role("table", name="In-house against outsourced")
    expect(table.get_by_role("row", name=re.compile("^A year"))).to_have_text(
        re.compile(r"A year\s*\$72,000\.00\s*\$52,500\.00")
    )
    expect(table.get_by_role("row", name=re.compile("^Per hour"))).to_have_text(
        re.compile(r"Per hour\s*\$48\.00\s*\$35\.00")
    )
    expect(table.get_by_role("row", name=re.compile("^Per task"))).to_have_text(
        re.compile(r"Per task\s*\$30\.00\s*\$21\.88")
    )
    expect(result).to_contain_text("At 2,057.1 hours a year both cost $72,000.00.")
    expect(result).to_contain_text("The 1,500 hours you expect are below it")
    expect(page.get_by_label("Salary a year")).to_have_value("52000")
    walk.axe.check("cost comparison, worked out")
    screenshot(page, "insights-costs-result")

    page.get_by_role("button", name="Save", exact=True).click()
    expect(page.get_by_text(f"“{COSTS['Title']}” saved.")).to_be_visible()
    page.get_by_role("link", name="Use as an engagement's in-house baseline…").click()
    expect(page.locator("main")).to_contain_text(
        "The in-house cost per hour here is $48.00"
    )
    page.get_by_label("Engagement", exact=True).select_option(
        label="Northstar for calendars (proposed)"
    )
    page.get_by_role("button", name="Set the in-house cost per hour").click()
    expect(
        page.get_by_text(
            "Northstar for calendars: the in-house cost per hour is now $48.00."
        )
    ).to_be_visible()
    engagement.refresh_from_db()
    assert engagement.inhouse_hourly_cost == INHOUSE_PER_HOUR


# --- d. The provider scorecard -----------------------------------------------------

CRITERIA = [
    "Legal experience in your jurisdiction",
    "Staff vetting and training",
    "Availability and responsiveness",
    "Technology compatibility",
    "References",
    "Pricing and contract terms",
    "Security practices",
]
# The suggested weights 4, 5, 4, 3, 3, 4, 5 with References lowered to 1: Σ 26.
# Atlas:     3·4 + 3·5 + 5·4 + 4·3 + 5·1 + 5·4 + 3·5 =  99 → 99 ÷ 26 = 3.807… → 3.81
# Northstar: 4·4 + 5·5 + 4·4 + 3·3 + 4·1 + 3·4 + 5·5 = 107 → 107 ÷ 26 = 4.115… → 4.12
ATLAS = [3, 3, 5, 4, 5, 5, 3]
NORTHSTAR = [4, 5, 4, 3, 4, 3, 5]


def _candidate(page, name: str, scores: list[int], provider: str | None = None):
    page.get_by_role("link", name="Add a candidate").click()
    type_in(page.get_by_label("Candidate", exact=True), name)
    if provider:
        page.get_by_label("On FirmDesk as").select_option(label=provider)
    for criterion, score in zip(CRITERIA, scores, strict=True):
        page.get_by_label(f"Score for “{criterion}”").select_option(str(score))
    page.get_by_role("button", name="Add the candidate").press("Enter")
    expect(page.get_by_text(f"“{name}” added.")).to_be_visible()


def _scorecard(walk: Walk):
    page = walk.page
    walk.open_step("Provider scorecard")
    page.get_by_role("link", name="New scorecard").click()
    type_in(page.get_by_label("Title"), "Calendar support 2026")
    page.get_by_label("Weight of “References”").select_option("1")
    page.get_by_role("button", name="Create the scorecard").press("Enter")
    expect(page.get_by_role("heading", level=1)).to_have_text("Calendar support 2026")

    _candidate(page, "Atlas Virtual Paralegals", ATLAS)
    _candidate(page, "Northstar Support", NORTHSTAR, provider="Northstar Support")

    table = page.get_by_role("table", name="Candidates side by side, ranked")
    # Ranked, best first: not the order they were added or their names' order.
    expect(table.locator("thead th")).to_have_text(
        [
            "Criterion",
            "Weight",
            re.compile("^Northstar Support"),
            "Atlas Virtual Paralegals",
        ]
    )
    expect(table.get_by_role("row", name=re.compile("^Rank"))).to_have_text(
        re.compile(r"Rank\s*1 of 2\s*2 of 2")
    )
    expect(table.get_by_role("row", name=re.compile("^Weighted score"))).to_have_text(
        re.compile(r"Weighted score\s*Σ 26\s*4\.12 out of 5\s*3\.81 out of 5")
    )
    walk.axe.check("scorecard, two candidates ranked")
    screenshot(page, "insights-scorecard")


# --- e. The engagement in pilot ----------------------------------------------------


def _pilot(walk: Walk, firm, engagement):
    page = walk.page
    today = timezone.localdate(timezone=firm.tz)
    start = today + datetime.timedelta(days=7 - today.weekday())  # next Monday
    evaluation = start + datetime.timedelta(days=75)

    walk.area("Engagement")
    page.get_by_role("link", name="Northstar for calendars").click()
    page.get_by_role("link", name="Edit", exact=True).click()
    # The baseline the cost comparison set is on the form.
    expect(
        page.get_by_label("In-house cost of the same work (per hour)")
    ).to_have_value("48.00")
    type_in(page.get_by_label("First response within (minutes)"), "45")
    page.get_by_label("Status").select_option(label="Pilot")
    page.get_by_role("button", name="Save engagement").press("Enter")

    expect(page.get_by_role("alert")).to_have_text(
        "Please fix the fields marked below; nothing you typed was lost."
    )
    for label, message in (
        ("Function the pilot tries", "Choose the function the pilot tries."),
        ("Pilot starts on", "Enter the day the pilot starts."),
        (
            "Pilot evaluation date",
            "Enter the evaluation date, 60 to 90 days after the start.",
        ),
        (
            "On-time completion, at least (%)",
            "Set at least one target the pilot will be judged by.",
        ),
    ):
        expect(page.get_by_label(label)).to_have_accessible_description(
            re.compile(re.escape(message))
        )
    expect(page.get_by_label("Status")).to_have_value("pilot")
    expect(page.get_by_label("First response within (minutes)")).to_have_value("45")
    walk.axe.check("engagement form, pilot fields missing")
    screenshot(page, "insights-pilot-form-errors")

    page.get_by_label("Function the pilot tries").select_option(label="Scheduling")
    page.get_by_label("Pilot starts on").fill(start.isoformat())
    page.get_by_label("Pilot evaluation date").fill(evaluation.isoformat())
    type_in(page.get_by_label("On-time completion, at least (%)"), "90")
    type_in(page.get_by_label("Rework rate, at most (%)"), "10")
    page.get_by_role("button", name="Save engagement").press("Enter")
    expect(page.get_by_text("Engagement saved.")).to_be_visible()

    engagement.refresh_from_db()
    assert engagement.status == Engagement.Status.PILOT
    assert (engagement.pilot_start, engagement.pilot_evaluation) == (start, evaluation)
    assert engagement.first_response_minutes == 45

    page.get_by_role("link", name="The pilot's figures against its targets").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(
        "Pilot: Northstar for calendars"
    )
    targets = page.get_by_role("region", name="Targets it will be judged by")
    expect(targets.get_by_role("listitem")).to_have_text(
        ["On-time completion, at least 90 %", "Rework rate, at most 10 %"]
    )
    expect(page.locator("main")).to_contain_text("Scheduling")
    walk.axe.check("pilot page before the start")
    screenshot(page, "insights-pilot")
