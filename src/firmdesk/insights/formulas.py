"""The formulas of docs/insights.md, as pure functions of counts and sums.

Every figure FirmDesk shows about whether outsourcing pays is computed here
and nowhere else: the dashboard, the weekly review, the monthly report, the
pilot evaluation and ``firmdesk metrics`` all call these. A figure whose
denominator is zero is ``None`` ("no data"), never 0 %.
"""

import math
from collections.abc import Iterable, Sequence
from decimal import ROUND_HALF_UP, Decimal

CENT = Decimal("0.01")
TENTH = Decimal("0.1")


def percent(part: int, whole: int) -> Decimal | None:
    """``part`` of ``whole`` in per cent, to one decimal; None when whole is 0."""
    if not whole:
        return None
    return (Decimal(100) * part / whole).quantize(TENTH, ROUND_HALF_UP)


def on_time_rate(on_time: int, with_due: int) -> Decimal | None:
    """Of the finished tasks that had a due time, the share handed in by it."""
    return percent(on_time, with_due)


def rework_rate(returned: int, reviewed: int) -> Decimal | None:
    """Of the review decisions, the share that returned the work."""
    return percent(returned, reviewed)


def median(values: Sequence[float]) -> float | None:
    """The middle value; the mean of the two middle values of an even count."""
    ordered = sorted(values)
    n = len(ordered)
    if not n:
        return None
    middle = n // 2
    if n % 2:
        return float(ordered[middle])
    return (ordered[middle - 1] + ordered[middle]) / 2


def p90(values: Sequence[float]) -> float | None:
    """The 90th percentile by nearest rank: the smallest value that at least
    90 % of the values do not exceed (the ⌈0.9·n⌉-th smallest)."""
    ordered = sorted(values)
    if not ordered:
        return None
    return float(ordered[math.ceil(0.9 * len(ordered)) - 1])


def money(value) -> Decimal:
    return Decimal(value).quantize(CENT, ROUND_HALF_UP)


def divide_money(amount: Decimal | None, by) -> Decimal | None:
    """``amount`` / ``by`` to the cent; None without an amount or a divisor."""
    if amount is None or not by:
        return None
    return money(Decimal(amount) / Decimal(by))


def estimated_cost(
    *, pricing: str, price: Decimal, staff_hours: Decimal, tasks: int, live: bool
) -> Decimal:
    """A month's cost of an engagement without a provider bill for it: the
    engagement's price applied to what was logged (hourly: price × hours of
    outside staff time; per task: price × tasks finished; monthly: the price,
    if the engagement was live at any time in the month)."""
    if pricing == "hourly":
        return money(price * staff_hours)
    if pricing == "per_task":
        return money(price * tasks)
    return money(price) if live else Decimal("0.00")


def hours_recovered(
    *,
    month_hours: dict[int, Decimal],
    baseline_per_day: dict[int, Decimal],
    working_days: int,
) -> Decimal | None:
    """Σ over the attorneys in the time-audit baseline of (their billable hours
    per working day this month − their billable hours per day in the audit)
    × working days; that is Σ (hours this month − baseline × working days).
    Attorneys without a baseline are left out; None without any baseline or
    without a working day."""
    if not baseline_per_day or not working_days:
        return None
    total = Decimal(0)
    for person, baseline in baseline_per_day.items():
        total += month_hours.get(person, Decimal(0)) - baseline * working_days
    return total.quantize(TENTH, ROUND_HALF_UP)


def average(total: int, count: int) -> Decimal | None:
    if not count:
        return None
    return (Decimal(total) / count).quantize(TENTH, ROUND_HALF_UP)


def turnover_rate(left: int, at_start: int) -> Decimal | None:
    """Staff whose assignment to the engagement ended in the month, of those
    assigned on its first day."""
    return percent(left, at_start)


def merge_counts(dicts: Iterable[dict]) -> dict:
    total: dict = {}
    for one in dicts:
        for key, value in (one or {}).items():
            total[key] = total.get(key, 0) + value
    return total
