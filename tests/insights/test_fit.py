"""Fit assessment (insights/fit.py): the ranked list of what to hand off
first and why, the starter list, the hours from the time audit, and the
services' rules."""

import datetime
from decimal import Decimal

import pytest
from django.utils import timezone

from firmdesk.access.scope import resolve_scope
from firmdesk.common.errors import ServiceError
from firmdesk.insights import fit
from firmdesk.insights.models import FitAssessment, TimeAudit, TimeAuditEntry

from .planning import latest_event

D = Decimal


def assessment(task_type, function="", *, yes=(), flags=(), hours="0"):
    """An unsaved row: ``yes`` and ``flags`` name the questions and flags."""
    a = FitAssessment(task_type=task_type, function=function, hours_per_week=D(hours))
    for name in (*yes, *flags):
        setattr(a, name, True)
    return a


def names(rows):
    return [row.assessment.task_type for row in rows]


# --- Ranking -----------------------------------------------------------------


def test_candidates_rank_by_risk_then_function_then_yeses_then_hours():
    rows = [
        assessment("Invoices", "billing", yes=["no_law_degree"], hours="20"),
        assessment(
            "Drafts", "documents", yes=["falling_behind"], flags=["needs_supervision"]
        ),
        assessment(
            "Collections",
            "billing",
            yes=["billable_lost"],
            flags=["touches_revenue", "needs_supervision"],
        ),
        assessment("Enter contacts", "crm", yes=["no_law_degree"], hours="3"),
        assessment("Court dates", "scheduling", yes=["no_law_degree"], hours="1"),
        assessment(
            "Client reminders",
            "scheduling",
            yes=["no_law_degree", "instructions_possible"],
            hours="1",
        ),
        assessment("Book rooms", "scheduling", yes=["no_law_degree"], hours="4"),
        assessment("Tidy the shelves", yes=["falling_behind"], hours="9"),
        assessment("Research memos", "research"),
    ]
    ranking = fit.ranked(rows)
    assert names(ranking.candidates) == [
        "Client reminders",  # no flag, scheduling, two yeses
        "Book rooms",  # no flag, scheduling, one yes, 4 h
        "Court dates",  # no flag, scheduling, one yes, 1 h
        "Enter contacts",  # no flag, data entry
        "Invoices",  # no flag, billing comes last of the eight
        "Tidy the shelves",  # no flag, no function: after the eight
        "Drafts",  # one flag
        "Collections",  # both flags
    ]
    assert [row.rank for row in ranking.candidates] == list(range(1, 9))
    assert names(ranking.others) == ["Research memos"]
    assert ranking.others[0].rank is None
    assert ranking.others[0].reasons == (
        "No question answered yes, so it is not a candidate to hand off.",
    )


def test_each_row_says_why_it_ranks_where_it_does():
    ranking = fit.ranked(
        [
            assessment("A", "scheduling", yes=["no_law_degree", "falling_behind"]),
            assessment("B", "scheduling", yes=["no_law_degree"], hours="6.5"),
            assessment("C", "scheduling", yes=["no_law_degree"], hours="2"),
            assessment("D", "crm", yes=["no_law_degree"], hours="2"),
            assessment("E", "crm", yes=["no_law_degree"], hours="2"),
            assessment("F", "crm", yes=["no_law_degree"], flags=["touches_revenue"]),
        ]
    )
    first, b, c, d, e, last = ranking.candidates
    assert first.below == ""
    assert first.reasons == (
        "No risk flag.",
        "Scheduling (1 of 8 in the low-risk order): calendar work follows fixed "
        "rules and is easy to check, the lowest-risk work to hand off.",
        "Yes to 2 of the 4 questions: an attorney regularly does it, and it needs "
        "no law degree; the team is falling behind on it.",
        "Hours a week not given.",
    )
    assert b.below == (
        "Below #1: same risk and kind of work, fewer questions answered yes."
    )
    assert b.reasons[-1] == "About 6.5 hours a week."
    assert c.below == "Below #2: alike otherwise, fewer hours a week."
    assert d.below == "Below #3: same risk, later in the low-risk order."
    assert e.below == "Level with #4 on everything; listed by name."
    assert last.below == "Below #5: more risk flags."
    assert last.reasons[0] == "One risk flag: it touches revenue directly."


def test_the_low_risk_order_starts_with_calendar_and_data_entry():
    assert [str(code) for code, _ in fit.FUNCTION_ORDER] == [
        "scheduling",
        "crm",
        "reception",
        "intake",
        "case_management",
        "documents",
        "research",
        "billing",
    ]


# --- Writes ------------------------------------------------------------------


@pytest.fixture
def attorney_scope(firm, attorney):
    return resolve_scope(attorney, firm)


