"""The formulas of docs/insights.md (``insights.formulas``): a few worked
examples, then properties that hold for any counts (hypothesis)."""

import math
from decimal import Decimal

import pytest
from hypothesis import assume, given
from hypothesis import strategies as st

from firmdesk.insights import formulas

counts = st.integers(min_value=0, max_value=10**6)
minutes = st.lists(st.integers(min_value=0, max_value=60 * 24 * 30), min_size=1)
prices = st.decimals(min_value=0, max_value=10_000, places=2)
hours = st.decimals(min_value=0, max_value=1_000, places=2)


# --- Worked examples -------------------------------------------------------------


def test_percent_rounds_half_up_to_one_decimal():
    assert formulas.percent(1, 8) == Decimal("12.5")
    assert formulas.percent(1, 16) == Decimal("6.3")  # 6.25
    assert formulas.percent(2, 3) == Decimal("66.7")


@pytest.mark.parametrize(
    "formula", [formulas.percent, formulas.on_time_rate, formulas.rework_rate]
)
def test_nothing_to_divide_by_is_no_data_not_zero(formula):
    assert formula(0, 0) is None


def test_median_of_odd_and_even_counts():
    assert formulas.median([30, 5, 10]) == 10
    assert formulas.median([40, 5, 30, 10]) == 20  # (10 + 30) / 2
    assert formulas.median([]) is None


def test_p90_is_the_nearest_rank():
    assert formulas.p90(list(range(1, 11))) == 9  # ⌈0.9 × 10⌉ = 9th
    assert formulas.p90(list(range(1, 12))) == 10  # ⌈9.9⌉ = 10th
    assert formulas.p90([7]) == 7
    assert formulas.p90([]) is None


def estimate(
    pricing, *, price=Decimal("25.00"), hours=Decimal("2.5"), tasks=4, live=True
):
    return formulas.estimated_cost(
        pricing=pricing, price=price, staff_hours=hours, tasks=tasks, live=live
    )


def test_estimated_cost_by_pricing():
    assert estimate("hourly") == Decimal("62.50")
    assert estimate("per_task") == Decimal("100.00")
    assert estimate("monthly") == Decimal("25.00")
    assert estimate("monthly", live=False) == Decimal("0.00")


def test_hours_recovered_sums_each_attorney_against_their_own_pace():
    recovered = formulas.hours_recovered(
        month_hours={1: Decimal("100"), 2: Decimal("40"), 3: Decimal("500")},
        baseline_per_day={1: Decimal("4.5"), 2: Decimal("1.5")},
        working_days=20,
    )
    assert recovered == Decimal("20.0")  # (100 − 90) + (40 − 30); 3 has no pace
    assert (
        formulas.hours_recovered(
            month_hours={}, baseline_per_day={1: Decimal(4)}, working_days=0
        )
        is None
    )
    assert (
        formulas.hours_recovered(month_hours={}, baseline_per_day={}, working_days=20)
        is None
    )


def test_divide_money_is_to_the_cent_half_up():
    assert formulas.divide_money(Decimal("10.00"), 8) == Decimal("1.25")
    assert formulas.divide_money(Decimal("0.05"), 2) == Decimal("0.03")
    assert formulas.divide_money(Decimal("5"), 0) is None
    assert formulas.divide_money(None, 3) is None


def test_merge_counts_adds_by_key():
    assert formulas.merge_counts([{"typo": 1}, None, {"typo": 2, "other": 1}]) == {
        "typo": 3,
        "other": 1,
    }


# --- Properties ------------------------------------------------------------------


@given(whole=st.integers(min_value=1, max_value=10**6), data=st.data())
def test_percent_of_a_part_is_between_0_and_100(whole, data):
    part = data.draw(st.integers(min_value=0, max_value=whole))
    value = formulas.percent(part, whole)
    assert Decimal(0) <= value <= Decimal(100)
    assert value == value.quantize(Decimal("0.1"))
    assert abs(value - Decimal(100) * part / whole) <= Decimal("0.05")


