"""Cost comparison (insights/costs.py): the worked example of
docs/insights-planning.md by hand, the properties every comparison keeps,
what may be saved, and the in-house baseline of an engagement."""

from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from firmdesk.access.scope import resolve_scope
from firmdesk.common.errors import ServiceError
from firmdesk.engagements.models import Engagement
from firmdesk.insights import costs
from firmdesk.insights.costs import CostData, CostInputs, compare, problems
from firmdesk.insights.models import CostComparison
from tests import factories as f

from .planning import EXAMPLE, latest_event

D = Decimal


def with_(inputs: CostInputs, **changes) -> CostInputs:
    return CostInputs(**{**inputs.__dict__, **changes})


# --- By hand -----------------------------------------------------------------


def test_the_worked_example_by_hand():
    r = compare(EXAMPLE)
    # 60,970 + 30 % = 18,291 benefits; (4,000 + 3,000) × 25 % = 1,750 a year
    # to replace people who leave; plus 6,000 office and 2,500 equipment.
    assert [line.amount for line in r.inhouse_lines] == [
        D("60970.00"),
        D("18291.00"),
        D("6000.00"),
        D("2500.00"),
        D("1750.00"),
    ]
    assert r.inhouse_annual == D("89511.00")
    assert r.inhouse_per_hour == D("47.61")  # 89,511 / 1,880 = 47.6122…
    assert r.inhouse_per_task == D("29.84")  # 89,511 / 3,000 = 29.837
    assert r.outsourced_annual == D("65800.00")  # 35 × 1,880
    assert r.outsourced_per_hour == D("35.00")
    assert r.outsourced_per_task == D("21.93")  # 65,800 / 3,000 = 21.9333…
    assert r.saving == D("23711.00")
    assert r.cheaper == "outsourced"
    assert r.break_even_unit == "hours"
    assert r.break_even.quantize(D("0.01")) == D("2557.46")  # 89,511 / 35
    assert "At 2,557.5 hours a year both cost $89,511.00" in r.break_even_text
    assert "The 1,880 hours you expect are below it" in r.break_even_text


def test_a_fee_per_task_by_hand():
    r = compare(with_(EXAMPLE, pricing="per_task", per_task_fee=D("25")))
    assert r.outsourced_annual == D("75000.00")  # 25 × 3,000
    assert r.outsourced_per_hour == D("39.89")  # 75,000 / 1,880 = 39.893…
    assert r.outsourced_per_task == D("25.00")
    assert r.saving == D("14511.00")
    assert r.break_even_unit == "tasks"
    assert r.break_even.quantize(D("0.01")) == D("3580.44")  # 89,511 / 25


def test_a_monthly_fee_has_no_break_even_volume():
    r = compare(with_(EXAMPLE, pricing="monthly", monthly_fee=D("8000")))
    assert r.outsourced_annual == D("96000.00")  # 8,000 × 12
    assert r.saving == D("-6489.00")
    assert r.cheaper == "in-house"
    assert r.break_even is None
    assert "no volume makes them equal" in r.break_even_text
    assert "in-house costs $6,489.00 less a year" in r.break_even_text


def test_amounts_are_rounded_half_up_to_the_cent():
    r = compare(
        CostInputs(
            salary=D("100.05"),
            benefits_percent=D("10"),
            hours_per_year=D("3"),
            hourly_rate=D("0.01"),
        )
    )
    assert r.inhouse_lines[1].amount == D("10.01")  # 10.005 rounds up
    assert r.inhouse_per_hour == D("36.69")  # 110.06 / 3 = 36.686…


def test_no_hours_gives_no_data_per_hour_not_an_error():
    r = compare(with_(EXAMPLE, hours_per_year=D("0"), tasks_per_year=0))
    assert r.inhouse_per_hour is None and r.outsourced_per_hour is None
    assert r.inhouse_per_task is None and r.outsourced_per_task is None
    assert r.outsourced_annual == D("0.00")
    assert any("costs per hour show no data" in n for n in r.notes)
    assert any("give the hours a year" in n for n in r.notes)


