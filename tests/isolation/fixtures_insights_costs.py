"""Rows of firm A (and firm B) that registry_insights_costs.py points at: a
cost comparison in each firm."""

from decimal import Decimal

import pytest

from firmdesk.insights.models import CostComparison

__all__ = ["cost_comparison", "other_cost_comparison"]


@pytest.fixture
def cost_comparison(firm):
    return CostComparison.unscoped.create(
        firm=firm,
        title="Scheduling in-house or outsourced",
        hours_per_year=Decimal("1880"),
        salary=Decimal("60970"),
        hourly_rate=Decimal("35"),
    )


@pytest.fixture
def other_cost_comparison(other_firm):
    return CostComparison.unscoped.create(
        firm=other_firm,
        title="Brandt costs",
        hours_per_year=Decimal("1000"),
        salary=Decimal("50000"),
        hourly_rate=Decimal("30"),
    )
