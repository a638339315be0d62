"""Money and hours: ``Decimal`` everywhere, rounded in one place.

Amounts are kept to the cent and rounded half up (the way a person rounds on
paper, and the way e-billing vendors recompute a line). Hours are kept to the
hundredth, so a firm may bill in tenths or in quarters.
"""

from decimal import ROUND_CEILING, ROUND_HALF_UP, Decimal

CENT = Decimal("0.01")
ZERO = Decimal("0.00")


def money(value) -> Decimal:
    """``value`` rounded to the cent, half up."""
    return Decimal(value).quantize(CENT, rounding=ROUND_HALF_UP)


def line_amount(units, unit_cost, adjustment=ZERO) -> Decimal:
    """A fee or expense line: units × unit cost, rounded to the cent, plus its
    adjustment (LEDES 1998B: LINE_ITEM_TOTAL = units × unit cost + adjustment)."""
    return money(Decimal(units) * Decimal(unit_cost)) + money(adjustment)


def hours_from_minutes(minutes: int, increment: Decimal) -> Decimal:
    """Minutes worked as billed hours: up to the next ``increment`` (0.1 h by
    default), as firms bill; 20 minutes at 0.1 is 0.4 h."""
    if minutes <= 0:
        return ZERO
    steps = (Decimal(minutes) / Decimal(60) / increment).to_integral_value(
        rounding=ROUND_CEILING
    )
    return (steps * increment).quantize(CENT)


def on_increment(hours, increment: Decimal) -> bool:
    return Decimal(hours) % increment == 0
