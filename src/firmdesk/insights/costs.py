"""Cost comparison: what a year of the same work costs in-house and outsourced.

The calculator (``compare``) is a pure function of a ``CostInputs`` and gives
a ``CostResult``; docs/insights-planning.md states every formula in words with
a worked example. Money is Decimal, each amount rounded half up to the cent; a
cost per hour or per task with no hours or tasks to divide by is None ("no
data"), never 0 or an error.

The services below save comparisons (the firm's attorneys and admins) and let
a firm admin make one the in-house baseline of an engagement, which is what
the dashboard sets the engagement's cost per hour against. Every write runs in
one transaction with its audit event.
"""

from dataclasses import asdict, dataclass, fields, replace
from decimal import ROUND_HALF_UP, Decimal
from functools import partial
from typing import Any

from django.db import transaction

from firmdesk.billing.letters import money_text
from firmdesk.billing.models import BillingSettings
from firmdesk.common.errors import ServiceError
from firmdesk.engagements.models import Engagement
from firmdesk.orgs.models import Function

from . import permissions, planner
from .formulas import TENTH, divide_money, money
from .models import CostComparison

Pricing = CostComparison.Pricing
ZERO = Decimal("0.00")
HUNDRED = Decimal(100)

# One full-time person's working hours in a year: 52 weeks × 40 hours = 2,080
# paid hours, less 25 days (200 hours) of holidays and leave. BLS quotes the
# paralegal median both as $60,970 a year and $29.31 an hour, which is the
# 2,080 paid hours; the work gets done in the hours worked.
WORKING_HOURS_A_YEAR = Decimal("1880")

# A new comparison starts from these (../shared/reference/industry-figures.md):
# the median pay of paralegals and legal assistants (BLS Occupational Outlook
# Handbook, SOC 23-2011, May 2023; the May 2024 figure of $61,010 is only
# reproduced by third parties so far) and benefits of about 30 % of wages.
DEFAULTS = {
    "salary": Decimal("60970.00"),
    "benefits_percent": Decimal("30.00"),
    "hours_per_year": WORKING_HOURS_A_YEAR,
}

MAX_MONEY = Decimal("999999999999.99")
MAX_HOURS = Decimal("100000")
MAX_TASKS = 10_000_000

MONEY_FIELDS = {
    "salary": "The salary",
    "office_space": "Office space",
    "equipment": "Equipment",
    "recruiting": "Recruiting",
    "training": "Training",
    "hourly_rate": "The hourly rate",
    "per_task_fee": "The fee per task",
    "monthly_fee": "The monthly fee",
}
PRICE_FIELD = {
    Pricing.HOURLY: ("hourly_rate", "the hourly rate the provider charges"),
    Pricing.PER_TASK: ("per_task_fee", "the fee the provider charges per task"),
    Pricing.MONTHLY: ("monthly_fee", "the provider's monthly fee"),
}


@dataclass(frozen=True)
class CostInputs:
    """What the calculator needs: the work's volume, the in-house employee's
    costs, and the provider's price."""

    hours_per_year: Decimal = ZERO
    tasks_per_year: int = 0
    salary: Decimal = ZERO
    benefits_percent: Decimal = ZERO
    office_space: Decimal = ZERO
    equipment: Decimal = ZERO
    recruiting: Decimal = ZERO
    training: Decimal = ZERO
    turnover_percent: Decimal = ZERO
    pricing: str = Pricing.HOURLY
    hourly_rate: Decimal = ZERO
    per_task_fee: Decimal = ZERO
    monthly_fee: Decimal = ZERO

    @classmethod
    def of(cls, comparison: CostComparison) -> "CostInputs":
        return cls(**{f.name: getattr(comparison, f.name) for f in fields(cls)})


INPUT_FIELDS = tuple(f.name for f in fields(CostInputs))


@dataclass(frozen=True)
class Line:
    """One part of the in-house cost, with how it was worked out."""

    label: str
    how: str
    amount: Decimal


