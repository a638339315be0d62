"""Each figure of the dashboard, worked out by hand from the small known data
set of tests/insights/known_month.py and compared with ``insights.figures``
(docs/insights.md: "a test per figure computes it by hand")."""

import datetime
from decimal import Decimal

import pytest

from firmdesk.engagements.models import Assignment
from firmdesk.insights.figures import (
    audit_baseline,
    month_figures,
    months_figures,
    working_days,
)
from firmdesk.insights.models import WorkDay
from firmdesk.work.models import Flag
from tests import factories as f

from .known_month import MARCH, MAY, known_may, known_month, march

pytestmark = pytest.mark.django_db

LATER = datetime.date(2026, 1, 15)


@pytest.fixture
def known(firm, other_firm, provider):
    return known_month(firm, other_firm, provider)


def figures_of(firm, engagement=None, month=MARCH, today=LATER):
    return month_figures(firm, month, engagement=engagement, today=today)


# --- On time and rework ---------------------------------------------------------


def test_on_time_is_tasks_on_time_of_finished_tasks_with_a_due_time(firm, known):
    hourly = figures_of(firm, known.hourly)
    whole = figures_of(firm)

    # The hourly engagement: (2 + 2) on time of (3 + 2) with a due time.
    assert (hourly.counts.finished_on_time, hourly.counts.finished_with_due) == (4, 5)
    assert hourly.on_time_percent == Decimal("80.0")
    # The firm: every engagement's tasks, (2 + 2 + 3) of (3 + 2 + 5); the 7
    # late in-house tasks are not outside work, firm B's 50 are not the firm's.
    assert (whole.counts.finished_on_time, whole.counts.finished_with_due) == (7, 10)
    assert whole.on_time_percent == Decimal("70.0")


def test_rework_is_returned_of_reviewed_with_the_reasons_in_their_order(firm, known):
    hourly = figures_of(firm, known.hourly)
    whole = figures_of(firm)

    assert hourly.rework_percent == Decimal("40.0")  # (1 + 1) of (3 + 2)
    assert hourly.returned_by_reason == [("Formatting", 1), ("Typo", 1)]
    # (1 + 1 + 2) of (3 + 2 + 4) = 44.44… %, to one decimal.
    assert (whole.counts.returned, whole.counts.reviewed) == (4, 9)
    assert whole.rework_percent == Decimal("44.4")
    assert whole.returned_by_reason == [("Formatting", 1), ("Typo", 2), ("Other", 1)]


def test_a_month_with_nothing_to_count_has_no_data_not_zero(firm, known):
    empty = figures_of(firm, known.hourly, month=datetime.date(2025, 7, 1))

    assert empty.on_time_percent is None
    assert empty.rework_percent is None
    assert empty.lead_response_median_minutes is None
    assert empty.lead_response_p90_minutes is None
    assert empty.feedback_average is None
    assert empty.cost_per_task is None and empty.cost_per_hour is None
    assert empty.turnover_percent is None


# --- Cost -------------------------------------------------------------------------


def test_hourly_cost_without_a_bill_is_the_price_times_outside_staff_hours(firm, known):
    hourly = figures_of(firm, known.hourly)

    # (150 + 90) minutes = 4 hours at $30, no bill: estimated.
    assert hourly.counts.staff_hours == Decimal("4.00")
    assert hourly.cost == Decimal("120.00")
    assert hourly.cost_estimated is True
    assert hourly.cost_per_task == Decimal("20.00")  # 120 / 6 tasks
    assert hourly.cost_per_hour == Decimal("30.00")  # 120 / 4 h
    # The same 4 hours in-house at $45.
    assert hourly.inhouse_cost == Decimal("180.00")
    assert hourly.inhouse_per_task == Decimal("30.00")
    assert hourly.inhouse_per_hour == Decimal("45.00")
    assert hourly.saving == Decimal("60.00")


def test_a_month_with_a_reconciled_bill_uses_the_bill_not_the_price(firm, known):
    per_task = figures_of(firm, known.per_task)

    # The price would say 5 tasks × $20 = $100; the bill says $95.50.
    assert per_task.cost == Decimal("95.50")
    assert per_task.cost_estimated is False
    assert per_task.cost_per_task == Decimal("19.10")  # 95.50 / 5
    assert per_task.cost_per_hour == Decimal("47.75")  # 95.50 / 2 h
    assert per_task.inhouse_per_task == Decimal("20.00")  # 2 h × $50 / 5
    assert per_task.inhouse_per_hour == Decimal("50.00")


def test_per_task_cost_without_a_bill_is_the_price_times_tasks_finished(firm, known):
    WorkDay.objects.create(
        firm=firm,
        engagement=known.per_task,
        day=datetime.date(2025, 2, 12),
        finished=3,
        staff_minutes=60,
    )

    february = figures_of(firm, known.per_task, month=datetime.date(2025, 2, 1))

    assert february.cost == Decimal("60.00")  # 3 × $20
    assert february.cost_estimated is True
    assert february.cost_per_task == Decimal("20.00")
    assert february.cost_per_hour == Decimal("60.00")  # 60 / 1 h