def test_an_attorney_assesses_a_task_and_it_is_audited(firm, attorney_scope):
    made = fit.assessment_create(
        scope=attorney_scope,
        data=fit.FitData(
            task_type="  Calendar   court dates ",
            function="scheduling",
            no_law_degree=True,
            hours_per_week=D("6.5"),
        ),
    )
    assert made.task_type == "Calendar court dates" and made.no_law_degree
    fit.assessment_update(
        scope=attorney_scope,
        assessment=made,
        data=fit.FitData(
            task_type="Calendar court dates",
            function="scheduling",
            no_law_degree=True,
            falling_behind=True,
            hours_per_week=D("6.5"),
        ),
    )
    event = latest_event(firm, "insights.fit_assessment.updated")
    assert event.detail == {
        "before": {"falling_behind": "False"},
        "after": {"falling_behind": "True"},
    }
    fit.assessment_delete(scope=attorney_scope, assessment=made)
    assert not FitAssessment.objects.for_firm(firm).exists()
    assert latest_event(firm, "insights.fit_assessment.deleted")


@pytest.mark.parametrize(
    ("changes", "field", "message"),
    [
        ({"task_type": "   "}, "task_type", "Name the kind of task."),
        ({"function": "cooking"}, "function", "Choose a function from the list."),
        ({"hours_per_week": D("-1")}, "hours_per_week", "from 0 to 168"),
        ({"hours_per_week": D("169")}, "hours_per_week", "from 0 to 168"),
    ],
)
def test_bad_input_is_refused_on_its_field(attorney_scope, changes, field, message):
    data = fit.FitData(**{"task_type": "Calendar", **changes})
    with pytest.raises(ServiceError) as refused:
        fit.assessment_create(scope=attorney_scope, data=data)
    assert refused.value.field == field and message in refused.value.message


def test_in_house_staff_cannot_assess(firm, firm_staff):
    with pytest.raises(ServiceError):
        fit.assessment_create(
            scope=resolve_scope(firm_staff, firm), data=fit.FitData(task_type="X")
        )


# --- The starter list and the time audit -------------------------------------


def closed_audit(firm, person, *, start, days, hours_by_category):
    audit = TimeAudit.unscoped.create(
        firm=firm,
        title="Two weeks in March",
        start_date=start,
        end_date=start + datetime.timedelta(days=days - 1),
        closed_at=timezone.now(),
    )
    for category, hours in hours_by_category.items():
        TimeAuditEntry.unscoped.create(
            firm=firm,
            audit=audit,
            person=person,
            date=start,
            category=category,
            hours=D(hours),
        )
    return audit


def test_hours_a_week_come_from_the_latest_closed_audit(firm, attorney, firm_staff):
    start = datetime.date(2026, 3, 2)
    closed_audit(
        firm, attorney, start=start, days=14, hours_by_category={"scheduling": "9"}
    )
    # Another person's hours in the same function add up; billable hours are
    # not a function.
    audit = TimeAudit.unscoped.get(firm=firm)
    for category, hours in (("scheduling", "4"), ("crm", "7.5"), ("billable", "6")):
        TimeAuditEntry.unscoped.create(
            firm=firm,
            audit=audit,
            person=firm_staff,
            date=start,
            category=category,
            hours=D(hours),
        )
    # An open audit does not count yet.
    TimeAudit.unscoped.create(firm=firm, title="Open", start_date=start, end_date=start)
    found = fit.audit_hours(firm)
    assert found.audit == audit
    # 13 hours of scheduling over two weeks; 7.5 of data entry.
    assert found.per_week == {"scheduling": D("6.50"), "crm": D("3.75")}
    assert found.rows == [
        ("Scheduling", D("6.50")),
        ("CRM and data entry", D("3.75")),
    ]


def test_the_starter_list_is_added_once_with_the_audits_hours(
    firm, attorney, attorney_scope
):
    closed_audit(
        firm,
        attorney,
        start=datetime.date(2026, 3, 2),
        days=7,
        hours_by_category={"scheduling": "5"},
    )
    made = fit.starter_add(scope=attorney_scope)
    assert len(made) == 8
    rows = {a.function: a for a in FitAssessment.objects.for_firm(firm)}
    assert set(rows) == {str(code) for code, _ in fit.FUNCTION_ORDER}
    assert rows["scheduling"].hours_per_week == D("5.00")
    assert rows["crm"].hours_per_week == D("0.00")
    assert not any(fit.is_candidate(a) for a in rows.values())  # unanswered
    assert fit.starter_add(scope=attorney_scope) == []
    assert FitAssessment.objects.for_firm(firm).count() == 8
    assert fit.starter_missing(attorney_scope) == []


def test_the_starter_list_skips_task_types_already_there(firm, attorney_scope):
    name = fit.STARTER[0][1]
    fit.assessment_create(
        scope=attorney_scope, data=fit.FitData(task_type=name.upper())
    )
    assert len(fit.starter_add(scope=attorney_scope)) == 7