@dataclass(frozen=True)
class CostResult:
    inhouse_lines: tuple[Line, ...]
    inhouse_annual: Decimal
    inhouse_per_hour: Decimal | None
    inhouse_per_task: Decimal | None
    outsourced_how: str
    outsourced_annual: Decimal
    outsourced_per_hour: Decimal | None
    outsourced_per_task: Decimal | None
    # In-house − outsourced: what outsourcing saves a year (negative: costs).
    saving: Decimal
    # The hours (hourly price) or tasks (fee per task) a year at which both
    # cost the same, unrounded so that the two are equal to the cent there;
    # None where no volume makes them equal.
    break_even: Decimal | None
    break_even_unit: str
    break_even_text: str
    notes: tuple[str, ...]

    @property
    def difference(self) -> Decimal:
        """How much less the cheaper side costs a year."""
        return abs(self.saving)

    @property
    def cheaper(self) -> str:
        if self.saving > 0:
            return "outsourced"
        if self.saving < 0:
            return "in-house"
        return "equal"


def _figure(value: Decimal) -> str:
    """``Decimal('2557.50')`` → ``2,557.5``; ``Decimal('30.00')`` → ``30``."""
    text = f"{value:,.2f}"
    return text.rstrip("0").rstrip(".")


def inhouse_lines(i: CostInputs, currency: str = "USD") -> tuple[Line, ...]:
    benefits = money(i.salary * i.benefits_percent / HUNDRED)
    replacing = money((i.recruiting + i.training) * i.turnover_percent / HUNDRED)
    return (
        Line("Salary", "a year", money(i.salary)),
        Line(
            "Benefits",
            f"{_figure(i.benefits_percent)} % of the salary",
            benefits,
        ),
        Line("Office space", "a year", money(i.office_space)),
        Line("Equipment and software", "a year", money(i.equipment)),
        Line(
            "Replacing people who leave",
            f"{money_text(i.recruiting + i.training, currency)} to recruit and "
            f"train one hire × {_figure(i.turnover_percent)} % turnover",
            replacing,
        ),
    )


def outsourced_annual(i: CostInputs, volume: Decimal | None = None) -> Decimal:
    """The provider's price for a year of the work; ``volume`` (hours for an
    hourly price, tasks for a fee per task) in place of the inputs' own."""
    if i.pricing == Pricing.HOURLY:
        hours = i.hours_per_year if volume is None else volume
        return money(i.hourly_rate * hours)
    if i.pricing == Pricing.PER_TASK:
        tasks = Decimal(i.tasks_per_year) if volume is None else volume
        return money(i.per_task_fee * tasks)
    return money(i.monthly_fee * 12)


def _outsourced_how(i: CostInputs, currency: str) -> str:
    if i.pricing == Pricing.HOURLY:
        rate = money_text(i.hourly_rate, currency)
        return f"{rate} an hour × {_figure(i.hours_per_year)} hours"
    if i.pricing == Pricing.PER_TASK:
        fee = money_text(i.per_task_fee, currency)
        return f"{fee} a task × {i.tasks_per_year:,} tasks"
    return f"{money_text(i.monthly_fee, currency)} a month × 12"


def _break_even(i: CostInputs, inhouse: Decimal, saving: Decimal, currency: str):
    cash = partial(money_text, currency=currency)
    if i.pricing == Pricing.MONTHLY:
        if saving > 0:
            cheaper = f"outsourcing costs {cash(saving)} less a year"
        elif saving < 0:
            cheaper = f"in-house costs {cash(-saving)} less a year"
        else:
            cheaper = "both cost the same"
        return (
            None,
            "",
            "A monthly fee does not change with the amount of work, and neither "
            "does the in-house cost, so no volume makes them equal: at any volume "
            f"the fee covers, {cheaper}.",
        )
    price, unit = (
        (i.hourly_rate, "hours")
        if i.pricing == Pricing.HOURLY
        else (i.per_task_fee, "tasks")
    )
    if not price:
        return None, "", "Give the provider's price to see the break-even volume."
    volume = inhouse / price
    if not volume:
        return (
            volume,
            unit,
            "The in-house side comes to nothing as entered, so outsourcing "
            "never costs less: fill in the salary and the other in-house costs.",
        )
    expected = i.hours_per_year if unit == "hours" else Decimal(i.tasks_per_year)
    if expected < volume:
        where = "below it, so outsourcing costs less"
    elif expected > volume:
        where = "above it, so in-house costs less"
    else:
        where = "exactly at it"
    return (
        volume,
        unit,
        f"At {_figure(volume.quantize(TENTH, ROUND_HALF_UP))} {unit} a year both "
        f"cost {cash(inhouse)}. Below that, outsourcing costs less; above it, the "
        "in-house employee does, whose cost stays the same however much work "
        f"there is. The {_figure(expected)} {unit} you expect are {where}.",
    )