def test_a_monthly_fee_counts_in_a_month_the_engagement_was_live(firm, provider, known):
    later = f.engagement(
        firm,
        provider,
        name="Starts in April",
        pricing_model="monthly",
        price=Decimal("700"),
        start_date=datetime.date(2025, 4, 1),
    )

    monthly = figures_of(firm, known.monthly)

    assert monthly.cost == Decimal("1000.00")
    assert monthly.cost_estimated is True
    assert monthly.cost_per_task is None  # nothing finished to divide by
    assert figures_of(firm, later).cost == Decimal("0.00")
    assert figures_of(firm, later, month=datetime.date(2025, 4, 1)).cost == Decimal(
        "700.00"
    )


def test_the_firm_cost_is_every_engagements_cost_and_estimated_if_any_is(firm, known):
    whole = figures_of(firm)

    # $120 (hourly, estimated) + $95.50 (billed) + $1,000 (monthly, estimated).
    assert whole.cost == Decimal("1215.50")
    assert whole.cost_estimated is True
    # 6 + 5 tasks; (150 + 90 + 120) minutes = 6 hours.
    assert whole.cost_per_task == Decimal("110.50")
    assert whole.cost_per_hour == Decimal("202.58")  # 1215.50 / 6 = 202.583…
    # In-house: 4 h × $45 + 2 h × $50 + 0 h × $40 = $280.
    assert whole.inhouse_cost == Decimal("280.00")
    assert whole.inhouse_per_task == Decimal("25.45")  # 280 / 11 = 25.4545…
    assert whole.inhouse_per_hour == Decimal("46.67")  # 280 / 6 = 46.666…


# --- Intake and clients ------------------------------------------------------------


def test_intake_response_median_and_p90_of_an_odd_count(firm, known):
    hourly = figures_of(firm, known.hourly)

    # 5, 10, 30: the middle one; nearest rank ⌈0.9 × 3⌉ = 3rd.
    assert hourly.leads_answered == 3
    assert hourly.lead_response_median_minutes == 10
    assert hourly.lead_response_p90_minutes == 30


def test_intake_response_of_the_firm_is_every_lead_even_count(firm, known):
    whole = figures_of(firm)

    # 5, 10, 20, 30, 40, 60 (the in-house leads too): median (20 + 30) / 2;
    # nearest rank ⌈0.9 × 6⌉ = 6th.
    assert whole.leads_answered == 6
    assert whole.lead_response_median_minutes == 25
    assert whole.lead_response_p90_minutes == 60


def test_feedback_average_is_points_over_answers(firm, known):
    hourly = figures_of(firm, known.hourly)
    whole = figures_of(firm)

    assert (hourly.feedback_rating_sum, hourly.feedback_answers) == (9, 2)
    assert hourly.feedback_average == Decimal("4.5")
    # The firm: the in-house answer too, (9 + 3) / (2 + 1).
    assert (whole.feedback_rating_sum, whole.feedback_answers) == (12, 3)
    assert whole.feedback_average == Decimal("4.0")


# --- Breaches, flags, turnover -------------------------------------------------------


def test_breaches_are_counted_per_engagement_and_summed_for_the_firm(firm, known):
    assert figures_of(firm, known.hourly).breaches == 1
    assert figures_of(firm, known.per_task).breaches == 2
    assert figures_of(firm).breaches == 3


def test_open_flags_are_the_unresolved_flags_on_the_engagements_tasks(
    firm, attorney, known
):
    def flag(engagement, resolved=False):
        task = f.task(firm, engagement=engagement)
        Flag.objects.create(
            firm=firm,
            task=task,
            kind="question",
            raised_by=attorney,
            resolved_at=datetime.datetime(2025, 3, 2, tzinfo=datetime.UTC)
            if resolved
            else None,
        )

    flag(known.hourly)
    flag(known.hourly)
    flag(known.hourly, resolved=True)
    flag(known.per_task)
    flag(None)  # the firm's own task: not outside work

    assert figures_of(firm, known.hourly).open_flags == 2
    assert figures_of(firm).open_flags == 3


def test_turnover_is_staff_who_left_of_those_assigned_on_the_first_day(
    firm, provider, known
):
    def assigned(start, end=None):
        person = f.member(provider, ["assistant"])
        Assignment.objects.create(
            firm=firm,
            engagement=known.hourly,
            user=person,
            functions=["scheduling"],
            start_date=start,
            end_date=end,
        )

    jan = datetime.date(2025, 1, 6)
    assigned(jan)
    assigned(jan)
    assigned(jan, end=march(14))  # left in March
    assigned(march(10))  # joined after the first day
    assigned(jan, end=datetime.date(2025, 2, 20))  # gone before March

    hourly = figures_of(firm, known.hourly)

    assert (hourly.staff_left, hourly.staff_at_start) == (1, 3)
    assert hourly.turnover_percent == Decimal("33.3")