@given(whole=st.integers(min_value=1, max_value=10**4), data=st.data())
def test_percent_grows_with_the_part(whole, data):
    a = data.draw(st.integers(min_value=0, max_value=whole))
    b = data.draw(st.integers(min_value=a, max_value=whole))
    assert formulas.percent(a, whole) <= formulas.percent(b, whole)


@given(values=minutes)
def test_median_and_p90_lie_between_the_smallest_and_largest(values):
    middle = formulas.median(values)
    high = formulas.p90(values)
    assert min(values) <= middle <= max(values)
    assert min(values) <= high <= max(values)
    assert high >= middle


@given(values=minutes)
def test_p90_has_at_least_ninety_percent_at_or_below_it(values):
    high = formulas.p90(values)
    at_or_below = sum(1 for v in values if v <= high)
    below = sum(1 for v in values if v < high)
    assert at_or_below >= math.ceil(0.9 * len(values))
    assert below < math.ceil(0.9 * len(values))  # and it is the smallest such


@given(values=minutes)
def test_median_ignores_order(values):
    assert formulas.median(values) == formulas.median(list(reversed(values)))


@given(
    pricing=st.sampled_from(["hourly", "per_task", "monthly"]),
    price=prices,
    hours_a=hours,
    hours_b=hours,
    tasks_a=counts,
    tasks_b=counts,
    live=st.booleans(),
)
def test_estimated_cost_never_falls_when_more_is_done(
    pricing, price, hours_a, hours_b, tasks_a, tasks_b, live
):
    assume(hours_a <= hours_b and tasks_a <= tasks_b)

    less = estimate(pricing, price=price, hours=hours_a, tasks=tasks_a, live=live)
    more = estimate(pricing, price=price, hours=hours_b, tasks=tasks_b, live=live)
    assert Decimal(0) <= less <= more
    assert less == less.quantize(Decimal("0.01"))


@given(price_a=prices, price_b=prices, staff_hours=hours, tasks=counts)
def test_estimated_cost_never_falls_when_the_price_rises(
    price_a, price_b, staff_hours, tasks
):
    assume(price_a <= price_b)
    for pricing in ("hourly", "per_task", "monthly"):
        assert estimate(
            pricing, price=price_a, hours=staff_hours, tasks=tasks
        ) <= estimate(pricing, price=price_b, hours=staff_hours, tasks=tasks)


@given(ratings=st.lists(st.integers(min_value=1, max_value=5), min_size=1))
def test_an_average_of_ratings_stays_within_them(ratings):
    average = formulas.average(sum(ratings), len(ratings))
    assert min(ratings) <= average <= max(ratings)


@given(
    paces=st.dictionaries(
        st.integers(min_value=1, max_value=20),
        st.decimals(min_value=0, max_value=12, places=2),
        min_size=1,
    ),
    days=st.integers(min_value=1, max_value=23),
)
def test_working_exactly_at_the_baseline_pace_recovers_nothing(paces, days):
    month = {person: pace * days for person, pace in paces.items()}
    assert (
        formulas.hours_recovered(
            month_hours=month, baseline_per_day=paces, working_days=days
        )
        == 0
    )


@given(
    pace=st.decimals(min_value=0, max_value=12, places=2),
    billed=st.decimals(min_value=0, max_value=300, places=2),
    extra=st.decimals(min_value=0, max_value=100, places=2),
    days=st.integers(min_value=1, max_value=23),
)
def test_more_hours_billed_never_recovers_less(pace, billed, extra, days):
    def recovered(hours):
        return formulas.hours_recovered(
            month_hours={1: hours}, baseline_per_day={1: pace}, working_days=days
        )

    assert recovered(billed) <= recovered(billed + extra)


@given(amount=prices, by=st.integers(min_value=1, max_value=10**4))
def test_divide_money_is_within_half_a_cent_of_the_exact_share(amount, by):
    share = formulas.divide_money(amount, by)
    assert abs(share - amount / by) <= Decimal("0.005")