def test_more_work_than_one_persons_year_is_pointed_out():
    r = compare(with_(EXAMPLE, hours_per_year=D("2500")))
    assert any("counts one employee" in n for n in r.notes)


def test_the_explanations_use_the_firms_currency():
    r = compare(EXAMPLE, currency="EUR")
    assert "both cost €89,511.00" in r.break_even_text
    assert r.outsourced_how == "€35.00 an hour × 1,880 hours"


# --- Properties --------------------------------------------------------------

amounts = st.decimals(min_value=0, max_value=10**6, places=2)
percents = st.decimals(min_value=0, max_value=100, places=2)
prices = st.decimals(min_value=D("0.01"), max_value=10**4, places=2)
volumes = st.decimals(min_value=0, max_value=10**5, places=2)


@st.composite
def inputs(draw, pricing=st.sampled_from(["hourly", "per_task", "monthly"])):
    return CostInputs(
        hours_per_year=draw(volumes),
        tasks_per_year=draw(st.integers(min_value=0, max_value=10**6)),
        salary=draw(amounts),
        benefits_percent=draw(percents),
        office_space=draw(amounts),
        equipment=draw(amounts),
        recruiting=draw(amounts),
        training=draw(amounts),
        turnover_percent=draw(percents),
        pricing=draw(pricing),
        hourly_rate=draw(prices),
        per_task_fee=draw(prices),
        monthly_fee=draw(prices),
    )


@given(inputs())
def test_annual_costs_are_never_negative_and_saving_is_their_difference(i):
    r = compare(i)
    assert r.inhouse_annual >= 0 and r.outsourced_annual >= 0
    assert r.saving == r.inhouse_annual - r.outsourced_annual
    assert r.inhouse_annual == sum(line.amount for line in r.inhouse_lines)
    assert problems(i) == {}


@given(inputs(pricing=st.sampled_from(["hourly", "per_task"])))
def test_at_the_break_even_volume_both_cost_the_same_to_the_cent(i):
    r = compare(i)
    assert costs.outsourced_annual(i, r.break_even) == r.inhouse_annual


@given(inputs(), volumes, volumes)
def test_more_work_never_costs_less_outsourced_nor_more_per_hour_in_house(i, a, b):
    low, high = sorted((a, b))
    fewer = compare(with_(i, hours_per_year=low, tasks_per_year=int(low)))
    more = compare(with_(i, hours_per_year=high, tasks_per_year=int(high)))
    assert fewer.outsourced_annual <= more.outsourced_annual
    assert fewer.inhouse_annual == more.inhouse_annual  # a fixed cost
    assert fewer.saving >= more.saving
    if low > 0:
        assert fewer.inhouse_per_hour >= more.inhouse_per_hour


# --- What may be saved -------------------------------------------------------


def test_problems_say_what_to_fix():
    found = problems(
        with_(
            EXAMPLE,
            salary=D("-1"),
            benefits_percent=D("130"),
            hours_per_year=D("-5"),
            hourly_rate=D("0"),
        )
    )
    assert found == {
        "salary": "The salary cannot be negative.",
        "benefits_percent": "Give benefits as a share from 0 to 100 %.",
        "hours_per_year": "Give the hours a year from 0 to 100,000 (0: not known).",
        "hourly_rate": "Give the hourly rate the provider charges, or choose "
        "another way of pricing.",
    }


def test_only_the_price_of_the_chosen_pricing_is_needed():
    monthly = with_(EXAMPLE, pricing="monthly", hourly_rate=D("0"))
    assert problems(monthly) == {
        "monthly_fee": "Give the provider's monthly fee, or choose another way "
        "of pricing."
    }
    assert problems(with_(monthly, monthly_fee=D("5000"))) == {}


@pytest.fixture
def admin_scope(firm, firm_admin):
    return resolve_scope(firm_admin, firm)


@pytest.fixture
def attorney_scope(firm, attorney):
    return resolve_scope(attorney, firm)


