"""The demo's insights (demo/demo_insights.py, docs/demo.md "Insights"): Hale &
Ortiz's planning before it outsourced, Brandt & Kimura's pilot, and every
insights page answering for the firm admin who opens it."""

from decimal import Decimal

import pytest
from django.urls import reverse

from firmdesk.access.scope import resolve_scope
from firmdesk.demo.services import demo_load
from firmdesk.engagements.models import Engagement
from firmdesk.insights import fit, time_audit
from firmdesk.insights.models import (
    CostComparison,
    FitAssessment,
    Scorecard,
    ScorecardCandidate,
    TimeAudit,
    TimeAuditEntry,
)
from firmdesk.insights.scorecards import comparison
from firmdesk.orgs.models import Organization, User
from tests.factories import sign_in

pytestmark = pytest.mark.usefixtures("demo_loaded")

INSIGHTS_MODELS = (
    TimeAudit,
    TimeAuditEntry,
    FitAssessment,
    CostComparison,
    Scorecard,
    ScorecardCandidate,
)
# The demo's weights: experience 4, vetting 5, availability 4, technology 2,
# references 3, pricing 3, security 5 (Σ 26). By hand:
# Northstar 4·4 + 5·5 + 4·4 + 4·2 + 4·3 + 3·3 + 5·5 = 111 → 111 ÷ 26 = 4.269… → 4.27
# Atlas     3·4 + 3·5 + 5·4 + 3·2 + 4·3 + 5·3 + 3·5 =  95 →  95 ÷ 26 = 3.653… → 3.65
NORTHSTAR_SCORE = Decimal("4.27")
ATLAS_SCORE = Decimal("3.65")


@pytest.fixture
def hale(db):
    return Organization.objects.get(slug="hale-ortiz")


@pytest.fixture
def brandt(db):
    return Organization.objects.get(slug="brandt-kimura")


def admin_of(firm) -> User:
    return User.objects.get(email=f"admin@{firm.slug}.example")


def rows_by_model() -> dict[str, int]:
    return {model.__name__: model.unscoped.count() for model in INSIGHTS_MODELS}


def test_loading_again_creates_no_insights(hale):
    before = rows_by_model()
    assert demo_load() == 0
    assert rows_by_model() == before
    assert all(before.values()), before


def test_a_closed_audit_shows_the_attorneys_billing_about_3_of_8_hours(hale):
    audit = TimeAudit.objects.for_firm(hale).get()
    assert audit.closed_at is not None
    results = time_audit.audit_results(audit)
    attorneys = results.attorneys
    # Three attorneys, each 8 hours a day: 3, 2.75 and 3.5 billable.
    assert attorneys.total_per_day == Decimal("8.00")
    assert attorneys.billable_per_day == Decimal("3.08")
    assert attorneys.billed_of_eight == Decimal("3.1")
    # The staff member bills nothing, so the whole firm bills less.
    assert results.firm.billed_of_eight == Decimal("2.3")
    # What the fit assessment is pointed at next.
    assert [share.label for share in results.candidates] == [
        "Scheduling and calendars",
        "Calls and messages",
        "Document preparation",
    ]


def test_the_fit_assessment_ranks_calendar_entry_above_billing(hale):
    ranking = fit.ranked(fit.assessments(resolve_scope(admin_of(hale), hale)))
    order = [row.assessment.task_type for row in ranking.candidates]
    assert order.index("Calendar and court-date entry") < order.index(
        "Pre-bill review and invoices"
    )
    assert order[0] == "Calendar and court-date entry"
    assert [row.assessment.task_type for row in ranking.others] == [
        "Case strategy memos"
    ]


def test_the_cost_comparison_and_a_scorecard_of_two_candidates_exist(hale):
    costs = CostComparison.objects.for_firm(hale).get()
    assert costs.hours_per_year and costs.hourly_rate
    scorecard = Scorecard.objects.for_firm(hale).get()
    ranked = comparison(scorecard, today=scorecard.created_at.date())
    assert [(r.rank, r.candidate.name, r.score) for r in ranked.rows] == [
        (1, "Northstar Legal Support", NORTHSTAR_SCORE),
        (2, "Atlas Virtual Paralegals", ATLAS_SCORE),
    ]


def test_the_demo_pilot_names_its_function_dates_and_targets(brandt):
    pilot = Engagement.objects.for_firm(brandt).get(status=Engagement.Status.PILOT)
    assert pilot.pilot_function == "scheduling" in pilot.functions
    assert (pilot.pilot_evaluation - pilot.pilot_start).days == 75
    assert pilot.pilot_targets == {
        "on_time_percent": 90,
        "rework_percent": 10,
        "cost_per_task": 25,
        "lead_response_median_minutes": 60,
    }


def test_every_insights_page_answers_the_firm_admin(client, hale, brandt):
    slug = hale.slug
    engagement = (
        Engagement.objects.for_firm(hale).filter(status=Engagement.Status.ACTIVE).get()
    )
    audit = TimeAudit.objects.for_firm(hale).get()
    costs = CostComparison.objects.for_firm(hale).get()
    scorecard = Scorecard.objects.for_firm(hale).get()
    pages = {
        "insights:home": [slug],
        "insights:dashboard": [slug],
        "insights:engagement_dashboard": [slug, engagement.public_id],
        "insights:audit_list": [slug],
        "insights:audit_detail": [slug, audit.public_id],
        "insights:fit_list": [slug],
        "insights:cost_list": [slug],
        "insights:cost_edit": [slug, costs.public_id],
        "insights:scorecard_list": [slug],
        "insights:scorecard_detail": [slug, scorecard.public_id],
        "insights:pilot_list": [slug],
        "insights:report_list": [slug],
    }
    sign_in(client, admin_of(hale))
    answers = {
        name: client.get(reverse(name, args=args)) for name, args in pages.items()
    }
    assert {name: r.status_code for name, r in answers.items()} == dict.fromkeys(
        pages, 200
    )
    # What the admin reads there: the "3 of 8 hours" picture and the ranking.
    assert "3.1 of 8 hours" in answers["insights:audit_detail"].content.decode()
    card = answers["insights:scorecard_detail"].content.decode()
    assert f"<strong>{NORTHSTAR_SCORE}</strong> out of 5" in card
    assert f"<strong>{ATLAS_SCORE}</strong> out of 5" in card

    pilot = Engagement.objects.for_firm(brandt).get(status=Engagement.Status.PILOT)
    sign_in(client, admin_of(brandt))
    page = client.get(
        reverse("insights:pilot_detail", args=[brandt.slug, pilot.public_id])
    )
    assert page.status_code == 200
    assert "On-time completion, at least" in page.content.decode()


def test_the_demo_firm_recovered_billable_hours_last_month(hale):
    """Since outsourcing the demo's attorneys bill about 4 hours a day against
    the audit's 3: last month's dashboard shows the hours they got back."""
    import datetime

    from django.utils import timezone

    from firmdesk.insights.figures import month_figures

    today = timezone.localdate(timezone=hale.tz)
    last_month = (today.replace(day=1) - datetime.timedelta(days=1)).replace(day=1)

    figures = month_figures(hale, last_month, today=today)

    assert figures.recovered_attorneys == 3
    assert figures.hours_recovered is not None
    assert figures.hours_recovered > 0
    assert figures.recovered_month_hours > figures.recovered_baseline_hours
