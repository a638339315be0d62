"""Isolation registry entries for insights: costs (format: registry.py).

Cost comparisons are the firm's planning: its attorneys and admins use them
(the same rule as the fit assessment). Making one an engagement's in-house
baseline changes the engagement, which only a firm admin does. In-house
staff, provider staff and everyone without access to the firm get 404."""

from firmdesk.insights.models import CostComparison

from .registry import Route, _firm
from .registry_insights_fit import NOT_PLANNERS, planner_routes

ROUTES: list = [
    *planner_routes(
        "cost",
        id_name="comparison_id",
        row="cost_comparison",
        exists=lambda c: CostComparison.unscoped.filter(pk=c.pk).exists(),
    ),
    Route(
        "insights:cost_baseline",
        kwargs=lambda f: {**_firm(f), "comparison_id": f.cost_comparison.public_id},
        foreign_kwargs=lambda f: {
            **_firm(f),
            "comparison_id": f.other_cost_comparison.public_id,
        },
        allowed=("firm_admin",),
        denied=(*NOT_PLANNERS, "attorney"),
    ),
]