def _notes(i: CostInputs) -> tuple[str, ...]:
    notes = []
    if not i.hours_per_year:
        notes.append("No hours a year given: the costs per hour show no data.")
    if not i.tasks_per_year:
        notes.append("No tasks a year given: the costs per task show no data.")
    if i.pricing == Pricing.HOURLY and not i.hours_per_year:
        notes.append(
            "With an hourly price and no hours, the outsourced cost comes to "
            "nothing: give the hours a year."
        )
    if i.pricing == Pricing.PER_TASK and not i.tasks_per_year:
        notes.append(
            "With a fee per task and no tasks, the outsourced cost comes to "
            "nothing: give the tasks a year."
        )
    if i.hours_per_year > WORKING_HOURS_A_YEAR:
        notes.append(
            f"The work is more than one person's year ({_figure(WORKING_HOURS_A_YEAR)}"
            " hours), but the in-house side counts one employee: it understates "
            "what the work would cost in-house."
        )
    return tuple(notes)


def compare(i: CostInputs, *, currency: str = "USD") -> CostResult:
    """The whole comparison (docs/insights-planning.md, "Cost comparison");
    ``currency`` only words the explanations."""
    lines = inhouse_lines(i, currency)
    inhouse = sum((line.amount for line in lines), ZERO)
    outsourced = outsourced_annual(i)
    saving = inhouse - outsourced
    volume, unit, text = _break_even(i, inhouse, saving, currency)
    return CostResult(
        inhouse_lines=lines,
        inhouse_annual=inhouse,
        inhouse_per_hour=divide_money(inhouse, i.hours_per_year),
        inhouse_per_task=divide_money(inhouse, i.tasks_per_year),
        outsourced_how=_outsourced_how(i, currency),
        outsourced_annual=outsourced,
        outsourced_per_hour=divide_money(outsourced, i.hours_per_year),
        outsourced_per_task=divide_money(outsourced, i.tasks_per_year),
        saving=saving,
        break_even=volume,
        break_even_unit=unit,
        break_even_text=text,
        notes=_notes(i),
    )


# --- What may be saved -----------------------------------------------------


def problems(i: CostInputs) -> dict[str, str]:
    """Field → what to fix, for every value the calculator cannot take."""
    found: dict[str, str] = {}
    for name, label in MONEY_FIELDS.items():
        value = getattr(i, name)
        if value < 0:
            found[name] = f"{label} cannot be negative."
        elif value > MAX_MONEY:
            found[name] = f"{label} is too large."
    for name, what in (
        ("benefits_percent", "benefits"),
        ("turnover_percent", "turnover"),
    ):
        if not ZERO <= getattr(i, name) <= HUNDRED:
            found[name] = f"Give {what} as a share from 0 to 100 %."
    if not ZERO <= i.hours_per_year <= MAX_HOURS:
        found["hours_per_year"] = (
            f"Give the hours a year from 0 to {_figure(MAX_HOURS)} (0: not known)."
        )
    if not 0 <= i.tasks_per_year <= MAX_TASKS:
        found["tasks_per_year"] = (
            f"Give the tasks a year from 0 to {MAX_TASKS:,} (0: not known)."
        )
    if i.pricing not in Pricing.values:
        found["pricing"] = "Choose how the provider prices the work."
    else:
        name, what = PRICE_FIELD[Pricing(i.pricing)]
        if name not in found and not getattr(i, name):
            found[name] = f"Give {what}, or choose another way of pricing."
    return found


@dataclass(frozen=True)
class CostData:
    title: str
    function: str
    inputs: CostInputs


def _check(data: CostData) -> CostData:
    title = " ".join(data.title.split())
    if not title:
        raise ServiceError("Give the comparison a title.", field="title")
    if len(title) > 200:
        raise ServiceError("Keep the title to 200 characters.", field="title")
    if data.function and data.function not in Function.values:
        raise ServiceError("Choose a function from the list.", field="function")
    found = problems(data.inputs)
    if found:
        field, message = next(iter(found.items()))
        raise ServiceError(message, field=field)
    # As the columns keep them (two decimals), so the audit trail says what
    # was saved.
    cents: dict[str, Any] = {
        name: money(value)
        for name, value in asdict(data.inputs).items()
        if isinstance(value, Decimal)
    }
    inputs = replace(data.inputs, **cents)
    return CostData(title=title, function=data.function, inputs=inputs)