# --- Hours recovered ----------------------------------------------------------------


@pytest.fixture
def may(firm, firm_admin, attorney, firm_staff):
    known_may(firm, owen=attorney, grace=firm_admin, ida=firm_staff)


def test_working_days_leave_out_weekends_holidays_and_closures(firm, may):
    # May 2025: 22 weekdays (1–2, 5–9, 12–16, 19–23, 26–30), less Memorial
    # Day (26th) and the firm's closure (2nd).
    assert working_days(firm, MAY, datetime.date(2025, 5, 31)) == 20


def test_the_baseline_is_the_latest_closed_audit_attorneys_only(
    firm, attorney, firm_admin, firm_staff, may
):
    baseline = audit_baseline(firm)

    assert baseline.audit.title == "February audit"
    # Owen: (4 + 5) billable hours over 2 days; Grace: 3 over 2 days (one of
    # them all data entry); Ida is not an attorney.
    assert baseline.per_day == {
        attorney.pk: Decimal("4.50"),
        firm_admin.pk: Decimal("1.50"),
    }


def test_hours_recovered_is_billed_hours_less_the_baseline_pace(firm, may):
    whole = figures_of(firm, month=MAY)

    # Owen 10 days × 10 h = 100 h − 4.50 × 20 = 10; Grace 5 × 8 h = 40 h −
    # 1.50 × 20 = 10; Ida's hours and June's do not count.
    assert whole.recovered_working_days == 20
    assert whole.recovered_attorneys == 2
    assert whole.recovered_month_hours == Decimal("140.00")
    assert whole.recovered_baseline_hours == Decimal("120.00")
    assert whole.hours_recovered == Decimal("20.0")


def test_hours_recovered_of_this_month_counts_up_to_today(firm, may):
    so_far = figures_of(firm, month=MAY, today=datetime.date(2025, 5, 9))

    # Working days 1, 5, 6, 7, 8, 9 (the 2nd closed): 6. Owen 50 h − 27;
    # Grace 0 h − 9.
    assert so_far.recovered_working_days == 6
    assert so_far.hours_recovered == Decimal("14.0")


def test_hours_recovered_is_the_firms_on_an_engagement_too(firm, known, may):
    assert figures_of(firm, known.hourly, month=MAY).hours_recovered == Decimal("20.0")


def test_a_month_without_billable_time_recorded_has_no_hours_recovered(firm, may):
    # The baseline attorneys recorded nothing in FirmDesk in April: that is
    # no data (the firm kept its time elsewhere), not 2 × the baseline lost.
    april = figures_of(firm, month=datetime.date(2025, 4, 1))

    assert april.recovered_attorneys == 2
    assert april.recovered_month_hours == Decimal("0.00")
    assert april.hours_recovered is None


def test_without_a_closed_audit_hours_recovered_has_no_data(firm, known):
    assert figures_of(firm).hours_recovered is None


# --- A year of months -----------------------------------------------------------------


def test_a_year_of_months_reads_each_month_as_month_figures_does(
    firm, known, django_assert_max_num_queries
):
    with django_assert_max_num_queries(25):
        year = months_figures(
            firm, datetime.date(2024, 5, 1), datetime.date(2025, 4, 1), today=LATER
        )

    assert [one.start for one in year][-3:] == [
        datetime.date(2025, 2, 1),
        MARCH,
        datetime.date(2025, 4, 1),
    ]
    assert len(year) == 12
    march_alone = figures_of(firm)
    in_year = year[-2]
    for name in (
        "on_time_percent",
        "rework_percent",
        "cost",
        "cost_per_task",
        "inhouse_per_hour",
        "lead_response_median_minutes",
        "lead_response_p90_minutes",
        "feedback_average",
        "leads_answered",
        "breaches",
    ):
        assert getattr(in_year, name) == getattr(march_alone, name), name


def test_a_month_with_tasks_but_no_outside_time_has_no_cost_per_task(firm, provider):
    """An hourly engagement's estimate with no hours logged is $0.00; a task
    then does not cost $0.00 — there is no figure yet."""
    from firmdesk.insights.models import WorkDay
    from tests import factories as f

    hourly = f.engagement(
        firm,
        provider,
        pricing_model="hourly",
        price=Decimal("30"),
        inhouse_hourly_cost=Decimal("45"),
    )
    WorkDay.objects.create(
        firm=firm, engagement=hourly, day=datetime.date(2025, 3, 4), finished=2
    )

    march = figures_of(firm, hourly)

    assert (march.tasks, march.cost, march.cost_estimated) == (2, Decimal("0.00"), True)
    assert march.cost_per_task is None
    assert march.inhouse_per_task is None