def test_an_attorney_saves_a_comparison_and_the_audit_trail_keeps_it(
    firm, attorney_scope
):
    data = CostData(
        title="  Scheduling   costs ", function="scheduling", inputs=EXAMPLE
    )
    made = costs.comparison_create(scope=attorney_scope, data=data)
    assert made.title == "Scheduling costs"
    assert CostInputs.of(made) == EXAMPLE
    event = latest_event(firm, "insights.cost_comparison.created")
    assert event.detail["after"]["salary"] == "60970.00"

    changed = with_(EXAMPLE, salary=D("65000"))
    costs.comparison_update(
        scope=attorney_scope,
        comparison=made,
        data=CostData(title=made.title, function="scheduling", inputs=changed),
    )
    event = latest_event(firm, "insights.cost_comparison.updated")
    assert event.detail == {
        "before": {"salary": "60970.00"},
        "after": {"salary": "65000.00"},
    }


def test_in_house_staff_cannot_save_a_comparison(firm, firm_staff):
    scope = resolve_scope(firm_staff, firm)
    with pytest.raises(ServiceError, match="attorneys and admins"):
        costs.comparison_create(
            scope=scope, data=CostData(title="Mine", function="", inputs=EXAMPLE)
        )
    assert not CostComparison.objects.for_firm(firm).exists()


def test_bad_input_is_refused_on_its_field(attorney_scope):
    bad = CostData(title="x", function="", inputs=with_(EXAMPLE, salary=D("-1")))
    with pytest.raises(ServiceError) as refused:
        costs.comparison_create(scope=attorney_scope, data=bad)
    assert refused.value.field == "salary"
    with pytest.raises(ServiceError, match="title"):
        costs.comparison_create(scope=attorney_scope, data=CostData("  ", "", EXAMPLE))


def test_deleting_a_comparison_is_audited(firm, attorney_scope):
    made = costs.comparison_create(
        scope=attorney_scope, data=CostData("Gone soon", "", EXAMPLE)
    )
    costs.comparison_delete(scope=attorney_scope, comparison=made)
    assert not CostComparison.objects.for_firm(firm).exists()
    event = latest_event(firm, "insights.cost_comparison.deleted")
    assert event.detail["before"]["title"] == "Gone soon"


# --- The in-house baseline of an engagement ----------------------------------


@pytest.fixture
def comparison(firm, admin_scope):
    return costs.comparison_create(
        scope=admin_scope, data=CostData("Scheduling", "scheduling", EXAMPLE)
    )


def test_a_firm_admin_makes_the_comparison_an_engagements_baseline(
    firm, admin_scope, comparison, engagement
):
    per_hour = costs.use_as_baseline(
        scope=admin_scope, comparison=comparison, engagement=engagement
    )
    assert per_hour == D("47.61")
    engagement.refresh_from_db()
    assert engagement.inhouse_hourly_cost == D("47.61")
    event = latest_event(firm, "engagement.inhouse_baseline_set")
    assert event.object_id == str(engagement.public_id)
    assert event.detail["before"] == {"inhouse_hourly_cost": "0.00"}
    assert event.detail["after"] == {"inhouse_hourly_cost": "47.61"}


def test_an_attorney_cannot_change_an_engagements_baseline(
    attorney_scope, comparison, engagement
):
    with pytest.raises(ServiceError, match="firm admin"):
        costs.use_as_baseline(
            scope=attorney_scope, comparison=comparison, engagement=engagement
        )
    engagement.refresh_from_db()
    assert engagement.inhouse_hourly_cost == D("0.00")


def test_an_ended_engagement_or_a_comparison_without_hours_is_refused(
    firm, provider, admin_scope, comparison
):
    ended = f.engagement(firm, provider, status=Engagement.Status.ENDED)
    with pytest.raises(ServiceError, match="has ended"):
        costs.use_as_baseline(
            scope=admin_scope, comparison=comparison, engagement=ended
        )
    assert ended not in costs.baseline_engagements(admin_scope)
    live = f.engagement(firm, provider)
    comparison.hours_per_year = D("0")
    with pytest.raises(ServiceError, match="give the hours a year"):
        costs.use_as_baseline(scope=admin_scope, comparison=comparison, engagement=live)