def _audit(scope, verb: str, comparison: CostComparison, detail: dict) -> None:
    planner.audit(
        scope,
        f"insights.cost_comparison.{verb}",
        comparison,
        f"Cost comparison “{comparison.title}” {verb}",
        detail,
    )


def _values(comparison: CostComparison) -> dict:
    return {
        name: str(getattr(comparison, name))
        for name in ("title", "function", *INPUT_FIELDS)
    }


def _apply(comparison: CostComparison, data: CostData) -> None:
    comparison.title = data.title
    comparison.function = data.function
    for name, value in asdict(data.inputs).items():
        setattr(comparison, name, value)


def comparison_create(*, scope, data: CostData) -> CostComparison:
    planner.require_plan(scope)
    data = _check(data)
    comparison = CostComparison(firm=scope.firm, created_by=scope.user)
    _apply(comparison, data)
    with transaction.atomic():
        comparison.save()
        _audit(scope, "created", comparison, {"after": _values(comparison)})
    return comparison


def comparison_update(
    *, scope, comparison: CostComparison, data: CostData
) -> CostComparison:
    planner.require_plan(scope)
    data = _check(data)
    before = _values(comparison)
    _apply(comparison, data)
    with transaction.atomic():
        comparison.save()
        _audit(
            scope, "updated", comparison, planner.changes(before, _values(comparison))
        )
    return comparison


def comparison_delete(*, scope, comparison: CostComparison) -> None:
    planner.require_plan(scope)
    with transaction.atomic():
        _audit(scope, "deleted", comparison, {"before": _values(comparison)})
        comparison.delete()


# --- The in-house baseline of an engagement --------------------------------


def may_set_baseline(scope) -> bool:
    """Engagements are changed by firm admins only (engagements.services)."""
    return permissions.may_plan(scope) and scope.is_firm_admin


def baseline_engagements(scope):
    """The engagements whose baseline may still change: not ended ones."""
    return (
        Engagement.objects.in_scope(scope)
        .exclude(status=Engagement.Status.ENDED)
        .select_related("provider")
        .order_by("name")
    )


def use_as_baseline(
    *, scope, comparison: CostComparison, engagement: Engagement
) -> Decimal:
    """Set ``engagement``'s in-house cost per hour to the comparison's; the
    dashboard measures the engagement's cost per hour against it."""
    if not may_set_baseline(scope):
        raise ServiceError("Only a firm admin can change an engagement.")
    if engagement.firm_id != comparison.firm_id:
        raise ServiceError("Choose one of the firm's engagements.", field="engagement")
    if engagement.status == Engagement.Status.ENDED:
        raise ServiceError(
            "That engagement has ended and can no longer be changed.",
            field="engagement",
        )
    per_hour = compare(CostInputs.of(comparison)).inhouse_per_hour
    if per_hour is None:
        raise ServiceError(
            "This comparison has no in-house cost per hour: give the hours a "
            "year first."
        )
    before = engagement.inhouse_hourly_cost
    with transaction.atomic():
        engagement.inhouse_hourly_cost = per_hour
        engagement.save(update_fields=["inhouse_hourly_cost", "updated_at"])
        planner.audit(
            scope,
            "engagement.inhouse_baseline_set",
            engagement,
            (
                f"In-house cost per hour of {engagement.name} set to {per_hour} "
                f"from cost comparison “{comparison.title}”"
            ),
            {
                "before": {"inhouse_hourly_cost": str(before)},
                "after": {"inhouse_hourly_cost": str(per_hour)},
                "comparison": str(comparison.public_id),
            },
        )
    return per_hour


# --- Reading ---------------------------------------------------------------


def comparisons(scope, currency: str) -> list[tuple[CostComparison, CostResult]]:
    return [
        (c, compare(CostInputs.of(c), currency=currency))
        for c in CostComparison.objects.in_scope(scope).order_by("-created_at")
    ]


def firm_currency(firm) -> str:
    """The currency the firm bills in (billing settings), without making the
    settings row on a page that only reads."""
    found = (
        BillingSettings.objects.for_firm(firm)
        .values_list("currency", flat=True)
        .first()
    )
    return found or "USD"
